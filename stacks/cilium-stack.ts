import { Fn } from "cdktf";
import { Construct } from "constructs";
import { meshPeers } from "../lib/cilium/mesh";
import { ciliumValues } from "../lib/cilium/values";
import { ClusterConfig, MeshConfig } from "../lib/config/schema";
import { ChartRelease } from "../lib/helm/chart-release";
import { ClusterCredentials, KubernetesAccess } from "../lib/kubernetes/credentials";
import { MeshCaMaterial } from "../lib/pki/mesh-ca";
import { CHARTS } from "../lib/versions";
import { Aggrik8sStack, Aggrik8sStackProps } from "./base";
import { clusterStackName } from "./naming";

export interface CiliumStackProps extends Aggrik8sStackProps {
  readonly mesh: MeshConfig;
  readonly cluster: ClusterConfig;
  /** From the cluster's Talos stack (cross-stack references). */
  readonly credentials: ClusterCredentials;
  /** From the mesh-ca stack (cross-stack references). */
  readonly meshCa: MeshCaMaterial;
}

/**
 * Cilium as the cluster's CNI (Talos boots with CNI none), with Hubble and
 * the clustermesh-apiserver, peered with every other cluster of the mesh
 * through the shared CA. Helm only: no cilium CLI.
 */
export class CiliumStack extends Aggrik8sStack {
  readonly release: ChartRelease;

  constructor(scope: Construct, props: CiliumStackProps) {
    const { cluster, mesh } = props;
    super(scope, clusterStackName(cluster.name, "cilium"), props);
    // Helm only: no kubernetes resources here.
    new KubernetesAccess(this, "access", { credentials: props.credentials, kubernetesProvider: false });
    const cm = cluster.clustermesh;
    const values = ciliumValues({
      clusterName: cluster.name,
      clusterId: cluster.id,
      hubble: cluster.platform.hubble.enabled,
      caCertBase64: Fn.base64encode(props.meshCa.certificatePem),
      apiserverService: cm.serviceType === "NodePort" ? { type: "NodePort", nodePort: cm.nodePort } : { type: "LoadBalancer", loadBalancerIP: cm.loadBalancerIP! },
      peers: meshPeers(mesh, cluster.name),
    });
    this.release = new ChartRelease(this, "cilium", {
      name: "cilium",
      chart: { ...CHARTS.cilium, version: mesh.versions.cilium },
      // kube-system: Talos labels it privileged already, and Cilium's own docs install there.
      namespace: "kube-system",
      values,
      sensitiveValues: { "tls.ca.key": Fn.base64encode(props.meshCa.privateKeyPem) },
      timeoutSeconds: 900,
    });
  }
}
