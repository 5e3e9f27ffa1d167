import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { TalosProvider } from "../.gen/providers/talos/provider";
import { NullProvider } from "@cdktf/provider-null/lib/provider";
import { ClusterCredentials } from "../lib/kubernetes/credentials";
import { TalosClientConfiguration } from "../lib/talos/health";
import { TalosImage } from "../lib/talos/image";
import { TalosCluster, TalosNode } from "../lib/talos/talos-cluster";
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

/**
 * Turns a cluster's VMs, waiting in Talos maintenance mode, into a Kubernetes
 * cluster with no CNI yet; its outputs are the credentials every later stack
 * of the cluster reads.
 */
export class TalosStack extends Aggrik8sStack {
  /** Everything the later stacks of the cluster read from this one. */
  readonly outputs: TalosOutputs;

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
    const cluster = new TalosCluster(this, "cluster", {
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
