import { PodSecurityLevel } from "../kubernetes/pod-security-namespace";

/**
 * Namespaces the built-in components use, at the Pod Security level each
 * needs. An extra release may share one only at the same level; kube-system
 * is Talos' own and is never relabelled.
 */
export const BUILTIN_NAMESPACES: Readonly<Record<string, PodSecurityLevel>> = {
  "rook-ceph": "privileged",
  opentelemetry: "privileged",
  robusta: "baseline",
  kubescape: "privileged",
};

export const UNMANAGED_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease", "default"];
