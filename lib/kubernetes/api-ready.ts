import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { DataHttp } from "@cdktf/provider-http/lib/data-http";
import { ClusterCredentials } from "./credentials";

export interface ApiServerReadyProps {
  readonly credentials: ClusterCredentials;
  /** What must exist before asking (the kubeconfig). */
  readonly dependsOn: readonly ITerraformDependable[];
  /**
   * Tries before giving up, about 10 s apart.
   * @default 90 (about 15 minutes)
   */
  readonly attempts?: number;
}

/**
 * Waits until the Kubernetes API server answers `/readyz` with 200, asked
 * with the cluster's own CA and admin certificate (TLS verified): Talos
 * reports etcd healthy before the kube-apiserver static pod serves, and a
 * Helm release that finds no API server fails the apply.
 *
 * @see https://kubernetes.io/docs/reference/using-api/health-checks/
 */
export class ApiServerReady extends Construct {
  readonly probe: DataHttp;

  constructor(scope: Construct, id: string, props: ApiServerReadyProps) {
    super(scope, id);
    const c = props.credentials;
    this.probe = new DataHttp(this, "readyz", {
      url: `${c.host}/readyz`,
      caCertPem: c.caCertificatePem,
      clientCertPem: c.clientCertificatePem,
      clientKeyPem: c.clientKeyPem,
      requestTimeoutMs: 10000,
      // Connection refused and 5xx (not ready) are retried.
      retry: { attempts: props.attempts ?? 90, minDelayMs: 10000, maxDelayMs: 10000 },
      dependsOn: [...props.dependsOn],
      lifecycle: {
        postcondition: [
          {
            condition: "${self.status_code == 200}",
            errorMessage: `The Kubernetes API server at ${c.host} did not become ready: check the control planes with talosctl health.`,
          },
        ],
      },
    });
  }
}
