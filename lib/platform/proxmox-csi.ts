/**
 * The Proxmox CSI plugin: PersistentVolumes as Proxmox disks on a datastore,
 * attached to the VM whose pod claims them, with its own StorageClass, the
 * cluster's default where Rook is off. It talks to every Proxmox API that
 * serves a node of the cluster (a PVE cluster's `proxmox.endpoint`, each
 * standalone host under `proxmox.hosts`), each with its own least-privilege
 * token (docs/operations.md: storage), never the deploy token. Each token's
 * secret is a Kubernetes Secret of its own (written write-only, before the
 * release), mounted into the controller and named by the entry's
 * `token_secret_file`: a write-only Helm value cannot carry it, because the
 * helm provider merges `set_wo` values into the release's values map by map
 * and a list (`config.clusters`) is replaced whole, so
 * `config.clusters[0].token_secret` would drop every other field of the entry
 * (terraform-provider-helm v3.1.1 resource_helm_release.go,
 * getWriteOnlyValues and mergeMaps).
 *
 * The plugin's config lists one `clusters` entry per API, each with a
 * `region`; it places a volume by the consuming node's
 * `topology.kubernetes.io/region` (which API) and `topology.kubernetes.io/zone`
 * (which Proxmox node): the Talos patches label every node so while it is on
 * (`proxmoxCsiTopology`). The StorageClass binds on first consumer, so the
 * provisioner is handed the node the pod was scheduled to, and the plugin
 * creates the disk through that node's API (pkg/csi/controller.go
 * CreateVolume: `locationFromTopologyRequirement`, `GetProxmoxCluster(region)`).
 *
 * @see https://github.com/sergelogvinov/proxmox-csi-plugin/blob/v0.19.1/docs/config.md
 * @see https://github.com/sergelogvinov/proxmox-csi-plugin/blob/main/docs/install.md
 */
import { z } from "zod";
import { SecretRef, SecretRefSchema, fix } from "../schema-parts";
import { DEFAULT_CONNECTION } from "../proxmox/connections";
import { defineComponent } from "./component";

export const PROXMOX_CSI_NAMESPACE = "csi-proxmox";
export const PROXMOX_CSI_STORAGE_CLASS = "proxmox";
/** Where the controller finds the token secrets: one file per API, named by its connection key. */
export const PROXMOX_CSI_TOKEN_DIR = "/etc/proxmox-csi-tokens";
/** The key of the token in each token Secret. */
export const PROXMOX_CSI_TOKEN_KEY = "token_secret";
/** The Secret holding the token of the API `connectionKey` (a DNS label). */
export const proxmoxCsiTokenSecret = (connectionKey: string) => `proxmox-csi-token-${connectionKey.toLowerCase().replace(/[^a-z0-9-]+/g, "-")}`;
/** The Proxmox role the plugin's token needs (docs/operations.md: storage). */
export const PROXMOX_CSI_ROLE = {
  name: "AggriK8sCSI",
  privileges: ["VM.Audit", "VM.Config.Disk", "Datastore.Allocate", "Datastore.AllocateSpace", "Datastore.Audit"],
};

/** Memory each plugin container requests, as the chart sets it (controller: 5 containers; node: 2 of 3). */
export const PROXMOX_CSI_MEMORY_MIB = { controller: 80, node: 32 } as const;

const REGION = z.string().regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, {
  error: fix("not a label value", "use letters, digits, '-', '_' and '.', e.g. the Proxmox cluster's name"),
});
const TOKEN_ID = z
  .string()
  .regex(/^[^@!\s]+@[^@!\s]+![A-Za-z0-9_-]+$/, { error: fix("not a Proxmox token id", "write user@realm!tokenname, e.g. aggrik8s-csi@pve!csi") });

/** The plugin's settings, as the config schema gives them (defaults filled in). */
export interface ProxmoxCsiSettings {
  readonly region: string;
  readonly tokenId: string;
  readonly tokenSecret: SecretRef;
  readonly hosts: Readonly<Record<string, { readonly region?: string; readonly tokenId?: string; readonly tokenSecret: SecretRef }>>;
}

/** A Proxmox API as the plugin sees it: one `clusters` entry of its config. */
export interface ProxmoxCsiApi {
  /** The connection's key (lib/proxmox/connections.ts): `default` or a host's name under proxmox.hosts. */
  readonly key: string;
  /** Proxmox API, `https://host:8006/`. */
  readonly endpoint: string;
  readonly insecure: boolean;
  /** `topology.kubernetes.io/region` of the nodes behind it. */
  readonly region: string;
  readonly tokenId: string;
  readonly tokenSecret: SecretRef;
}

/**
 * The region the plugin gives an API: `proxmoxCsi.region` for the mesh
 * default endpoint (a PVE cluster), else the host's `proxmoxCsi.hosts.<host>.region`,
 * by default the host's name.
 */
export function proxmoxCsiRegion(c: Pick<ProxmoxCsiSettings, "region" | "hosts">, connectionKey: string): string {
  if (connectionKey === DEFAULT_CONNECTION) return c.region;
  const host = Object.prototype.hasOwnProperty.call(c.hosts, connectionKey) ? c.hosts[connectionKey] : undefined;
  return host?.region ?? connectionKey;
}

/**
 * The plugin's view of each API serving the cluster, and the standalone
 * hosts among them that have no token of the plugin's (`missing`: the
 * proxmoxCsiApi rule refuses such a config).
 */
export function proxmoxCsiApis(
  c: ProxmoxCsiSettings,
  connections: readonly { readonly key: string; readonly endpoint: string; readonly insecure: boolean }[],
): { readonly apis: ProxmoxCsiApi[]; readonly missing: string[] } {
  const apis: ProxmoxCsiApi[] = [];
  const missing: string[] = [];
  for (const conn of connections) {
    const base = { key: conn.key, endpoint: conn.endpoint, insecure: conn.insecure, region: proxmoxCsiRegion(c, conn.key) };
    if (conn.key === DEFAULT_CONNECTION) {
      apis.push({ ...base, tokenId: c.tokenId, tokenSecret: c.tokenSecret });
      continue;
    }
    const host = Object.prototype.hasOwnProperty.call(c.hosts, conn.key) ? c.hosts[conn.key] : undefined;
    if (host) apis.push({ ...base, tokenId: host.tokenId ?? c.tokenId, tokenSecret: host.tokenSecret });
    else missing.push(conn.key);
  }
  return { apis, missing };
}

/**
 * Labels Talos keeps on a node for the plugin: the region of the API that
 * serves its Proxmox node, and the Proxmox node as its zone.
 */
export function proxmoxCsiTopology(c: Pick<ProxmoxCsiSettings, "region" | "hosts">, connectionKey: string, proxmoxNode: string): Record<string, string> {
  return { "topology.kubernetes.io/region": proxmoxCsiRegion(c, connectionKey), "topology.kubernetes.io/zone": proxmoxNode };
}

export interface ProxmoxCsiValuesProps {
  /** Every API serving the cluster's nodes, one `clusters` entry each (their tokens' secrets are set apart). */
  readonly apis: readonly Pick<ProxmoxCsiApi, "key" | "endpoint" | "insecure" | "tokenId" | "region">[];
  /** Proxmox datastore the volumes are created on. */
  readonly storage: string;
  /** Marks its StorageClass as the cluster's default. */
  readonly isDefault: boolean;
}

export function proxmoxCsiValues(props: ProxmoxCsiValuesProps) {
  return {
    config: {
      clusters: props.apis.map((a) => ({
        url: new URL("api2/json", a.endpoint).toString(),
        insecure: a.insecure,
        token_id: a.tokenId,
        // Read by the plugin at start (pkg/proxmoxpool/pool.go, readValueFromFile).
        token_secret_file: `${PROXMOX_CSI_TOKEN_DIR}/${a.key}`,
        region: a.region,
      })),
    },
    // The token Secrets, one file per API, in the controller's plugin container (the only one that talks to Proxmox).
    extraVolumes: [
      {
        name: "proxmox-csi-tokens",
        projected: {
          sources: props.apis.map((a) => ({ secret: { name: proxmoxCsiTokenSecret(a.key), items: [{ key: PROXMOX_CSI_TOKEN_KEY, path: a.key }] } })),
        },
      },
    ],
    extraVolumeMounts: [{ name: "proxmox-csi-tokens", mountPath: PROXMOX_CSI_TOKEN_DIR, readOnly: true }],
    storageClass: [
      {
        name: PROXMOX_CSI_STORAGE_CLASS,
        storage: props.storage,
        reclaimPolicy: "Delete",
        // The disk is made once the pod has a node, through that node's API (its region), on its Proxmox node (its zone).
        volumeBindingMode: "WaitForFirstConsumer",
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
      region: REGION.default("proxmox").describe(
        "Region the plugin gives the Proxmox API `proxmox.endpoint` (a PVE cluster); its nodes are labelled `topology.kubernetes.io/region` with it (and `zone` with their Proxmox node).",
      ),
      tokenId: TOKEN_ID.default("aggrik8s-csi@pve!csi").describe(
        "Proxmox API token id of the plugin's own user on `proxmox.endpoint` (role in docs/operations.md: storage); the default for `hosts` too.",
      ),
      tokenSecret: SecretRefSchema.default({ env: "PROXMOX_CSI_TOKEN_SECRET" }).describe("Secret (the UUID) of that token."),
      hosts: z
        .record(
          z.string().min(1),
          z.strictObject({
            region: REGION.optional().describe("Region of this host's nodes. Default: the host's name."),
            tokenId: TOKEN_ID.optional().describe("Token id of the plugin's user on this host. Default: `proxmoxCsi.tokenId`."),
            tokenSecret: SecretRefSchema.describe("Secret (the UUID) of that token: each host mints its own."),
          }),
        )
        .default({})
        .describe(
          "The plugin's token on each standalone host under `proxmox.hosts` that serves a node of this cluster, by the host's name: the plugin talks to every API of the cluster, each with a token of its own.",
        ),
    })
    .prefault({})
    .describe("Proxmox CSI plugin: volumes as Proxmox disks, with a StorageClass (the default where Rook is off)."),
  enabledByDefault: (platform) => !(platform.rookCeph as { enabled: boolean }).enabled,
  // The node plugin runs privileged and mounts the kubelet's directories from the host.
  namespace: { name: PROXMOX_CSI_NAMESPACE, level: "privileged" },
  provides: ["default-storage-class"],
  releases: (c, { proxmox, enabled }) => {
    // A host without the plugin's token (or a node no API serves) is refused by
    // the proxmoxCsiApi (or Proxmox hosts) config rule before synth; rules that
    // read the releases (chart sources) still get them, without that API.
    const { apis } = proxmoxCsiApis(c, proxmox);
    return [
      {
        id: "proxmox-csi",
        name: "proxmox-csi-plugin",
        chart: "proxmoxCsi",
        values: proxmoxCsiValues({ apis, storage: c.storage, isDefault: !enabled.has("rookCeph") }),
      },
    ];
  },
  // One Secret per API the plugin talks to, its token's secret under PROXMOX_CSI_TOKEN_KEY.
  kubernetesSecrets: (c, { proxmox }) =>
    proxmoxCsiApis(c, proxmox).apis.map((a) => ({
      id: `proxmox-csi-token-${a.key}`,
      name: proxmoxCsiTokenSecret(a.key),
      key: PROXMOX_CSI_TOKEN_KEY,
      ref: a.tokenSecret,
      description: `Proxmox CSI token secret${a.key === DEFAULT_CONNECTION ? "" : ` (proxmox.hosts.${a.key})`}`,
    })),
  memoryRequests: () => [
    { component: "proxmox-csi", workload: "controller", memoryMiB: PROXMOX_CSI_MEMORY_MIB.controller, placement: "cluster" },
    { component: "proxmox-csi", workload: "node", memoryMiB: PROXMOX_CSI_MEMORY_MIB.node, placement: "every-node" },
  ],
});
