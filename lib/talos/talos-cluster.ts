import { Fn, ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { Resource } from "@cdktf/provider-null/lib/resource";
import { ClusterKubeconfig } from "../../.gen/providers/talos/cluster-kubeconfig";
import { DataTalosClientConfiguration } from "../../.gen/providers/talos/data-talos-client-configuration";
import { Machine } from "../../.gen/providers/talos/machine";
import { MachineBootstrap } from "../../.gen/providers/talos/machine-bootstrap";
import { MachineSecrets } from "../../.gen/providers/talos/machine-secrets";
import { PropsError } from "../errors";
import { ApplyGate } from "../gates/apply-gate";
import { ClusterCredentials } from "../kubernetes/credentials";
import { EphemeralBlock } from "./ephemeral";
import { TalosClientConfiguration } from "./health";
import { PatchDocument, toPatchYaml } from "./patches";

/** One node as the Talos stack configures it. */
export interface TalosNode {
  /** Hostname (also the construct id of its resources: a state address). */
  readonly name: string;
  /** Static address, reachable from where Terraform runs (Talos API, port 50000). */
  readonly ip: string;
  readonly role: "controlplane" | "worker";
  /** The node's machine-config patch documents (lib/talos/patches.ts). */
  readonly patches: readonly PatchDocument[];
  /**
   * What identifies the node's VM (values that replace the VM when they
   * change): when it changes, the node's `talos_machine` is replaced, so a
   * rebuilt VM, booted into maintenance mode, gets its config again.
   */
  readonly vmIdentity: Readonly<Record<string, string>>;
}

export interface TalosClusterProps {
  /** Cluster name, as Talos and the kubeconfig name it. */
  readonly clusterName: string;
  /** Kubernetes API URL every node is configured with, e.g. `https://10.10.0.10:6443`. */
  readonly endpoint: string;
  /** Talos version the configs are generated for; pins the secrets' format too. */
  readonly talosVersion: string;
  /** Kubernetes version new nodes boot with (upgrades go through `talos_cluster`, Cilium stack). */
  readonly kubernetesVersion: string;
  /** Installer image every node runs; a change upgrades the nodes one at a time. */
  readonly installerImage: string;
  /** Every node, control planes first; the first control plane is bootstrapped. */
  readonly nodes: readonly TalosNode[];
  /**
   * Keep `destroy` from deleting the machine secrets (the cluster's CAs):
   * losing them locks every node out.
   * @default true
   */
  readonly preventSecretsDestroy?: boolean;
  /**
   * Gate the stack on the API server's `/readyz` at apply (scripts/gate.js).
   * Off (repair), no gate is synthesized.
   * @default true
   */
  readonly healthGates?: boolean;
}

/**
 * The construct id of a node's `talos_machine` under its `TalosCluster`: part
 * of its state address (`talos_machine.<cluster id>_machine-<node>_<hash>`),
 * so the deploy's node-removal check maps state to nodes through it.
 */
export function machineConstructId(nodeName: string): string {
  return `machine-${nodeName}`;
}

/** How long one node may take: an installer pull, the install and a reboot (an upgrade drains first). */
const NODE_TIMEOUT = "30m";

/**
 * A Talos cluster on nodes booted in maintenance mode, on the talos provider's
 * lifecycle resources (0.12):
 *
 * - machine secrets (`prevent_destroy`);
 * - per node, its full machine config rendered by the ephemeral
 *   `talos_machine_configuration` (the way Talos itself generates it; never
 *   in state or plan), handed to `talos_machine` through the write-only
 *   `machine_configuration_wo`. `talos_machine` applies it, upgrades the OS
 *   in place when `image` changes (cordon and drain first, through
 *   `kubeconfig_wo` from the ephemeral `talos_cluster_kubeconfig`, which
 *   signs a kubeconfig locally from the secrets), and resets the node (a
 *   graceful etcd leave) before it is destroyed;
 * - the nodes in a chain: each control plane after the previous one, then
 *   each worker after the previous node, so a config change that reboots or
 *   an upgrade reaches one node at a time and a failure stops the roll;
 * - etcd bootstrapped on the first control plane once the control planes
 *   (only) are configured;
 * - the admin kubeconfig, then an apply-time gate on `/readyz` (no pod
 *   network needed).
 *
 * Kubernetes versions are `talos_cluster`'s (Cilium stack):
 * `ignore_kubernetes_upgrade_drift` keeps a Kubernetes bump from re-applying
 * the configs here.
 *
 * @see https://github.com/siderolabs/terraform-provider-talos/tree/v0.12.0-alpha.5/docs
 */
export class TalosCluster extends Construct {
  readonly secrets: MachineSecrets;
  /** `talos_machine` by node name, in the order they are rolled. */
  readonly machines: Readonly<Record<string, Machine>>;
  /** The rendered configs (ephemeral), by node name. */
  readonly machineConfigs: Readonly<Record<string, EphemeralBlock>>;
  readonly bootstrap: MachineBootstrap;
  /** Absent when the health gates are off. */
  readonly apiReady?: ApplyGate;
  readonly kubeconfig: ClusterKubeconfig;
  /** Admin client of the Talos API (sensitive key). */
  readonly clientConfiguration: TalosClientConfiguration;
  /** Admin credentials of the Kubernetes API, PEM. */
  readonly credentials: ClusterCredentials;
  /** The talosconfig for talosctl (sensitive). */
  readonly talosconfig: string;
  /** Control plane addresses: the Talos API endpoints. */
  readonly controlPlaneIps: readonly string[];
  readonly workerIps: readonly string[];
  /** Node names, control planes first. */
  readonly nodeNames: readonly string[];
  /** What the cluster's configured state is: changes when any node is re-applied or upgraded. */
  readonly rollout: ITerraformDependable[];

  constructor(scope: Construct, id: string, props: TalosClusterProps) {
    super(scope, id);
    const controlPlanes = props.nodes.filter((n) => n.role === "controlplane");
    if (controlPlanes.length === 0) {
      throw new PropsError({
        path: this.node.path,
        message: `cluster ${props.clusterName} has no control plane node`,
        fix: "list at least one node with role controlplane",
      });
    }
    const workers = props.nodes.filter((n) => n.role === "worker");
    this.controlPlaneIps = controlPlanes.map((n) => n.ip);
    this.workerIps = workers.map((n) => n.ip);
    this.nodeNames = [...controlPlanes, ...workers].map((n) => n.name);

    this.secrets = new MachineSecrets(this, "secrets", {
      talosVersion: props.talosVersion,
      lifecycle: { preventDestroy: props.preventSecretsDestroy ?? true },
    });
    const cc = this.secrets.clientConfiguration;
    this.clientConfiguration = { caCertificate: cc.caCertificate, clientCertificate: cc.clientCertificate, clientKey: cc.clientKey };
    const machineSecrets = this.secrets.machineSecrets;

    // Signed locally from the secrets (no node asked), for the drain before an upgrade.
    const drainKubeconfig = new EphemeralBlock(this, "drain-kubeconfig", "talos_cluster_kubeconfig", {
      cluster_name: props.clusterName,
      endpoint: props.endpoint,
      machine_secrets: machineSecrets,
      crt_ttl: "1h",
    });

    const configs: Record<string, EphemeralBlock> = {};
    const machines: Record<string, Machine> = {};
    let previous: Machine | undefined;
    for (const node of [...controlPlanes, ...workers]) {
      const config = new EphemeralBlock(this, `config-${node.name}`, "talos_machine_configuration", {
        cluster_name: props.clusterName,
        cluster_endpoint: props.endpoint,
        machine_type: node.role,
        machine_secrets: machineSecrets,
        talos_version: props.talosVersion,
        kubernetes_version: props.kubernetesVersion,
        config_patches: [toPatchYaml(node.patches)],
        // The applied config stays small and diffs stay readable.
        docs: false,
        examples: false,
      });
      configs[node.name] = config;
      // Replaced when its VM is: a rebuilt VM waits in maintenance mode for its config.
      const vm = new Resource(this, `vm-${node.name}`, { triggers: { ...node.vmIdentity } });
      const machine: Machine = new Machine(this, machineConstructId(node.name), {
        nodeAttribute: node.ip,
        endpoint: node.ip,
        // Not the write-only twin: talos_machine refreshes (config hash, running
        // version) and resets on destroy only with client_configuration in state
        // (talos_machine_resource.go, Read: "Write-only credentials are not
        // persisted to state. Skip the live refresh"; Delete: "write-only attrs
        // are not in state; client_configuration (non-wo) is required").
        clientConfiguration: this.clientConfiguration,
        machineConfigurationWo: config.get("machine_configuration"),
        image: props.installerImage,
        drainOnUpgrade: true,
        kubeconfigWo: drainKubeconfig.get("kubeconfig_raw"),
        // Kubernetes versions belong to talos_cluster's upgrade-k8s.
        ignoreKubernetesUpgradeDrift: true,
        // Leaves etcd gracefully and wipes the node before its resource (and then its VM) goes.
        onDestroy: { reset: true, graceful: true, reboot: false },
        timeouts: { create: NODE_TIMEOUT, update: NODE_TIMEOUT, delete: "10m" },
        ...(previous ? { dependsOn: [previous] } : {}),
      });
      // A plain address, as Terraform's JSON syntax takes replace_triggered_by (cdktf writes it as an interpolation).
      machine.addOverride("lifecycle.replace_triggered_by", [`${vm.terraformResourceType}.${vm.friendlyUniqueId}`]);
      machines[node.name] = machine;
      previous = machine;
    }
    this.machines = machines;
    this.machineConfigs = configs;
    const cpMachines = controlPlanes.map((n) => machines[n.name]);

    const first = controlPlanes[0];
    this.bootstrap = new MachineBootstrap(this, "bootstrap", {
      nodeAttribute: first.ip,
      endpoint: first.ip,
      clientConfigurationWo: this.clientConfiguration,
      // Control planes only: the workers join once etcd runs.
      dependsOn: cpMachines,
      timeouts: { create: NODE_TIMEOUT },
    });
    this.kubeconfig = new ClusterKubeconfig(this, "kubeconfig", {
      nodeAttribute: first.ip,
      endpoint: first.ip,
      clientConfiguration: this.clientConfiguration,
      dependsOn: [this.bootstrap],
    });
    const k = this.kubeconfig.kubernetesClientConfiguration;
    this.credentials = {
      host: k.host,
      // The provider gives them base64-encoded; the helm/kubernetes providers want PEM.
      caCertificatePem: Fn.base64decode(k.caCertificate),
      clientCertificatePem: Fn.base64decode(k.clientCertificate),
      clientKeyPem: Fn.base64decode(k.clientKey),
    };
    this.rollout = [this.bootstrap, ...Object.values(machines)];
    if (props.healthGates ?? true) {
      this.apiReady = new ApplyGate(this, "api-ready", {
        check: "readyz",
        credentials: this.credentials,
        triggers: {
          bootstrap: this.bootstrap.id,
          ...Object.fromEntries(Object.entries(machines).map(([name, m]) => [name, `${m.id} ${m.image} ${m.machineConfigurationHash}`])),
        },
        dependsOn: [this.kubeconfig, ...this.rollout],
      });
    }
    this.talosconfig = new DataTalosClientConfiguration(this, "talosconfig", {
      clusterName: props.clusterName,
      clientConfiguration: this.clientConfiguration,
      endpoints: [...this.controlPlaneIps],
      nodes: props.nodes.map((n) => n.ip),
    }).talosConfig;
  }
}
