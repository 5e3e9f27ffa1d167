import * as os from "os";
import { App, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { TalosProvider } from "../.gen/providers/talos/provider";
import { NullProvider } from "@cdktf/provider-null/lib/provider";
import { ClusterCredentials } from "../lib/kubernetes/credentials";
import { TalosClientConfiguration } from "../lib/talos/health";
import { TalosImage } from "../lib/talos/image";
import { TalosCluster, TalosNode, machineConstructId } from "../lib/talos/talos-cluster";
import { ClusterNode } from "../lib/talos/cluster";
import { Aggrik8sStack, Aggrik8sStackProps } from "./base";

export interface TalosStackProps extends Aggrik8sStackProps {
  readonly clusterName: string;
  /** Kubernetes API URL, `https://<vip or first control plane>:6443`. */
  readonly endpoint: string;
  readonly talosVersion: string;
  readonly kubernetesVersion: string;
  /** Image Factory the installer image comes from. */
  readonly imageFactoryUrl: string;
  /** System extensions of the image (the same as the VMs boot). */
  readonly extensions: readonly string[];
  /** Every node with its patches, less the installer image (added here). */
  readonly nodes: readonly ClusterNode[];
  /** @default true */
  readonly preventSecretsDestroy?: boolean;
  /**
   * Synthesize the health gate (the API server's /readyz, at apply). Off for
   * repair: nothing waits on cluster health.
   * @default true
   */
  readonly healthGates?: boolean;
}

/** What the Talos stack hands the stacks after it: every value is a cross-stack reference (the sensitive ones leave as sensitive outputs). */
export interface TalosOutputs {
  /** The Kubernetes API and its admin credentials (what every kubernetes and helm provider of the cluster reads). */
  readonly credentials: ClusterCredentials;
  /** The Talos API client configuration (CA, client certificate and key). */
  readonly clientConfiguration: TalosClientConfiguration;
  /** The cluster's talosconfig, as a file's content. */
  readonly talosconfig: string;
  /** The control planes' IPs (Talos API endpoints). */
  readonly controlPlaneIps: readonly string[];
  /** Every node's name (Kubernetes node names), control planes first. */
  readonly nodeNames: readonly string[];
}

/** The construct id of the stack's `TalosCluster` (the first part of its resources' state addresses). */
const CLUSTER_ID = "cluster";

/**
 * Turns a cluster's VMs, waiting in Talos maintenance mode, into a Kubernetes
 * cluster with no CNI yet; its outputs are the credentials every later stack
 * of the cluster reads.
 */
export class TalosStack extends Aggrik8sStack {
  /** Everything the later stacks of the cluster read from this one. */
  readonly outputs: TalosOutputs;

  /**
   * The state address (`talos_machine.<logical id>`) a node's `talos_machine`
   * has in the Talos stack `stackName`: the logical id cdktf derives
   * (`TerraformStack.getLogicalId`) from the construct path this stack gives
   * it (`<CLUSTER_ID>/machine-<node>`), computed on a bare tree with those
   * ids, so no node needs to be in the config (a removed one is not).
   * `__tests__/tools/node-removal.test.ts` checks it against every synthesized
   * fixture node.
   */
  static machineAddress(stackName: string, nodeName: string): string {
    // An App makes its outdir; the system's temporary folder exists already and nothing is synthesized.
    const stack = new TerraformStack(new App({ outdir: os.tmpdir(), stackTraces: false }), stackName);
    const machine = new Construct(new Construct(stack, CLUSTER_ID), machineConstructId(nodeName));
    return `talos_machine.${stack.getLogicalId(machine.node)}`;
  }

  constructor(scope: Construct, id: string, props: TalosStackProps) {
    super(scope, id, props);
    new TalosProvider(this, "talos", { imageFactoryUrl: props.imageFactoryUrl });
    new NullProvider(this, "null");
    const image = new TalosImage(this, "talos-image", { talosVersion: props.talosVersion, extensions: props.extensions });
    const nodes: TalosNode[] = props.nodes.map((n) => ({
      name: n.name,
      ip: n.ip,
      role: n.role,
      patches: n.patches(image.installerImage),
      vmIdentity: n.vmIdentity,
    }));
    const cluster = new TalosCluster(this, CLUSTER_ID, {
      clusterName: props.clusterName,
      endpoint: props.endpoint,
      talosVersion: props.talosVersion,
      kubernetesVersion: props.kubernetesVersion,
      installerImage: image.installerImage,
      nodes,
      preventSecretsDestroy: props.preventSecretsDestroy,
      healthGates: props.healthGates,
    });
    this.outputs = {
      credentials: cluster.credentials,
      clientConfiguration: cluster.clientConfiguration,
      talosconfig: cluster.talosconfig,
      controlPlaneIps: cluster.controlPlaneIps,
      nodeNames: cluster.nodeNames,
    };
    new TerraformOutput(this, "kubernetes_endpoint", { value: props.endpoint });
    new TerraformOutput(this, "installer_image", { value: image.installerImage });
  }
}
