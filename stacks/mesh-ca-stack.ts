import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import { ClusterMeshCertificates, ClusterMeshTls } from "../lib/pki/clustermesh-certs";
import { MeshCa } from "../lib/pki/mesh-ca";
import { PropsError } from "../lib/errors";
import { Aggrik8sStack, Aggrik8sStackProps } from "./base";

export interface MeshCaStackProps extends Aggrik8sStackProps {
  /** Allow `cdktf destroy` to delete the CA. @default - false */
  readonly allowDestroy?: boolean;
  /** Cilium cluster.name of every cluster of the mesh: each gets its own ClusterMesh certificates, signed here. @default - none */
  readonly clusters?: readonly string[];
}

/** What the mesh-ca stack hands the clusters' Cilium stacks (cross-stack references; never the CA key). */
export interface MeshCaOutputs {
  /** The mesh CA certificate (PEM). */
  readonly caCertificatePem: string;
  /** `cluster`'s ClusterMesh certificates and the CA certificate; a cluster the stack was not given is refused. */
  clusterTls(cluster: string): ClusterMeshTls;
}

/**
 * The one CA every cluster's Cilium trusts, so ClusterMesh peers trust each
 * other, and each cluster's ClusterMesh certificates signed with it. The CA
 * key stays in this stack's state: a cluster gets its own certificates and
 * the CA certificate, so one compromised cluster cannot mint certificates
 * for its peers.
 */
export class MeshCaStack extends Aggrik8sStack {
  /** The CA itself (its key is for this stack and the state proof only: the clusters read `outputs`). */
  readonly ca: MeshCa;
  readonly outputs: MeshCaOutputs;

  constructor(scope: Construct, id: string, props: MeshCaStackProps = {}) {
    super(scope, id, props);
    new TlsProvider(this, "tls");
    this.ca = new MeshCa(this, "ca", { preventDestroy: !props.allowDestroy });
    new TerraformOutput(this, "ca_certificate_pem", { value: this.ca.certificatePem, description: "Mesh CA certificate (PEM)" });
    const tls = new Map<string, ClusterMeshTls>();
    for (const cluster of props.clusters ?? []) {
      tls.set(
        cluster,
        new ClusterMeshCertificates(this, `clustermesh-${cluster}`, {
          clusterName: cluster,
          caCertificatePem: this.ca.certificatePem,
          caPrivateKeyPem: this.ca.privateKeyPem,
        }),
      );
    }
    this.outputs = {
      caCertificatePem: this.ca.certificatePem,
      clusterTls: (cluster) => {
        const found = tls.get(cluster);
        if (!found)
          throw new PropsError({
            path: this.node.path,
            message: `no ClusterMesh certificates for cluster ${cluster} (the stack signs them for: ${[...tls.keys()].join(", ") || "none"})`,
            fix: `pass ${cluster} in the mesh-ca stack's clusters`,
          });
        return found;
      },
    };
  }
}
