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

/**
 * Turns a cluster's VMs, waiting in Talos maintenance mode, into a Kubernetes
 * cluster with no CNI yet; its outputs are the credentials every later stack
 * of the cluster reads.
 */
export class TalosStack extends Aggrik8sStack {
  readonly cluster: TalosCluster;
  readonly credentials: ClusterCredentials;
  readonly clientConfiguration: TalosClientConfiguration;
  readonly talosconfig: string;

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
    this.cluster = new TalosCluster(this, "cluster", {
      clusterName: props.clusterName,
      endpoint: props.endpoint,
      talosVersion: props.talosVersion,
      kubernetesVersion: props.kubernetesVersion,
      installerImage: image.installerImage,
      nodes,
      preventSecretsDestroy: props.preventSecretsDestroy,
      healthGates: props.healthGates,
    });
    this.credentials = this.cluster.credentials;
    this.clientConfiguration = this.cluster.clientConfiguration;
    this.talosconfig = this.cluster.talosconfig;
    new TerraformOutput(this, "kubernetes_endpoint", { value: props.endpoint });
    new TerraformOutput(this, "installer_image", { value: image.installerImage });
  }
}
