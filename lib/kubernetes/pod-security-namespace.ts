import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { Construct } from "constructs";
import { PropsError } from "../errors";

/** The label Pod Security admission reads a namespace's level from. */
export const PSA_ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";

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

/**
 * The namespaces of one stack: each created once, at one Pod Security level.
 * `add` creates (the same name again at the same level is the same
 * namespace); `nameOf` only looks one up, so reading a name never creates a
 * construct (a state address) by accident.
 */
export class PodSecurityNamespaces extends Construct {
  private readonly byName = new Map<string, { level: PodSecurityLevel; ns: PodSecurityNamespace }>();

  /** Creates namespace `name` at `level`, once; the same name at another level is refused. */
  add(name: string, level: PodSecurityLevel): void {
    const existing = this.byName.get(name);
    if (!existing) {
      this.byName.set(name, { level, ns: new PodSecurityNamespace(this, name, { name, level }) });
      return;
    }
    if (existing.level !== level) {
      throw new PropsError({
        path: this.node.path,
        message: `namespace ${name} is wanted at Pod Security levels ${existing.level} and ${level}`,
        fix: "give every release that shares a namespace the same podSecurity",
      });
    }
  }

  /** The name of a namespace added before, as a reference (whatever uses it is created after it); one never added is refused. */
  nameOf(name: string): string {
    const existing = this.byName.get(name);
    if (!existing)
      throw new PropsError({
        path: this.node.path,
        message: `namespace ${name} was never added (known: ${[...this.byName.keys()].join(", ") || "none"})`,
        fix: `add(${JSON.stringify(name)}, level) before reading its name`,
      });
    return existing.ns.name;
  }
}
