import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { Resource } from "@cdktf/provider-null/lib/resource";
import { fromStackDir } from "../project-path";
import { ClusterCredentials } from "../kubernetes/credentials";

/** What a gate checks (scripts/gate.js). */
export type GateCheck =
  /** `/readyz` answers 200: the API server serves and reaches etcd (its `etcd` check). Needs no pod network. */
  | "readyz"
  /** Every listed node is a Node object with Ready=True, and CoreDNS serves: the kube-dns Service has a ready endpoint. */
  | "nodes-dns"
  /** Not a gate but the same mechanism: deletes the listed Node objects (leaving nodes, reset by the Talos stack); absent is fine. */
  | "delete-nodes"
  /** Every CRD in `crds` exists with Established=True: its kinds are served (custom resources of it can be created). */
  | "crds-established";

export interface ApplyGateProps {
  readonly check: GateCheck;
  readonly credentials: ClusterCredentials;
  /** For `nodes-dns`: the node names that must be Ready; for `delete-nodes`: those to delete. @default - none */
  readonly nodes?: readonly string[];
  /** For `crds-established`: the CRD names, `<plural>.<group>`. @default - none */
  readonly crds?: readonly string[];
  /**
   * What the gate guards: when any of these values changes, the gate is
   * replaced, so it runs again at that apply; unchanged, it does not run.
   */
  readonly triggers: Readonly<Record<string, string>>;
  readonly dependsOn: readonly ITerraformDependable[];
  /** @default 900 */
  readonly timeoutSeconds?: number;
}

/**
 * A health gate that runs at apply only, never at plan: a `null_resource`
 * whose creation runs `scripts/gate.js` (local-exec, the same Node the npm
 * scripts run on), polling the Kubernetes API with the cluster's own CA and
 * admin certificate (TLS verified) until the check passes or time runs out.
 * A data source would be read at every plan, so one node down would make the
 * stack unplannable. The credentials go to the script through the
 * provisioner's environment, which Terraform keeps out of state.
 */
export class ApplyGate extends Construct {
  readonly gate: Resource;

  constructor(scope: Construct, id: string, props: ApplyGateProps) {
    super(scope, id);
    const c = props.credentials;
    this.gate = new Resource(this, "gate", {
      triggers: {
        check: props.check,
        nodes: (props.nodes ?? []).join(","),
        ...(props.crds ? { crds: props.crds.join(",") } : {}),
        ...props.triggers,
      },
      dependsOn: [...props.dependsOn],
      provisioners: [
        {
          type: "local-exec",
          command: `node ${fromStackDir("scripts/gate.js", this)} ${props.check}`,
          environment: {
            GATE_HOST: c.host,
            GATE_CA_PEM: c.caCertificatePem,
            GATE_CERT_PEM: c.clientCertificatePem,
            GATE_KEY_PEM: c.clientKeyPem,
            GATE_NODES: (props.nodes ?? []).join(","),
            ...(props.crds ? { GATE_CRDS: props.crds.join(",") } : {}),
            GATE_TIMEOUT_SECONDS: String(props.timeoutSeconds ?? 900),
          },
        },
      ],
    });
  }
}
