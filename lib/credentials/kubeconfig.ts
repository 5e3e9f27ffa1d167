import { Fn } from "cdktf";
import { ClusterCredentials } from "../kubernetes/credentials";

/** One cluster's entry in a kubeconfig. */
export interface KubeconfigCluster {
  /** Cluster name; the context is `admin@<name>`. */
  readonly name: string;
  readonly credentials: ClusterCredentials;
}

/**
 * A kubeconfig with one context per cluster, rendered by Terraform
 * (`yamlencode`) because the credentials are only known at apply time. The
 * first cluster is the current context.
 *
 * @see https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/
 */
export function kubeconfigYaml(clusters: readonly KubeconfigCluster[]): string {
  const user = (name: string) => `admin@${name}`;
  return Fn.yamlencode({
    apiVersion: "v1",
    kind: "Config",
    preferences: {},
    "current-context": user(clusters[0].name),
    clusters: clusters.map(({ name, credentials: c }) => ({
      name,
      cluster: { server: c.host, "certificate-authority-data": Fn.base64encode(c.caCertificatePem) },
    })),
    users: clusters.map(({ name, credentials: c }) => ({
      name: user(name),
      user: { "client-certificate-data": Fn.base64encode(c.clientCertificatePem), "client-key-data": Fn.base64encode(c.clientKeyPem) },
    })),
    contexts: clusters.map(({ name }) => ({ name: user(name), context: { cluster: name, user: user(name) } })),
  });
}
