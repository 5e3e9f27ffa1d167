import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import { ClusterKubeconfig } from "../../.gen/providers/talos/cluster-kubeconfig";
import { DataTalosClientConfiguration } from "../../.gen/providers/talos/data-talos-client-configuration";
import { DataTalosMachineConfiguration, DataTalosMachineConfigurationMachineSecrets } from "../../.gen/providers/talos/data-talos-machine-configuration";
import { MachineBootstrap } from "../../.gen/providers/talos/machine-bootstrap";
import { MachineConfigurationApply } from "../../.gen/providers/talos/machine-configuration-apply";
import { MachineSecrets } from "../../.gen/providers/talos/machine-secrets";
import { PropsError } from "../errors";
import { ClusterCredentials } from "../kubernetes/credentials";
import { TalosClientConfiguration, TalosHealthGate } from "./health";
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
}

export interface TalosClusterProps {
  /** Cluster name, as Talos and the kubeconfig name it. */
  readonly clusterName: string;
  /** Kubernetes API URL every node is configured with, e.g. `https://10.10.0.10:6443`. */
  readonly endpoint: string;
  /** Talos version the configs are generated for; pins the secrets' format too. */
  readonly talosVersion: string;
  /** Kubernetes version of the control plane and kubelets. */
  readonly kubernetesVersion: string;
  /** Every node; the first control plane is bootstrapped. */
  readonly nodes: readonly TalosNode[];
  /**
   * Keep `destroy` from deleting the machine secrets (the cluster's CAs):
   * losing them locks every node out.
   * @default true
   */
  readonly preventSecretsDestroy?: boolean;
  /**
   * Gate the kubeconfig on Talos' health checks. Off (repair: a node down),
   * no gate is synthesized and the kubeconfig follows the bootstrap.
   * @default true
   */
  readonly healthGates?: boolean;
}

/**
 * A Talos cluster on nodes booted in maintenance mode: machine secrets, each
 * node's full machine config (generated and patched by the provider, the way
 * Talos itself does), applied to every node; etcd bootstrapped on the first
 * control plane; a gate on Talos' boot checks (never on Kubernetes node
 * readiness, which needs the CNI); then the admin kubeconfig and talosconfig.
 *
 * The config is rendered per node by a data source, so what a node receives
 * can be rendered offline (no node needed) and checked with Talos' own
 * validation: `scripts/talos-proof.js`.
 *
 * @see https://github.com/siderolabs/terraform-provider-talos/tree/v0.11.0/docs
 * @see https://docs.siderolabs.com/talos/v1.12/getting-started/prodnotes
 */
export class TalosCluster extends Construct {
  readonly secrets: MachineSecrets;
  /** Rendered machine config data source, by node name. */
  readonly machineConfigs: Readonly<Record<string, DataTalosMachineConfiguration>>;
  /** Absent when the health gates are off. */
  readonly health?: TalosHealthGate;
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
    const cpIps = controlPlanes.map((n) => n.ip);
    const workerIps = props.nodes.filter((n) => n.role === "worker").map((n) => n.ip);
    this.controlPlaneIps = cpIps;
    this.workerIps = workerIps;

    this.secrets = new MachineSecrets(this, "secrets", {
      talosVersion: props.talosVersion,
      lifecycle: { preventDestroy: props.preventSecretsDestroy ?? true },
    });
    const cc = this.secrets.clientConfiguration;
    this.clientConfiguration = { caCertificate: cc.caCertificate, clientCertificate: cc.clientCertificate, clientKey: cc.clientKey };

    const configs: Record<string, DataTalosMachineConfiguration> = {};
    const applies = props.nodes.map((node) => {
      const config = new DataTalosMachineConfiguration(this, `config-${node.name}`, {
        clusterName: props.clusterName,
        clusterEndpoint: props.endpoint,
        machineType: node.role,
        // The whole secrets object, as a reference (the binding types it as the literal struct).
        machineSecrets: Token.asAny(this.secrets.machineSecrets) as unknown as DataTalosMachineConfigurationMachineSecrets,
        talosVersion: props.talosVersion,
        kubernetesVersion: props.kubernetesVersion,
        configPatches: [toPatchYaml(node.patches)],
        // The applied config stays small and diffs stay readable.
        docs: false,
        examples: false,
      });
      configs[node.name] = config;
      return new MachineConfigurationApply(this, `apply-${node.name}`, {
        nodeAttribute: node.ip,
        endpoint: node.ip,
        clientConfiguration: this.clientConfiguration,
        machineConfigurationInput: config.machineConfiguration,
        // A new node waits in maintenance mode until its VM has booted the ISO.
        timeouts: { create: "20m", update: "20m" },
      });
    });
    this.machineConfigs = configs;

    const first = controlPlanes[0];
    const bootstrap = new MachineBootstrap(this, "bootstrap", {
      nodeAttribute: first.ip,
      endpoint: first.ip,
      clientConfiguration: this.clientConfiguration,
      dependsOn: applies,
    });
    this.health =
      (props.healthGates ?? true)
        ? new TalosHealthGate(this, "health", {
            clientConfiguration: this.clientConfiguration,
            controlPlaneIps: cpIps,
            workerIps,
            kubernetesChecks: false,
            dependsOn: [bootstrap, ...applies],
          })
        : undefined;
    this.kubeconfig = new ClusterKubeconfig(this, "kubeconfig", {
      nodeAttribute: first.ip,
      endpoint: first.ip,
      clientConfiguration: this.clientConfiguration,
      dependsOn: this.health ? [this.health.check] : [bootstrap],
    });
    const k = this.kubeconfig.kubernetesClientConfiguration;
    this.credentials = {
      host: k.host,
      // The provider gives them base64-encoded; the helm/kubernetes providers want PEM.
      caCertificatePem: Fn.base64decode(k.caCertificate),
      clientCertificatePem: Fn.base64decode(k.clientCertificate),
      clientKeyPem: Fn.base64decode(k.clientKey),
    };
    this.talosconfig = new DataTalosClientConfiguration(this, "talosconfig", {
      clusterName: props.clusterName,
      clientConfiguration: this.clientConfiguration,
      endpoints: cpIps,
      nodes: props.nodes.map((n) => n.ip),
    }).talosConfig;
  }
}
