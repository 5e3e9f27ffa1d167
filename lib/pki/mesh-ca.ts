import { PrivateKey } from "@cdktf/provider-tls/lib/private-key";
import { SelfSignedCert } from "@cdktf/provider-tls/lib/self-signed-cert";
import { Construct } from "constructs";

/** PEM material of the mesh CA, handed to every cluster's Cilium. */
export interface MeshCaMaterial {
  /** CA certificate, PEM. */
  readonly certificatePem: string;
  /** CA private key, PEM (sensitive). */
  readonly privateKeyPem: string;
}

export interface MeshCaProps {
  /**
   * Subject common name of the CA certificate.
   * @default - "aggrik8s ClusterMesh CA"
   */
  readonly commonName?: string;
  /**
   * How long the CA certificate is valid, in hours.
   * @default - 87600 (10 years): the CA signs each cluster's clustermesh certificates, and rotating it re-peers every cluster
   */
  readonly validityHours?: number;
  /**
   * Refuse to destroy the key and certificate (Terraform `prevent_destroy`).
   * @default - true: destroying the CA breaks every ClusterMesh peering at once
   */
  readonly preventDestroy?: boolean;
}

/**
 * One certificate authority for the whole mesh. Cilium's chart otherwise
 * generates a CA per install, and clusters with different CAs cannot peer.
 *
 * @see https://docs.cilium.io/en/stable/network/clustermesh/clustermesh/#shared-certificate-authority
 */
export class MeshCa extends Construct implements MeshCaMaterial {
  readonly certificatePem: string;
  readonly privateKeyPem: string;

  constructor(scope: Construct, id: string, props: MeshCaProps = {}) {
    super(scope, id);
    const lifecycle = { preventDestroy: props.preventDestroy ?? true };
    // RSA: Helm's genSignedCert, which the Cilium chart uses to sign with this CA, parses RSA keys everywhere.
    const key = new PrivateKey(this, "key", { algorithm: "RSA", rsaBits: 4096, lifecycle });
    const cert = new SelfSignedCert(this, "cert", {
      privateKeyPem: key.privateKeyPem,
      isCaCertificate: true,
      subject: [{ commonName: props.commonName ?? "aggrik8s ClusterMesh CA", organization: "aggrik8s" }],
      validityPeriodHours: props.validityHours ?? 87600,
      allowedUses: ["cert_signing", "crl_signing", "digital_signature", "key_encipherment"],
      lifecycle,
    });
    this.certificatePem = cert.certPem;
    this.privateKeyPem = key.privateKeyPem;
  }
}
