import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { DataTalosClusterHealth } from "../../.gen/providers/talos/data-talos-cluster-health";

/**
 * What a Talos client presents to a node's API (apid): the cluster's Talos CA
 * and an admin client certificate, PEM (base64-encoded, as
 * `talos_machine_secrets.client_configuration` gives them).
 */
export interface TalosClientConfiguration {
  readonly caCertificate: string;
  readonly clientCertificate: string;
  /** Sensitive. */
  readonly clientKey: string;
}

export interface TalosHealthGateProps {
  readonly clientConfiguration: TalosClientConfiguration;
  /** Control plane node IPs; also the Talos API endpoints asked. */
  readonly controlPlaneIps: readonly string[];
  /** @default - none */
  readonly workerIps?: readonly string[];
  /**
   * Also check Kubernetes: every node Ready, control plane pods up. Never
   * before the CNI runs: with `cni: none` nodes stay NotReady until Cilium is
   * in, so the check could never pass. Off, only Talos' boot checks run
   * (etcd healthy and consistent, apid ready, kubelet healthy, boot finished).
   * @default false
   */
  readonly kubernetesChecks?: boolean;
  /** What must exist before the check is worth running. */
  readonly dependsOn: readonly ITerraformDependable[];
  /**
   * How long the check may take before the apply fails.
   * @default - "20m"
   */
  readonly timeout?: string;
}

/**
 * Waits for a Talos cluster to be healthy (`talos_cluster_health`): a data
 * source read after `dependsOn` is applied, so everything that depends on
 * this gate waits for it.
 *
 * @see https://github.com/siderolabs/terraform-provider-talos/blob/v0.11.0/docs/data-sources/cluster_health.md
 */
export class TalosHealthGate extends Construct {
  readonly check: DataTalosClusterHealth;

  constructor(scope: Construct, id: string, props: TalosHealthGateProps) {
    super(scope, id);
    this.check = new DataTalosClusterHealth(this, "check", {
      clientConfiguration: props.clientConfiguration,
      controlPlaneNodes: [...props.controlPlaneIps],
      workerNodes: [...(props.workerIps ?? [])],
      endpoints: [...props.controlPlaneIps],
      skipKubernetesChecks: !(props.kubernetesChecks ?? false),
      timeouts: { read: props.timeout ?? "20m" },
      dependsOn: [...props.dependsOn],
    });
  }
}
