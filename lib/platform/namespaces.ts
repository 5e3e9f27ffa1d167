import { PodSecurityLevel } from "../kubernetes/pod-security-namespace";
import { PLATFORM_COMPONENTS } from "./components";

/**
 * Namespaces the built-in components use, at the Pod Security level each
 * needs. An extra release may share one only at the same level; kube-system
 * is Talos' own and is never relabelled.
 */
export const BUILTIN_NAMESPACES: Readonly<Record<string, PodSecurityLevel>> = Object.fromEntries(
  PLATFORM_COMPONENTS.flatMap((c) => ("namespace" in c && c.namespace ? [[c.namespace.name, c.namespace.level]] : [])),
);

export const UNMANAGED_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease", "default"];
