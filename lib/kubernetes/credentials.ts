import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Construct } from "constructs";

/**
 * What a stack needs to reach a cluster's API, as PEM: produced by the Talos
 * stack (`talos_cluster_kubeconfig`, base64-decoded) and consumed through
 * cross-stack references, so no kubeconfig file and no second apply.
 */
export interface ClusterCredentials {
  /** API server URL, `https://<endpoint>:6443`. */
  readonly host: string;
  /** Cluster CA certificate, PEM. */
  readonly caCertificatePem: string;
  /** Admin client certificate, PEM. */
  readonly clientCertificatePem: string;
  /** Admin client key, PEM (sensitive). */
  readonly clientKeyPem: string;
}

export interface KubernetesAccessProps {
  readonly credentials: ClusterCredentials;
  /**
   * Also configure the kubernetes provider (for namespaces, secrets, ...).
   * @default - true; false for a stack with Helm releases only, which then needs no kubernetes provider binary
   */
  readonly kubernetesProvider?: boolean;
}

/** The helm (and kubernetes) providers of one stack, configured from a cluster's credentials with TLS verified. */
export class KubernetesAccess extends Construct {
  readonly helm: HelmProvider;
  readonly kubernetes?: KubernetesProvider;

  constructor(scope: Construct, id: string, props: KubernetesAccessProps) {
    super(scope, id);
    const c = props.credentials;
    const tls = { host: c.host, clusterCaCertificate: c.caCertificatePem, clientCertificate: c.clientCertificatePem, clientKey: c.clientKeyPem };
    if (props.kubernetesProvider ?? true) this.kubernetes = new KubernetesProvider(this, "kubernetes", tls);
    this.helm = new HelmProvider(this, "helm", { kubernetes: tls });
  }
}
