/**
 * The memory every component of a cluster requests from the scheduler, in one
 * table, and the check that a cluster's nodes can hold it. A pod whose
 * request fits nowhere stays Pending; Helm's wait then runs out and `atomic`
 * rolls the release back, so a mesh that cannot fit is refused at synth.
 *
 * Figures are the requests the pinned charts render with the values aggrik8s
 * sets (measured with `helm template`, proofs/chart.ts renders them),
 * Talos' own (kubelet reservation from pkg/machinery/constants, control plane
 * static pods and CoreDNS from its controllers), and Rook's per-daemon
 * requests, which the platform stack sets explicitly from this table.
 * Components whose charts request no memory (Cilium, Tetragon's agent, the
 * OTel collector) are listed at 0: the scheduler does not count them.
 *
 * Kept free of cdktf: the config rules use it.
 */
import { CILIUM_STACK_CAPACITY } from "../cilium/releases";
import type { MemoryRequest, Placement } from "./component";
import { PLATFORM_COMPONENTS, PlatformComponentsConfig, enabledComponents } from "./components";
import { ROOK_DAEMON_MEMORY_MIB } from "./rook-ceph";

export type { MemoryRequest, Placement } from "./component";

/** Kubelet system reservation by role (Talos pkg/machinery/constants: KubeletSystemReservedMemory*). */
export const KUBELET_RESERVED_MIB = { controlPlane: 512, worker: 384 } as const;

/** Share of allocatable memory above which the check warns. */
export const WARN_AT_SHARE = 0.85;

type Platform = PlatformComponentsConfig;

/** A pool of a cluster's nodes, as the capacity check reads it (the config's `controlPlane` and `workers`). */
export interface CapacityPool {
  /** Memory of each node unless it says otherwise. */
  readonly memoryGiB: number;
  readonly nodes: readonly { readonly name: string; readonly memoryGiB?: number }[];
}

/** What the capacity check reads of a cluster (the config's cluster is one). */
export interface CapacityCluster {
  readonly controlPlane: CapacityPool;
  readonly workers: CapacityPool;
  readonly platform: Platform;
}

/** Every request of a cluster with its components as configured. */
export function memoryRequests(platform: Platform, storageNodes: number): MemoryRequest[] {
  return [
    { component: "talos", workload: "kube-apiserver", memoryMiB: 512, placement: "control-plane" },
    { component: "talos", workload: "kube-controller-manager", memoryMiB: 256, placement: "control-plane" },
    { component: "talos", workload: "kube-scheduler", memoryMiB: 64, placement: "control-plane" },
    { component: "talos", workload: "coredns", memoryMiB: 70, placement: "cluster", replicas: 2 },
    {
      component: CILIUM_STACK_CAPACITY.cilium,
      workload: "agent, envoy (Gateway API), operator, clustermesh-apiserver, hubble, its certificate CronJob (chart requests none)",
      memoryMiB: 0,
      placement: "every-node",
    },
    // charts/kubelet-serving-cert-approver (the Cilium stack installs it on every cluster).
    { component: CILIUM_STACK_CAPACITY.servingCertApprover, workload: "approver", memoryMiB: 16, placement: "cluster", replicas: 1 },
    // Each enabled component's own requests (lib/platform/<component>.ts).
    ...enabledComponents(platform).flatMap((c) => c.memoryRequests(storageNodes)),
  ];
}

export interface CapacityFinding {
  readonly level: "error" | "warning";
  readonly message: string;
  readonly fix: string;
}

const gib = (mib: number) => `${(mib / 1024).toFixed(1)} GiB`;

/**
 * Sums a cluster's requests against its nodes' allocatable memory (node
 * memory less the kubelet reservation; on a control plane also its static
 * pods). Workloads run on the workers, or on the control planes of a cluster
 * without workers.
 */
export function capacityFindings(cluster: CapacityCluster): CapacityFinding[] {
  const workers = cluster.workers.nodes;
  const cps = cluster.controlPlane.nodes;
  const memMiB = (pool: { memoryGiB: number }, node: { memoryGiB?: number }) => Math.round((node.memoryGiB ?? pool.memoryGiB) * 1024);
  const storageNodes = cluster.platform.rookCeph.enabled ? workers.length : 0;
  const rows = memoryRequests(cluster.platform, storageNodes);
  const sum = (p: Placement) => rows.filter((r) => r.placement === p).reduce((a, r) => a + r.memoryMiB * (r.replicas ?? 1), 0);
  const perNode = sum("every-node");
  const staticPods = sum("control-plane");
  const findings: CapacityFinding[] = [];

  // Control planes first: their static pods and the DaemonSets, whatever else runs there.
  for (const n of cps) {
    const free = memMiB(cluster.controlPlane, n) - KUBELET_RESERVED_MIB.controlPlane - staticPods - perNode;
    if (free < 0) {
      findings.push({
        level: "error",
        message: `control plane ${n.name} has ${gib(memMiB(cluster.controlPlane, n))} but its kubelet reservation, static pods and DaemonSets request ${gib(memMiB(cluster.controlPlane, n) - free)}`,
        fix: `give control planes at least ${Math.ceil((memMiB(cluster.controlPlane, n) - free) / 1024)} GiB`,
      });
    }
  }

  const onWorkers = workers.length > 0;
  const schedulable = onWorkers
    ? workers.map((n) => memMiB(cluster.workers, n) - KUBELET_RESERVED_MIB.worker)
    : cps.map((n) => memMiB(cluster.controlPlane, n) - KUBELET_RESERVED_MIB.controlPlane - staticPods);
  const where = onWorkers ? "workers" : "control planes (no workers)";
  const pool = onWorkers ? "workers.memoryGiB" : "controlPlane.memoryGiB";
  const allocatable = schedulable.reduce((a, m) => a + m, 0);
  const demand = sum("cluster") + perNode * schedulable.length + sum("osd-node") * storageNodes;
  const share = demand / allocatable;
  // What each node must hold at least: the DaemonSets, its OSD, and the largest single pod.
  const largestPod = Math.max(0, ...rows.filter((r) => r.placement === "cluster").map((r) => r.memoryMiB));
  const perNodeFloor = perNode + (storageNodes ? ROOK_DAEMON_MEMORY_MIB.osd : 0) + largestPod;
  const smallest = Math.min(...schedulable);
  // Enough that the check would not warn either.
  const needGiB = (mib: number, nodes: number) =>
    Math.ceil((mib / WARN_AT_SHARE / nodes + (onWorkers ? KUBELET_RESERVED_MIB.worker : KUBELET_RESERVED_MIB.controlPlane + staticPods)) / 1024);
  if (share > 1) {
    findings.push({
      level: "error",
      message: `the platform requests ${gib(demand)} of memory but the ${where} offer ${gib(allocatable)} after Talos' reservations: pods would stay Pending and Helm's atomic rollback would undo the releases`,
      fix: `give the ${where} at least ${needGiB(demand, schedulable.length)} GiB each (${pool}), add nodes, or switch components off (docs/config.md: capacity)`,
    });
  } else if (smallest < perNodeFloor) {
    findings.push({
      level: "error",
      message: `a node of the ${where} has ${gib(smallest)} allocatable but one node must hold ${gib(perNodeFloor)} (DaemonSets${storageNodes ? ", its Ceph OSD" : ""} and the largest pod)`,
      fix: `give the ${where} at least ${needGiB(perNodeFloor, 1)} GiB (${pool})`,
    });
  } else if (share > WARN_AT_SHARE) {
    findings.push({
      level: "warning",
      message: `the platform requests ${gib(demand)}, ${Math.round(share * 100)}% of the ${gib(allocatable)} the ${where} offer: little room for workloads or a node failure`,
      fix: `give the ${where} more memory (${pool}) or add nodes`,
    });
  }
  return findings;
}

/** A cluster's `platform` with every component on, its other settings at their defaults. */
export function everyComponentOn(): Platform {
  return Object.fromEntries(
    PLATFORM_COMPONENTS.map((c) => [c.key, (c.schema as { parse(x: unknown): unknown }).parse({ enabled: true })]),
  ) as unknown as Platform;
}

/** The table as Markdown, for the README (every component on, 3 storage nodes). */
export function capacityMarkdown(): string {
  const all = everyComponentOn();
  const where: Record<Placement, string> = {
    cluster: "once per cluster",
    "every-node": "every node",
    "osd-node": "every worker with an OSD",
    "control-plane": "every control plane",
  };
  return [
    "| component | workload | memory request | where |",
    "| --- | --- | --- | --- |",
    ...memoryRequests(all, 3).map(
      (r) => `| ${r.component} | ${r.workload} | ${r.memoryMiB} MiB${(r.replicas ?? 1) > 1 ? ` x ${r.replicas}` : ""} | ${where[r.placement]} |`,
    ),
    `| talos | kubelet reservation | ${KUBELET_RESERVED_MIB.controlPlane} MiB (control plane), ${KUBELET_RESERVED_MIB.worker} MiB (worker) | every node |`,
  ].join("\n");
}
