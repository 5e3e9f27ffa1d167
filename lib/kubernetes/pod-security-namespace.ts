import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { Construct } from "constructs";
import { PSA_ENFORCE_LABEL } from "../aspects/psa-labels";

/** Pod Security Standards level. @see https://kubernetes.io/docs/concepts/security/pod-security-standards/ */
export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

export interface PodSecurityNamespaceProps {
  /** Namespace name. */
  readonly name: string;
  /** Level enforced (and warned and audited at). */
  readonly level: PodSecurityLevel;
  /** Extra labels. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A namespace that states its Pod Security level. Talos enforces `baseline`
 * cluster-wide, so components that need host access (Rook, Kubescape, ...)
 * get `privileged` here, explicitly, and nothing else does by accident.
 *
 * @see https://www.talos.dev/v1.12/kubernetes-guides/configuration/pod-security/
 */
export class PodSecurityNamespace extends Construct {
  readonly namespace: NamespaceV1;
  /** The namespace name, as a reference (so releases depend on the namespace). */
  readonly name: string;

  constructor(scope: Construct, id: string, props: PodSecurityNamespaceProps) {
    super(scope, id);
    this.namespace = new NamespaceV1(this, "ns", {
      metadata: {
        name: props.name,
        labels: {
          ...props.labels,
          [PSA_ENFORCE_LABEL]: props.level,
          "pod-security.kubernetes.io/warn": props.level,
          "pod-security.kubernetes.io/audit": props.level,
        },
      },
    });
    this.name = this.namespace.metadata.name;
  }
}
