import { Fn } from "cdktf";
import { Construct } from "constructs";
import { TalosProvider } from "../.gen/providers/talos/provider";
import { ClusterMeshPeer, ciliumValues } from "../lib/cilium/values";
import { ChartRelease } from "../lib/helm/chart-release";
import { ClusterCredentials, KubernetesAccess } from "../lib/kubernetes/credentials";
import { MeshCaMaterial } from "../lib/pki/mesh-ca";
import { TalosClientConfiguration, TalosHealthGate } from "../lib/talos/health";
import { CHARTS } from "../lib/versions";
import { Aggrik8sStack, Aggrik8sStackProps } from "./base";

export interface CiliumStackProps extends Aggrik8sStackProps {
  readonly clusterName: string;
  /** Cilium cluster.id, 1..255. */
  readonly clusterId: number;
  /** Chart and agent version. */
  readonly ciliumVersion: string;
  /** Hubble relay and UI. */
  readonly hubble: boolean;
  /** NodePort of this cluster's clustermesh-apiserver. */
  readonly apiserverNodePort: number;
  /** clustermesh-apiserver replicas. */
  readonly apiserverReplicas: 1 | 2;
  /** Every other cluster of the mesh. */
  readonly peers: readonly ClusterMeshPeer[];
  /** From the cluster's Talos stack (cross-stack references). */
  readonly credentials: ClusterCredentials;
  /** From the mesh-ca stack (cross-stack references). */
  readonly meshCa: MeshCaMaterial;
  /** For the readiness gate: the cluster's Talos API client (from its Talos stack) and node IPs. */
  readonly talos: {
    readonly clientConfiguration: TalosClientConfiguration;
    readonly controlPlaneIps: readonly string[];
    readonly workerIps: readonly string[];
  };
  /**
   * Synthesize the readiness gate after the release. Off for repair (a node
   * down would fail it): the stack is done when the release is.
   * @default true
   */
  readonly healthGates?: boolean;
}

/**
 * Cilium as the cluster's CNI (Talos boots with CNI none), with Hubble and
 * the clustermesh-apiserver, peered with every other cluster of the mesh
 * through the shared CA. Helm only: no cilium CLI. The stack is done when
 * Talos' full health check passes (every node Ready, which needs the CNI),
 * so the platform stack starts on a working cluster.
 */
export class CiliumStack extends Aggrik8sStack {
  readonly release: ChartRelease;
  /** Absent when the health gates are off. */
  readonly nodesReady?: TalosHealthGate;

  constructor(scope: Construct, id: string, props: CiliumStackProps) {
    super(scope, id, props);
    // Helm only: no kubernetes resources here.
    new KubernetesAccess(this, "access", { credentials: props.credentials, kubernetesProvider: false });
    const healthGates = props.healthGates ?? true;
    // The talos provider serves the gate only.
    if (healthGates) new TalosProvider(this, "talos");
    const values = ciliumValues({
      clusterName: props.clusterName,
      clusterId: props.clusterId,
      hubble: props.hubble,
      caCertBase64: Fn.base64encode(props.meshCa.certificatePem),
      apiserverNodePort: props.apiserverNodePort,
      apiserverReplicas: props.apiserverReplicas,
      peers: props.peers,
    });
    this.release = new ChartRelease(this, "cilium", {
      name: "cilium",
      chart: { ...CHARTS.cilium, version: props.ciliumVersion },
      // kube-system: Talos labels it privileged already, and Cilium's own docs install there.
      namespace: "kube-system",
      values,
      sensitiveValues: { "tls.ca.key": Fn.base64encode(props.meshCa.privateKeyPem) },
      timeoutSeconds: 900,
    });
    if (healthGates) {
      this.nodesReady = new TalosHealthGate(this, "nodes-ready", {
        clientConfiguration: props.talos.clientConfiguration,
        controlPlaneIps: props.talos.controlPlaneIps,
        workerIps: props.talos.workerIps,
        kubernetesChecks: true,
        dependsOn: [this.release.release],
      });
    }
  }
}
