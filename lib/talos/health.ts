/**
 * What a Talos client presents to a node's API (apid): the cluster's Talos CA
 * and an admin client certificate, PEM (base64-encoded, as
 * `talos_machine_secrets.client_configuration` gives them).
 */
export interface TalosClientConfiguration {
  readonly caCertificate: string;
  readonly clientCertificate: string;
  /** Sensitive. */
  readonly clientKey: string;
}
