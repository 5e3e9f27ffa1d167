/**
 * Rook: the operator chart and a CephCluster whose OSDs are the workers'
 * extra empty disks, found by their serial (lib/proxmox/disk-ids.ts), never
 * by a kernel name such as sdb.
 *
 * @see https://rook.io/docs/rook/latest-release/Helm-Charts/ceph-cluster-chart/
 * @see https://www.talos.dev/v1.12/kubernetes-guides/configuration/ceph-with-rook/
 */
import { z } from "zod";
import { enabled } from "../config/schema-parts";
import { DATA_DISKS_BY_ID_PATTERN } from "../proxmox/disk-ids";
import { defineComponent } from "./component";

/** Rook's per-daemon memory requests, set in the CephCluster spec (and counted by the capacity check). */
export const ROOK_DAEMON_MEMORY_MIB = { mon: 1024, mgr: 512, osd: 4096 } as const;

/** Rook's mon and mgr counts for a number of storage nodes: an odd number of mons, one per node at most. */
export function rookDaemonCounts(storageNodes: number): { mons: number; mgrs: number } {
  return { mons: storageNodes >= 3 ? 3 : 1, mgrs: Math.min(2, storageNodes) };
}

export const ROOK_NAMESPACE = "rook-ceph";
export interface RookClusterValuesProps {
  /** Nodes that carry an OSD disk (the workers). */
  readonly storageNodes: number;
  /** Replica count of the block pool (<= storageNodes). */
  readonly replicas: number;
}

export function rookOperatorValues() {
  return { crds: { enabled: true }, monitoring: { enabled: false } };
}

export function rookClusterValues(props: RookClusterValuesProps) {
  const ns = ROOK_NAMESPACE;
  const { mons, mgrs } = rookDaemonCounts(props.storageNodes);
  const request = (mib: number) => ({ requests: { memory: `${mib}Mi` } });
  return {
    operatorNamespace: ns,
    clusterName: ns,
    toolbox: { enabled: true },
    cephClusterSpec: {
      dataDirHostPath: "/var/lib/rook",
      mon: { count: mons, allowMultiplePerNode: false },
      mgr: { count: mgrs, allowMultiplePerNode: false },
      // The requests the capacity check counts (lib/platform/capacity.ts).
      resources: { mon: request(ROOK_DAEMON_MEMORY_MIB.mon), mgr: request(ROOK_DAEMON_MEMORY_MIB.mgr), osd: request(ROOK_DAEMON_MEMORY_MIB.osd) },
      storage: { useAllNodes: true, useAllDevices: false, devicePathFilter: DATA_DISKS_BY_ID_PATTERN },
    },
    cephBlockPools: [
      {
        name: "ceph-blockpool",
        spec: { failureDomain: "host", replicated: { size: props.replicas, requireSafeReplicaSize: props.replicas > 1 } },
        storageClass: {
          enabled: true,
          name: "ceph-block",
          isDefault: true,
          reclaimPolicy: "Delete",
          allowVolumeExpansion: true,
          volumeBindingMode: "Immediate",
          parameters: {
            imageFormat: "2",
            imageFeatures: "layering",
            "csi.storage.k8s.io/provisioner-secret-name": "rook-csi-rbd-provisioner",
            "csi.storage.k8s.io/provisioner-secret-namespace": ns,
            "csi.storage.k8s.io/controller-expand-secret-name": "rook-csi-rbd-provisioner",
            "csi.storage.k8s.io/controller-expand-secret-namespace": ns,
            "csi.storage.k8s.io/controller-publish-secret-name": "rook-csi-rbd-provisioner",
            "csi.storage.k8s.io/controller-publish-secret-namespace": ns,
            "csi.storage.k8s.io/node-stage-secret-name": "rook-csi-rbd-node",
            "csi.storage.k8s.io/node-stage-secret-namespace": ns,
            "csi.storage.k8s.io/fstype": "ext4",
          },
        },
      },
    ],
    // Block storage only: the chart's default filesystem and object store want 3 replicas each.
    cephFileSystems: [],
    cephObjectStores: [],
  };
}

export const rookCeph = defineComponent({
  key: "rookCeph",
  schema: z
    .strictObject({
      enabled: enabled(),
      replicas: z.int().min(1).optional().describe("Ceph pool replica count; at most the worker count. Default: min(3, workers)."),
    })
    .prefault({})
    .describe("Rook operator and a CephCluster whose OSDs use the workers' extra disks."),
  namespace: { name: ROOK_NAMESPACE, level: "privileged" },
  releases: (c, { workerCount }) => [
    { id: "rook-ceph", name: "rook-ceph", chart: "rookCeph", values: rookOperatorValues() },
    {
      id: "rook-ceph-cluster",
      name: "rook-ceph-cluster",
      chart: "rookCephCluster",
      values: rookClusterValues({ storageNodes: workerCount, replicas: c.replicas ?? Math.min(3, workerCount) }),
      // OSD preparation on fresh disks takes a while.
      timeoutSeconds: 1800,
      after: "rook-ceph",
    },
  ],
  memoryRequests: (_c, storageNodes) => {
    const { mons, mgrs } = rookDaemonCounts(storageNodes);
    return [
      { component: "rook-ceph", workload: "operator", memoryMiB: 128, placement: "cluster" },
      { component: "rook-ceph", workload: "ceph-csi-controller-manager", memoryMiB: 64, placement: "cluster" },
      { component: "rook-ceph", workload: "toolbox", memoryMiB: 128, placement: "cluster" },
      { component: "rook-ceph", workload: "mon", memoryMiB: ROOK_DAEMON_MEMORY_MIB.mon, placement: "cluster", replicas: mons },
      { component: "rook-ceph", workload: "mgr", memoryMiB: ROOK_DAEMON_MEMORY_MIB.mgr, placement: "cluster", replicas: mgrs },
      { component: "rook-ceph", workload: "osd", memoryMiB: ROOK_DAEMON_MEMORY_MIB.osd, placement: "osd-node" },
    ];
  },
});
