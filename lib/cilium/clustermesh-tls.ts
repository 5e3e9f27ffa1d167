/**
 * The secrets Cilium's clustermesh-apiserver and agents mount when the
 * chart's TLS generation is off (`clustermesh.apiserver.tls.auto.enabled:
 * false`, the chart's provided-TLS mode): one `kubernetes.io/tls` secret per
 * certificate, each with `ca.crt` (the mesh CA certificate), `tls.crt` and
 * `tls.key`. Written as write-only data, so the keys do not enter this
 * stack's state through the secret; a re-issued certificate (new validity
 * start) bumps the revision and rewrites the secret.
 *
 * @see https://docs.cilium.io/en/stable/network/clustermesh/clustermesh/
 */
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { Fn, ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { CLUSTERMESH_CERT_KINDS, ClusterMeshCertKind, ClusterMeshTls } from "../pki/clustermesh-certs";

/** Secret names the Cilium chart mounts (templates/clustermesh-apiserver/deployment.yaml, cilium-agent/daemonset.yaml). */
export const CLUSTERMESH_TLS_SECRETS: Readonly<Record<ClusterMeshCertKind, string>> = {
  server: "clustermesh-apiserver-server-cert",
  admin: "clustermesh-apiserver-admin-cert",
  remote: "clustermesh-apiserver-remote-cert",
  local: "clustermesh-apiserver-local-cert",
};

export interface ClusterMeshTlsSecretsProps {
  /** This cluster's certificates and the CA certificate (cross-stack references to mesh-ca). */
  readonly tls: ClusterMeshTls;
  /** Namespace of the Cilium release. */
  readonly namespace: string;
}

/** The four ClusterMesh TLS secrets of one cluster, before Cilium is installed. */
export class ClusterMeshTlsSecrets extends Construct {
  /** What the Cilium release waits for. */
  readonly secrets: readonly ITerraformDependable[];

  constructor(scope: Construct, id: string, props: ClusterMeshTlsSecretsProps) {
    super(scope, id);
    this.secrets = CLUSTERMESH_CERT_KINDS.map((kind) => {
      const pair = props.tls[kind];
      return new SecretV1(this, kind, {
        metadata: { name: CLUSTERMESH_TLS_SECRETS[kind], namespace: props.namespace, labels: { "app.kubernetes.io/managed-by": "aggrik8s" } },
        type: "kubernetes.io/tls",
        dataWo: { "ca.crt": props.tls.caCertificatePem, "tls.crt": pair.certificatePem, "tls.key": pair.privateKeyPem },
        // The certificate's issue time as a number (YYYYMMDDhhmmss): it changes exactly when mesh-ca re-issues it.
        dataWoRevision: Token.asNumber(Fn.parseint(Fn.formatdate("YYYYMMDDhhmmss", pair.validityStartTime), 10)),
      });
    });
  }
}
