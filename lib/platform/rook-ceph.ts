/**
 * Rook: the operator chart and a CephCluster whose OSDs are the workers'
 * extra empty disks, found by their serial (lib/proxmox/disk-ids.ts), never
 * by a kernel name such as sdb.
 *
 * @see https://rook.io/docs/rook/latest-release/Helm-Charts/ceph-cluster-chart/
 * @see https://www.talos.dev/v1.12/kubernetes-guides/configuration/ceph-with-rook/
 */
import { z } from "zod";
import { enabled } from "../schema-parts";
import { DATA_DISKS_BY_ID_PATTERN } from "../proxmox/disk-ids";
import { ComponentRelease, defineComponent } from "./component";

/**
 * Rook's per-daemon memory requests, set in the CephCluster, CephFilesystem
 * (mds) and CephObjectStore (rgw) specs, and counted by the capacity check.
 */
export const ROOK_DAEMON_MEMORY_MIB = { mon: 1024, mgr: 512, osd: 4096, mds: 1024, rgw: 1024 } as const;
/** A filesystem runs one active MDS and one standby. */
export const ROOK_MDS_COUNT = 2;
export const ROOK_RGW_COUNT = 1;

/** Storage classes Rook makes: block (the default), filesystem (RWX) and bucket (ObjectBucketClaim). */
export const ROOK_STORAGE_CLASSES = { block: "ceph-block", filesystem: "ceph-filesystem", bucket: "ceph-bucket" } as const;
export const ROOK_FILESYSTEM = "ceph-filesystem";
export const ROOK_OBJECT_STORE = "ceph-objectstore";

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
  /** Replica count of the CephFilesystem's pools (<= storageNodes). @default - no filesystem */
  readonly filesystemReplicas?: number;
  /** Replica count of the CephObjectStore's pools (<= storageNodes). @default - no object store */
  readonly objectStoreReplicas?: number;
}

const replicated = (size: number) => ({ size, requireSafeReplicaSize: size > 1 });

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
        spec: { failureDomain: "host", replicated: replicated(props.replicas) },
        storageClass: {
          enabled: true,
          name: ROOK_STORAGE_CLASSES.block,
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
    // The chart's defaults want 3 hosts each (and 4 GiB per MDS): sized to the workers here instead.
    cephFileSystems: props.filesystemReplicas === undefined ? [] : [rookFilesystem(props.filesystemReplicas)],
    cephObjectStores: props.objectStoreReplicas === undefined ? [] : [rookObjectStore(props.objectStoreReplicas)],
  };
}

const daemonResources = (mib: number) => ({ requests: { memory: `${mib}Mi` } });

/** A CephFilesystem and its RWX StorageClass, `ceph-filesystem`. */
function rookFilesystem(replicas: number) {
  const ns = ROOK_NAMESPACE;
  return {
    name: ROOK_FILESYSTEM,
    spec: {
      metadataPool: { replicated: replicated(replicas) },
      dataPools: [{ name: "data0", failureDomain: "host", replicated: replicated(replicas) }],
      metadataServer: {
        activeCount: ROOK_MDS_COUNT - 1,
        activeStandby: true,
        resources: daemonResources(ROOK_DAEMON_MEMORY_MIB.mds),
        priorityClassName: "system-cluster-critical",
      },
    },
    storageClass: {
      enabled: true,
      isDefault: false,
      name: ROOK_STORAGE_CLASSES.filesystem,
      pool: "data0",
      reclaimPolicy: "Delete",
      allowVolumeExpansion: true,
      volumeBindingMode: "Immediate",
      parameters: {
        "csi.storage.k8s.io/provisioner-secret-name": "rook-csi-cephfs-provisioner",
        "csi.storage.k8s.io/provisioner-secret-namespace": ns,
        "csi.storage.k8s.io/controller-expand-secret-name": "rook-csi-cephfs-provisioner",
        "csi.storage.k8s.io/controller-expand-secret-namespace": ns,
        "csi.storage.k8s.io/controller-publish-secret-name": "rook-csi-cephfs-provisioner",
        "csi.storage.k8s.io/controller-publish-secret-namespace": ns,
        "csi.storage.k8s.io/node-stage-secret-name": "rook-csi-cephfs-node",
        "csi.storage.k8s.io/node-stage-secret-namespace": ns,
        "csi.storage.k8s.io/fstype": "ext4",
      },
    },
  };
}

/**
 * A CephObjectStore (S3 at `http://rook-ceph-rgw-ceph-objectstore.rook-ceph.svc`)
 * and its bucket StorageClass, `ceph-bucket`, for ObjectBucketClaims. Its data
 * pool is replicated like the others: the chart's erasure-coded default needs 3 hosts.
 */
function rookObjectStore(replicas: number) {
  return {
    name: ROOK_OBJECT_STORE,
    spec: {
      metadataPool: { failureDomain: "host", replicated: replicated(replicas) },
      dataPool: { failureDomain: "host", replicated: replicated(replicas), parameters: { bulk: "true" } },
      preservePoolsOnDelete: true,
      gateway: { port: 80, resources: daemonResources(ROOK_DAEMON_MEMORY_MIB.rgw), instances: ROOK_RGW_COUNT, priorityClassName: "system-cluster-critical" },
    },
    storageClass: {
      enabled: true,
      name: ROOK_STORAGE_CLASSES.bucket,
      reclaimPolicy: "Delete",
      volumeBindingMode: "Immediate",
      parameters: { region: "us-east-1" },
    },
    ingress: { enabled: false },
    route: { enabled: false },
  };
}

const storeSchema = (what: string) =>
  z
    .strictObject({
      enabled: enabled(),
      replicas: z.int().min(1).optional().describe(`Replica count of the ${what}'s pools; at most the worker count. Default: the block pool's.`),
    })
    .prefault({});

/** The block pool's replica count: as configured, else min(3, workers). */
export const rookReplicas = (c: { readonly replicas?: number }, workerCount: number) => c.replicas ?? Math.min(3, workerCount);

export const rookCeph = defineComponent({
  key: "rookCeph",
  schema: z
    .strictObject({
      enabled: enabled(),
      replicas: z.int().min(1).optional().describe("Ceph pool replica count; at most the worker count. Default: min(3, workers)."),
      filesystem: storeSchema("CephFilesystem").describe("A CephFilesystem with an RWX StorageClass, `ceph-filesystem` (one active MDS and a standby)."),
      objectStore: storeSchema("CephObjectStore").describe(
        "A CephObjectStore (S3 endpoint `http://rook-ceph-rgw-ceph-objectstore.rook-ceph.svc`) with a bucket StorageClass, `ceph-bucket`, for ObjectBucketClaims.",
      ),
    })
    .prefault({})
    .describe("Rook operator and a CephCluster whose OSDs use the workers' extra disks."),
  namespace: { name: ROOK_NAMESPACE, level: "privileged" },
  // Its block StorageClass is the default.
  provides: ["default-storage-class"],
  releases: (c, { workerCount }) => {
    const operator: ComponentRelease = { id: "rook-ceph", name: "rook-ceph", chart: "rookCeph", values: rookOperatorValues() };
    return [
      operator,
      {
        id: "rook-ceph-cluster",
        name: "rook-ceph-cluster",
        chart: "rookCephCluster",
        values: rookClusterValues({
          storageNodes: workerCount,
          replicas: rookReplicas(c, workerCount),
          filesystemReplicas: c.filesystem.enabled ? (c.filesystem.replicas ?? rookReplicas(c, workerCount)) : undefined,
          objectStoreReplicas: c.objectStore.enabled ? (c.objectStore.replicas ?? rookReplicas(c, workerCount)) : undefined,
        }),
        // OSD preparation on fresh disks takes a while.
        timeoutSeconds: 1800,
        after: operator,
      },
    ];
  },
  memoryRequests: (c, storageNodes) => {
    const { mons, mgrs } = rookDaemonCounts(storageNodes);
    return [
      { component: "rook-ceph", workload: "operator", memoryMiB: 128, placement: "cluster" },
      { component: "rook-ceph", workload: "ceph-csi-controller-manager", memoryMiB: 64, placement: "cluster" },
      { component: "rook-ceph", workload: "toolbox", memoryMiB: 128, placement: "cluster" },
      { component: "rook-ceph", workload: "mon", memoryMiB: ROOK_DAEMON_MEMORY_MIB.mon, placement: "cluster", replicas: mons },
      { component: "rook-ceph", workload: "mgr", memoryMiB: ROOK_DAEMON_MEMORY_MIB.mgr, placement: "cluster", replicas: mgrs },
      { component: "rook-ceph", workload: "osd", memoryMiB: ROOK_DAEMON_MEMORY_MIB.osd, placement: "osd-node" },
      ...(c.filesystem.enabled
        ? [{ component: "rook-ceph", workload: "mds", memoryMiB: ROOK_DAEMON_MEMORY_MIB.mds, placement: "cluster" as const, replicas: ROOK_MDS_COUNT }]
        : []),
      ...(c.objectStore.enabled
        ? [{ component: "rook-ceph", workload: "rgw", memoryMiB: ROOK_DAEMON_MEMORY_MIB.rgw, placement: "cluster" as const, replicas: ROOK_RGW_COUNT }]
        : []),
    ];
  },
});
