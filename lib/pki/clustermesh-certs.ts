/**
 * One cluster's ClusterMesh certificates, signed by the mesh CA in the stack
 * that holds the CA (mesh-ca), so the CA key never leaves it: each cluster's
 * Cilium receives only its own certificates and keys and the CA certificate
 * (the chart's provided-TLS mode), never a key that could sign for a peer.
 *
 * Subjects and names are the ones the Cilium chart gives its own generated
 * certificates (templates/clustermesh-apiserver/tls-helm, authMode cluster).
 *
 * @see https://docs.cilium.io/en/stable/network/clustermesh/clustermesh/
 */
import { CertRequest } from "@cdktf/provider-tls/lib/cert-request";
import { LocallySignedCert } from "@cdktf/provider-tls/lib/locally-signed-cert";
import { PrivateKey } from "@cdktf/provider-tls/lib/private-key";
import { Construct } from "constructs";
import { PropsError } from "../errors";

/** A certificate and its key, PEM. */
export interface CertificatePair {
  /** Certificate, PEM. */
  readonly certificatePem: string;
  /** Private key, PEM (sensitive). */
  readonly privateKeyPem: string;
  /** When the certificate became valid (RFC 3339): changes exactly when it is re-issued. */
  readonly validityStartTime: string;
}

/** Everything one cluster's Cilium needs for ClusterMesh TLS: its own certificates and the CA certificate, no CA key. */
export interface ClusterMeshTls {
  /** Mesh CA certificate, PEM (public). */
  readonly caCertificatePem: string;
  /** The clustermesh-apiserver's etcd server certificate. */
  readonly server: CertificatePair;
  /** The clustermesh-apiserver's own etcd client (CN `admin-<cluster>`). */
  readonly admin: CertificatePair;
  /** What this cluster presents to its peers' apiservers (CN `remote-<cluster>`, authMode cluster). */
  readonly remote: CertificatePair;
  /** What this cluster's agents present to their local KVStoreMesh (CN `local-<cluster>`). */
  readonly local: CertificatePair;
}

/** The certificate kinds, in the order they are made. */
export const CLUSTERMESH_CERT_KINDS = ["server", "admin", "remote", "local"] as const;
export type ClusterMeshCertKind = (typeof CLUSTERMESH_CERT_KINDS)[number];

/** The names the chart's own server certificate carries: peers dial `<cluster>.mesh.cilium.io` (host alias of the peer's IPs). */
export const CLUSTERMESH_SERVER_NAMES = {
  commonName: "clustermesh-apiserver.cilium.io",
  dnsNames: ["clustermesh-apiserver.cilium.io", "*.mesh.cilium.io", "clustermesh-apiserver.kube-system.svc"],
  ipAddresses: ["127.0.0.1", "::1"],
} as const;

/** Certificate validity and renewal defaults. */
export const CLUSTERMESH_CERT_DEFAULTS = {
  /** One year. */
  validityHours: 8760,
  /** 90 days: any deploy in the last 90 days of a certificate's life re-issues it. */
  renewBeforeHours: 2160,
} as const;

export interface ClusterMeshCertificatesProps {
  /** Cilium cluster.name of the cluster the certificates are for. */
  readonly clusterName: string;
  /** Mesh CA certificate, PEM (same stack). */
  readonly caCertificatePem: string;
  /** Mesh CA private key, PEM (same stack: it never crosses a stack boundary). */
  readonly caPrivateKeyPem: string;
  /**
   * Validity of each certificate, in hours.
   * @default - 8760 (one year)
   */
  readonly validityHours?: number;
  /**
   * Renewal window, in hours before expiry: a plan inside it replaces the
   * certificate (the tls provider's `early_renewal_hours`), so a deploy
   * re-issues it and each Cilium release picks the new one up.
   * @default - 2160 (90 days)
   */
  readonly renewBeforeHours?: number;
}

/** One cluster's server, admin, remote and local ClusterMesh certificates, signed by the mesh CA. */
export class ClusterMeshCertificates extends Construct implements ClusterMeshTls {
  readonly caCertificatePem: string;
  readonly server: CertificatePair;
  readonly admin: CertificatePair;
  readonly remote: CertificatePair;
  readonly local: CertificatePair;

  constructor(scope: Construct, id: string, props: ClusterMeshCertificatesProps) {
    super(scope, id);
    const validity = props.validityHours ?? CLUSTERMESH_CERT_DEFAULTS.validityHours;
    const renew = props.renewBeforeHours ?? CLUSTERMESH_CERT_DEFAULTS.renewBeforeHours;
    if (!(renew > 0 && renew < validity)) {
      throw new PropsError({
        path: this.node.path,
        message: `renewal window renewBeforeHours ${renew} is not above 0 and below the validity, ${validity} hours`,
        fix: "give renewBeforeHours a number of hours between 0 and validityHours, e.g. 2160 for a one-year certificate",
      });
    }
    this.caCertificatePem = props.caCertificatePem;
    const client = ["digital_signature", "key_encipherment", "client_auth"];
    const issue = (kind: ClusterMeshCertKind, commonName: string, uses: string[], names?: { dnsNames: string[]; ipAddresses: string[] }): CertificatePair => {
      const key = new PrivateKey(this, `${kind}-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" });
      const request = new CertRequest(this, `${kind}-request`, {
        privateKeyPem: key.privateKeyPem,
        subject: [{ commonName, organization: "aggrik8s" }],
        dnsNames: names?.dnsNames,
        ipAddresses: names?.ipAddresses,
      });
      const cert = new LocallySignedCert(this, `${kind}-cert`, {
        certRequestPem: request.certRequestPem,
        caCertPem: props.caCertificatePem,
        caPrivateKeyPem: props.caPrivateKeyPem,
        validityPeriodHours: validity,
        earlyRenewalHours: renew,
        allowedUses: uses,
      });
      return { certificatePem: cert.certPem, privateKeyPem: key.privateKeyPem, validityStartTime: cert.validityStartTime };
    };
    // Server and client use, as the chart's genSignedCert gives its own server certificate.
    this.server = issue("server", CLUSTERMESH_SERVER_NAMES.commonName, [...client, "server_auth"], {
      dnsNames: [...CLUSTERMESH_SERVER_NAMES.dnsNames],
      ipAddresses: [...CLUSTERMESH_SERVER_NAMES.ipAddresses],
    });
    this.admin = issue("admin", `admin-${props.clusterName}`, client);
    this.remote = issue("remote", `remote-${props.clusterName}`, client);
    this.local = issue("local", `local-${props.clusterName}`, client);
  }
}
