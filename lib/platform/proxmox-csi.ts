/**
 * The Proxmox CSI plugin: PersistentVolumes as Proxmox disks on a datastore,
 * attached to the VM whose pod claims them, with its own StorageClass, the
 * cluster's default where Rook is off. It talks to the Proxmox API with its
 * own token, a least-privilege one (docs/operations.md: storage), never the
 * deploy token; the secret reaches the chart as a sensitive value.
 *
 * The plugin places volumes by the nodes' `topology.kubernetes.io/region`
 * (the Proxmox cluster, `region` here) and `topology.kubernetes.io/zone` (the
 * Proxmox node): the Talos patches label every node so while it is on.
 *
 * @see https://github.com/sergelogvinov/proxmox-csi-plugin/blob/main/docs/install.md
 */
import { z } from "zod";
import { SecretRefSchema, fix } from "../schema-parts";
import { defineComponent } from "./component";

export const PROXMOX_CSI_NAMESPACE = "csi-proxmox";
export const PROXMOX_CSI_STORAGE_CLASS = "proxmox";
/** The chart key of the token secret: set with set_sensitive, never in values. */
export const PROXMOX_CSI_TOKEN_KEY = "config.clusters[0].token_secret";
/** The Proxmox role the plugin's token needs (docs/operations.md: storage). */
export const PROXMOX_CSI_ROLE = {
  name: "AggriK8sCSI",
  privileges: ["VM.Audit", "VM.Config.Disk", "Datastore.Allocate", "Datastore.AllocateSpace", "Datastore.Audit"],
};

/** Memory each plugin container requests, as the chart sets it (controller: 5 containers; node: 2 of 3). */
export const PROXMOX_CSI_MEMORY_MIB = { controller: 80, node: 32 } as const;

export interface ProxmoxCsiValuesProps {
  /** Proxmox API, `https://host:8006/`. */
  readonly endpoint: string;
  readonly insecure: boolean;
  readonly tokenId: string;
  readonly region: string;
  /** Proxmox datastore the volumes are created on. */
  readonly storage: string;
  /** Marks its StorageClass as the cluster's default. */
  readonly isDefault: boolean;
}

export function proxmoxCsiValues(props: ProxmoxCsiValuesProps) {
  return {
    config: { clusters: [{ url: new URL("api2/json", props.endpoint).toString(), insecure: props.insecure, token_id: props.tokenId, region: props.region }] },
    storageClass: [
      {
        name: PROXMOX_CSI_STORAGE_CLASS,
        storage: props.storage,
        reclaimPolicy: "Delete",
        fstype: "ext4",
        cache: "none",
        ...(props.isDefault ? { annotations: { "storageclass.kubernetes.io/is-default-class": "true" } } : {}),
      },
    ],
  };
}

export const proxmoxCsi = defineComponent({
  key: "proxmoxCsi",
  schema: z
    .strictObject({
      enabled: z.boolean().optional().describe("Install it. Default: on where rookCeph is off, so every cluster has a default StorageClass."),
      storage: z
        .string()
        .min(1)
        .default("local-lvm")
        .describe("Proxmox datastore the volumes are created on (every Proxmox node of the cluster must have it)."),
      region: z
        .string()
        .regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, {
          error: fix("not a label value", "use letters, digits, '-', '_' and '.', e.g. the Proxmox cluster's name"),
        })
        .default("proxmox")
        .describe(
          "Region the plugin gives the Proxmox cluster; nodes are labelled `topology.kubernetes.io/region` with it (and `zone` with their Proxmox node).",
        ),
      tokenId: z
        .string()
        .regex(/^[^@!\s]+@[^@!\s]+![A-Za-z0-9_-]+$/, { error: fix("not a Proxmox token id", "write user@realm!tokenname, e.g. aggrik8s-csi@pve!csi") })
        .default("aggrik8s-csi@pve!csi")
        .describe("Proxmox API token id of the plugin's own user (role in docs/operations.md: storage)."),
      tokenSecret: SecretRefSchema.default({ env: "PROXMOX_CSI_TOKEN_SECRET" }).describe("Secret (the UUID) of that token."),
    })
    .prefault({})
    .describe("Proxmox CSI plugin: volumes as Proxmox disks, with a StorageClass (the default where Rook is off)."),
  enabledByDefault: (platform) => !(platform.rookCeph as { enabled: boolean }).enabled,
  // The node plugin runs privileged and mounts the kubelet's directories from the host.
  namespace: { name: PROXMOX_CSI_NAMESPACE, level: "privileged" },
  provides: ["default-storage-class"],
  releases: (c, { proxmox, enabled, clusterName }) => {
    // The proxmoxCsiApi config rule refuses this before synth gets here.
    if (!proxmox) throw new Error(`${clusterName}: the Proxmox CSI plugin needs the one Proxmox API that serves every node of the cluster`);
    return [
      {
        id: "proxmox-csi",
        name: "proxmox-csi-plugin",
        chart: "proxmoxCsi",
        values: proxmoxCsiValues({
          endpoint: proxmox.endpoint,
          insecure: proxmox.insecure,
          tokenId: c.tokenId,
          region: c.region,
          storage: c.storage,
          isDefault: !enabled.has("rookCeph"),
        }),
        secretValues: { [PROXMOX_CSI_TOKEN_KEY]: { ref: c.tokenSecret, description: "Proxmox CSI token secret" } },
      },
    ];
  },
  memoryRequests: () => [
    { component: "proxmox-csi", workload: "controller", memoryMiB: PROXMOX_CSI_MEMORY_MIB.controller, placement: "cluster" },
    { component: "proxmox-csi", workload: "node", memoryMiB: PROXMOX_CSI_MEMORY_MIB.node, placement: "every-node" },
  ],
});
