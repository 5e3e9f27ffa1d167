import { TerraformResource } from "cdktf";
import { IConstruct } from "constructs";
import { PSA_ENFORCE_LABEL } from "../kubernetes/pod-security-namespace";
import { PolicyRule, resolvedJson } from "./rule";

/**
 * Talos enforces Pod Security `baseline` cluster-wide, so every namespace we
 * create states its level explicitly, and Helm releases never create
 * namespaces themselves (`create_namespace` cannot label them).
 */
export class PsaLabels extends PolicyRule {
  readonly id = "psa-labels";

  protected check(node: IConstruct) {
    if (!(node instanceof TerraformResource)) return [];
    // metadata is a block: cdktf writes it as one object, the engine's JSON form as a list of one.
    type Metadata = { labels?: Record<string, string> };
    const json = resolvedJson(node) as Record<string, Record<string, Record<string, { metadata?: Metadata | Metadata[]; create_namespace?: boolean }>>>;
    const body = Object.values(json.resource?.[node.terraformResourceType] ?? {})[0] ?? {};
    if (node.terraformResourceType === "kubernetes_namespace" || node.terraformResourceType === "kubernetes_namespace_v1") {
      const metadata = Array.isArray(body.metadata) ? body.metadata[0] : body.metadata;
      const labels = metadata?.labels ?? {};
      if (!labels[PSA_ENFORCE_LABEL]) {
        return [{ message: `namespace has no ${PSA_ENFORCE_LABEL} label`, fix: "create it with the PodSecurityNamespace construct, which sets the level" }];
      }
    }
    if (node.terraformResourceType === "helm_release" && body.create_namespace === true) {
      return [
        {
          message: "helm_release creates its own namespace, which then has no Pod Security label",
          fix: "create the namespace with PodSecurityNamespace and set createNamespace: false",
        },
      ];
    }
    return [];
  }
}
