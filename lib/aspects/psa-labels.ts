import { TerraformResource } from "cdktf";
import { PSA_ENFORCE_LABEL } from "../kubernetes/pod-security-namespace";
import { PolicyRule } from "./rule";

// metadata is a block: cdktf writes it as one object, the engine's JSON form as a list of one.
type Metadata = { labels?: Record<string, string> };
type Body = { metadata?: Metadata | Metadata[]; create_namespace?: boolean };

/**
 * AGK-K8S-001: Talos enforces Pod Security `baseline` cluster-wide, so every
 * namespace we create states its level explicitly, and Helm releases never
 * create namespaces themselves (`create_namespace` cannot label them).
 */
export const psaLabels: PolicyRule = {
  id: "AGK-K8S-001",
  name: "psa-labels",
  level: "error",
  description: "a namespace without a Pod Security `enforce` label, or a Helm release that creates its own namespace",
  fix: "create the namespace with the PodSecurityNamespace construct, which sets the level",
  check(target) {
    const node = target.construct;
    if (!(node instanceof TerraformResource)) return [];
    const type = node.terraformResourceType;
    if (type !== "kubernetes_namespace" && type !== "kubernetes_namespace_v1" && type !== "helm_release") return [];
    const json = target.resolvedJson() as { resource?: Record<string, Record<string, Body>> };
    const body = Object.values(json.resource?.[type] ?? {})[0] ?? {};
    if (type === "helm_release") {
      return body.create_namespace === true
        ? [
            {
              message: "helm_release creates its own namespace, which then has no Pod Security label",
              fix: "create the namespace with PodSecurityNamespace and set createNamespace: false",
            },
          ]
        : [];
    }
    const metadata = Array.isArray(body.metadata) ? body.metadata[0] : body.metadata;
    return metadata?.labels?.[PSA_ENFORCE_LABEL]
      ? []
      : [{ message: `namespace has no ${PSA_ENFORCE_LABEL} label`, fix: "create it with the PodSecurityNamespace construct, which sets the level" }];
  },
};
