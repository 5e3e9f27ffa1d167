import { Construct } from "constructs";
import { NullProvider } from "@cdktf/provider-null/lib/provider";
import { Cluster } from "../.gen/providers/talos/cluster";
import { TalosProvider } from "../.gen/providers/talos/provider";
import { ApplyGate } from "../lib/gates/apply-gate";
import { CiliumVersionGuard } from "../lib/guards/cilium-version";
import { LbIpamChartValues } from "../lib/cilium/lb-ipam";
import { ClusterMeshTlsSecrets } from "../lib/cilium/clustermesh-tls";
import { CILIUM_STACK_RELEASES } from "../lib/cilium/releases";
import { ClusterMeshPeer, ciliumValues } from "../lib/cilium/values";
import { ChartRelease } from "../lib/helm/chart-release";
import { ChartSource } from "../lib/helm/chart-source";
import { LocalChart } from "../lib/helm/local-chart";
import { ClusterCredentials, KubernetesAccess } from "../lib/kubernetes/credentials";
import { ClusterMeshTls } from "../lib/pki/clustermesh-certs";
import { KUBEPRISM_PORT } from "../lib/talos/patches";
import { CHARTS, CRDS, MANIFESTS } from "../lib/versions";
import { Aggrik8sStack, Aggrik8sStackProps } from "./base";
import type { TalosOutputs } from "./talos-stack";

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
  /** Where the chart comes from. @default - its own repository */
  readonly chartSource?: ChartSource;
  /** `LoadBalancer`: the apiserver's Service comes from the LB-IPAM chart (lbIpam.clustermeshApiserver). @default "NodePort" */
  readonly apiserverServiceType?: "NodePort" | "LoadBalancer";
  /** Mesh-wide transparent encryption. @default "none" */
  readonly encryption?: "none" | "wireguard";
  /** Gateway API: its CRDs before Cilium, and Cilium's controller. @default false */
  readonly gatewayApi?: boolean;
  /**
   * LB-IPAM: the values of charts/cilium-lb-ipam (pool, announcement, the
   * apiserver's LoadBalancer Service), installed once Cilium's CRDs are
   * Established; and the pool's size, for the client rate limit.
   * @default - off
   */
  readonly lbIpam?: { readonly values: LbIpamChartValues; readonly poolSize: number };
  /** Every other cluster of the mesh. */
  readonly peers: readonly ClusterMeshPeer[];
  /** From the cluster's Talos stack (cross-stack references). */
  readonly credentials: ClusterCredentials;
  /** This cluster's ClusterMesh certificates and the mesh CA certificate, from the mesh-ca stack (cross-stack references; never the CA key). */
  readonly clustermeshTls: ClusterMeshTls;
  /** The cluster's Talos API client (from its Talos stack), control plane IPs and every node's name. */
  readonly talos: Pick<TalosOutputs, "clientConfiguration" | "controlPlaneIps" | "nodeNames">;
  /** Nodes leaving the cluster (reset by the Talos stack): their Node objects are deleted here. @default - none */
  readonly leavingNodes?: readonly string[];
  /** Kubernetes version of the cluster: a change runs `talos_cluster`'s upgrade-k8s. */
  readonly kubernetesVersion: string;
  /**
   * Synthesize the readiness gate after the release (every node Ready, DNS
   * served). Off for repair (a node down would fail it).
   * @default true
   */
  readonly healthGates?: boolean;
}

/**
 * Cilium as the cluster's CNI (Talos boots with CNI none), with Hubble and
 * the clustermesh-apiserver, peered with every other cluster of the mesh
 * through certificates the mesh CA signed (the CA key stays in mesh-ca). Helm only: no cilium CLI. The stack is done when
 * Talos' full health check passes (every node Ready, which needs the CNI),
 * so the platform stack starts on a working cluster.
 */
export class CiliumStack extends Aggrik8sStack {
  // No outputs: nothing reads this stack (the platform stack only comes after it). What it builds stays inside.
  private readonly release: ChartRelease;
  /** The kubelet serving-certificate approver, installed before Cilium. */
  private readonly servingCertApprover: ChartRelease;
  /** Bootstrap (done already by the Talos stack) and Kubernetes upgrades; absent when the health gates are off. */
  private readonly talosCluster?: Cluster;
  /** Absent when the health gates are off. */
  private readonly nodesReady?: ApplyGate;
  /** The Gateway API CRDs, installed before Cilium (when gatewayApi is on). */
  private readonly gatewayApiCrds?: ChartRelease;

  constructor(scope: Construct, id: string, props: CiliumStackProps) {
    super(scope, id, props);
    // The kubernetes provider writes the ClusterMesh certificates and reads the running Cilium (the version guard).
    new KubernetesAccess(this, "access", { credentials: props.credentials });
    const healthGates = props.healthGates ?? true;
    if (healthGates) new TalosProvider(this, "talos");
    const leaving = props.leavingNodes ?? [];
    // The gates (health, the CRD gate before the LB-IPAM objects) are null resources.
    if (healthGates || leaving.length || props.lbIpam) new NullProvider(this, "null");
    // The kubelets ask for serving certificates (rotate-server-certificates);
    // until they are approved Talos reports the kubelet-csr diagnostic, which
    // talos_cluster's boot checks wait on, and nothing can read a kubelet
    // (logs, exec, metrics). The approver runs before any CNI: on the host
    // network, reaching the API through KubePrism on localhost, tolerating
    // not-Ready nodes (charts/kubelet-serving-cert-approver). As a release its
    // updates reach running clusters; take_ownership adopts the objects a
    // Talos bootstrap manifest created in clusters deployed before it was one.
    this.servingCertApprover = new ChartRelease(this, "kubelet-serving-cert-approver", {
      // The release record in kube-system; the chart's objects name their own namespace (privileged: host network).
      ...CILIUM_STACK_RELEASES.servingCertApprover,
      chart: new LocalChart(this, "kubelet-serving-cert-approver-chart", { name: MANIFESTS.kubeletServingCertApprover.chart }),
      values: { kubernetesServiceHost: "localhost", kubernetesServicePort: KUBEPRISM_PORT },
      takeOwnership: true,
    });
    // Gateway API's CRDs must exist when Cilium's operator starts, or it leaves
    // its Gateway API controller off. As templates of a local chart they are
    // upgraded with it (Helm never upgrades a chart's crds/); Helm's wait
    // returns once each is Established.
    if (props.gatewayApi) {
      this.gatewayApiCrds = new ChartRelease(this, "gateway-api-crds", {
        ...CILIUM_STACK_RELEASES.gatewayApiCrds,
        chart: new LocalChart(this, "gateway-api-crds-chart", { name: CRDS.gatewayApi.chart }),
      });
    }
    const values = ciliumValues({
      clusterName: props.clusterName,
      clusterId: props.clusterId,
      hubble: props.hubble,
      chartVersion: props.ciliumVersion,
      apiserverNodePort: props.apiserverNodePort,
      apiserverReplicas: props.apiserverReplicas,
      apiserverServiceType: props.apiserverServiceType,
      peers: props.peers,
      encryption: props.encryption,
      gatewayApi: props.gatewayApi,
      loadBalancer: props.lbIpam ? { announce: props.lbIpam.values.bgp.enabled ? "bgp" : "l2", poolSize: props.lbIpam.poolSize } : undefined,
    });
    // kube-system (CILIUM_STACK_RELEASES): Talos labels it privileged already, and Cilium's own docs install there.
    const namespace = CILIUM_STACK_RELEASES.cilium.namespace;
    // Before the release: the apiserver and the agents mount them at start.
    const tls = new ClusterMeshTlsSecrets(this, "clustermesh-tls", { tls: props.clustermeshTls, namespace });
    // Cilium upgrades one minor at a time: the release refuses at plan a jump
    // from the version the cluster runs (its agent DaemonSet, read at plan).
    const versionGuard = new CiliumVersionGuard(this, "cilium-version-guard", { stack: id, version: props.ciliumVersion });
    this.release = new ChartRelease(this, "cilium", {
      ...CILIUM_STACK_RELEASES.cilium,
      chart: { ...CHARTS.cilium, version: props.ciliumVersion },
      chartSource: props.chartSource,
      values,
      timeoutSeconds: 900,
      dependsOn: [this.servingCertApprover.release, ...tls.secrets, ...(this.gatewayApiCrds ? [this.gatewayApiCrds.release] : [])],
      preconditions: [versionGuard.precondition],
    });
    // After the CNI and the approver, because its create waits for Talos' boot
    // checks on the control planes, "no diagnostics" among them: the kubelets'
    // serving CSRs stay pending (Talos' kubelet-csr diagnostic) until the
    // approver has run (talos_cluster_resource.go Create ->
    // talosClusterWaitForK8s -> check.PreBootSequenceChecks(); Talos
    // pkg/cluster/check/default.go). Its bootstrap is a no-op here
    // (AlreadyExists is success); its update runs upgrade-k8s when
    // kubernetes_version changes, control plane first, kubelets after.
    // Its create and update wait on Talos' cluster checks, so it is a gate too:
    // with the gates off (repair) it is left out, and Kubernetes upgrades wait
    // until they are back on. Leaving it out only forgets it (its Delete does
    // nothing, talos_cluster_resource.go Delete); putting it back re-runs
    // bootstrap, which is idempotent (talosClusterBootstrap: AlreadyExists is success).
    if (healthGates) {
      this.talosCluster = new Cluster(this, "talos-cluster", {
        nodeAttribute: props.talos.controlPlaneIps[0],
        endpoint: props.talos.controlPlaneIps[0],
        controlPlaneNodes: [...props.talos.controlPlaneIps],
        clientConfigurationWo: props.talos.clientConfiguration,
        kubernetesVersion: props.kubernetesVersion,
        timeouts: { create: "30m", update: "60m" },
        dependsOn: [this.release.release],
      });
    }
    // After the Talos stack has reset them (it deploys first), so no kubelet registers them again.
    const deleted = leaving.length
      ? new ApplyGate(this, "delete-leaving-nodes", {
          check: "delete-nodes",
          credentials: props.credentials,
          nodes: leaving,
          triggers: {},
          dependsOn: [this.release.release],
        })
      : undefined;
    if (healthGates) {
      this.nodesReady = new ApplyGate(this, "nodes-ready", {
        check: "nodes-dns",
        credentials: props.credentials,
        nodes: props.talos.nodeNames,
        triggers: { release: this.release.release.id, version: this.release.release.version, kubernetes: props.kubernetesVersion },
        dependsOn: [this.release.release, ...(this.talosCluster ? [this.talosCluster] : []), ...(deleted ? [deleted.gate] : [])],
      });
    }
    if (props.lbIpam) {
      // Cilium's operator registers these CRDs when it starts and waits for
      // each to be Established; agents do not become Ready until they see
      // them, and the release above waits for every agent. The gate makes
      // that order explicit and waits for it: the objects are created only
      // once the API server serves their kinds as Established.
      const bgp = props.lbIpam.values.bgp.enabled;
      const crds = [
        "ciliumloadbalancerippools.cilium.io",
        ...(bgp
          ? ["ciliumbgpclusterconfigs.cilium.io", "ciliumbgppeerconfigs.cilium.io", "ciliumbgpadvertisements.cilium.io"]
          : ["ciliuml2announcementpolicies.cilium.io"]),
      ];
      const established = new ApplyGate(this, "cilium-crds", {
        check: "crds-established",
        credentials: props.credentials,
        crds,
        triggers: { release: this.release.release.id, version: this.release.release.version },
        dependsOn: [this.nodesReady?.gate ?? this.release.release],
        timeoutSeconds: 600,
      });
      // The LB-IPAM objects, installed after Cilium.
      new ChartRelease(this, "lb-ipam", {
        ...CILIUM_STACK_RELEASES.lbIpam,
        chart: new LocalChart(this, "lb-ipam-chart", { name: "cilium-lb-ipam" }),
        values: props.lbIpam.values,
        dependsOn: [established.gate],
      });
    }
  }
}
