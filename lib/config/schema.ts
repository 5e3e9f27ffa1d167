/**
 * The mesh config schema: the single source of the TypeScript types, the
 * runtime validation (with defaults) and the published `config.schema.json`.
 * Rules that span fields (CIDR overlaps, unique ids, ...) are in `rules/`.
 *
 * Field descriptions here become the README's config reference and editor
 * hover text, so write them for an operator.
 */
import { z } from "zod";
import { PLATFORM } from "../versions";
import { DEFAULT_IMAGE_FACTORY, QEMU_GUEST_AGENT } from "../talos/factory";
import { PROXMOX_TOKEN_ENV } from "./secret-refs";
import { SecretRefSchema, fix, toggle } from "../schema-parts";
import { PLATFORM_COMPONENT_SCHEMAS } from "../platform/components";
import { OS_DISK_SERIAL, diskByIdPath } from "../proxmox/disk-ids";
import { LB_POOL_PATTERN, NIC_NAME_PATTERN } from "../cilium/lb-ipam";

// A config is parsed once per process: compiling zod's fast path for object
// schemas (new Function) costs more than it saves (docs/benchmark.md).
z.config({ jitless: true });

/** RFC 1123 label: what Kubernetes, Talos hostnames and Cilium cluster names accept. */
const dnsLabel = (what: string, maxLength: number) =>
  z
    .string()
    .max(maxLength, { error: fix(`${what} is longer than ${maxLength} characters`, `shorten it to ${maxLength} or fewer`) })
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
      error: fix(`${what} is not a DNS label`, "use lower-case letters, digits and '-', starting and ending with a letter or digit"),
    });

const ipv4 = z.ipv4({ error: fix("not an IPv4 address", "write a dotted quad such as 10.10.0.11") });
const cidr = z.cidrv4({ error: fix("not an IPv4 CIDR", "write network/prefix such as 10.244.0.0/16") });
/**
 * A size in GiB, refused past `plausibleMax`: such a value is almost always
 * written in MiB (or MB) by mistake, and the message says so.
 */
const gib = (what: string, plausibleMax: number) =>
  z
    .number()
    .positive({ error: fix(`${what} must be positive`, "give a size in GiB greater than 0") })
    .max(plausibleMax, {
      error: (issue) =>
        fix(
          `${issue.input} GiB is past any Proxmox host (over ${plausibleMax} GiB): it reads like MiB`,
          `write ${what} in GiB: ${issue.input} MiB is ${Math.round((Number(issue.input) / 1024) * 10) / 10} GiB`,
        ),
    });
/** vCPU cores of a VM: past 512 no Proxmox host has them. */
const cores = () =>
  z
    .int({ error: fix("cores must be a whole number", "give a whole number of vCPU cores, e.g. 4") })
    .min(1, { error: fix("cores must be at least 1: a VM needs a vCPU", "give at least 1 core (Talos wants 2 on control planes)") })
    .max(512, { error: (issue) => fix(`${issue.input} cores is past any Proxmox host`, "give the vCPU count of the VM, e.g. 4") });

/** Talos' minimum system disk. */
export const TALOS_MIN_DISK_GIB = 10;
const MEMORY_MAX_GIB = 4096;
const DISK_MAX_GIB = 65536;

export { SecretRefSchema, type SecretRef } from "../schema-parts";

const NodeSchema = z
  .strictObject({
    name: dnsLabel("node name", 63).describe("Hostname of the Talos node and name of its VM; unique across the mesh."),
    ip: ipv4.describe("Static IPv4 address of the node, inside the cluster's nodeSubnet."),
    vmId: z
      .int({ error: fix("vmId must be a whole number", "use a Proxmox VM id from 100 to 999999999") })
      .min(100, { error: fix("vmId below 100", "Proxmox reserves ids below 100: use 100 to 999999999") })
      .max(999999999, { error: fix("vmId above 999999999", "use 100 to 999999999") })
      .describe("Proxmox VM id; unique across the mesh."),
    proxmoxNode: z.string().min(1).describe("Name of the Proxmox VE node the VM runs on."),
    cores: cores().optional().describe("Overrides the pool's cores for this node."),
    memoryGiB: gib("memoryGiB", MEMORY_MAX_GIB).optional().describe("Overrides the pool's memoryGiB for this node."),
    leaving: z
      .boolean()
      .default(false)
      .describe(
        "Step 1 of removing the node: deploy with `leaving: true` and the node resets (a control plane leaves etcd gracefully) and its Node object is deleted while its VM stays; step 2: delete the node from the config and deploy, which removes the VM.",
      ),
  })
  .describe("One Talos node (one Proxmox VM).");
export type NodeConfig = z.infer<typeof NodeSchema>;

/** Sizes shared by the nodes of a pool; defaults differ for control planes and workers. */
const poolFields = (d: { cores: number; memoryGiB: number; diskSizeGiB: number }) => ({
  cores: cores().default(d.cores).describe("vCPU cores per VM."),
  memoryGiB: gib("memoryGiB", MEMORY_MAX_GIB).default(d.memoryGiB).describe("Memory per VM in GiB (ballooning is off: Talos needs it all)."),
  diskSizeGiB: gib("diskSizeGiB", DISK_MAX_GIB)
    .min(TALOS_MIN_DISK_GIB, {
      error: (issue) =>
        fix(
          `${issue.input} GiB is below Talos' minimum system disk, ${TALOS_MIN_DISK_GIB} GiB`,
          `give diskSizeGiB at least ${TALOS_MIN_DISK_GIB} (the defaults are 32 and 64)`,
        ),
    })
    .default(d.diskSizeGiB)
    .describe(`Boot/install disk size in GiB; Talos needs at least ${TALOS_MIN_DISK_GIB}.`),
  cpuType: z.string().default("host").describe("Proxmox CPU type: `host`, or `x86-64-v2-AES` for live migration across mixed hosts."),
  datastore: z.string().default("local-lvm").describe("Proxmox datastore for the VM disks."),
});

const ControlPlaneSchema = z
  .strictObject({
    ...poolFields({ cores: 4, memoryGiB: 4, diskSizeGiB: 32 }),
    nodes: z.array(NodeSchema).describe("Control plane nodes: an odd number, 1 or more."),
  })
  .describe("Control plane pool.");

const WorkerSchema = z
  .strictObject({
    // 12 GiB: a Ceph OSD (4 GiB), a share of the mons, mgrs and day-2 pods, with room for workloads (lib/platform/capacity.ts).
    ...poolFields({ cores: 4, memoryGiB: 12, diskSizeGiB: 64 }),
    cephDiskSizeGiB: gib("cephDiskSizeGiB", DISK_MAX_GIB)
      .default(100)
      .describe("Size of the extra empty disk each worker gets for a Ceph OSD when rook-ceph is on."),
    nodes: z.array(NodeSchema).default([]).describe("Worker nodes; may be empty (workloads then run on the control planes)."),
  })
  .describe("Worker pool.");

/** A 16-bit or 32-bit BGP autonomous system number (0 and 65535/4294967295 are reserved). */
const asn = (what: string) =>
  z
    .int({ error: fix(`${what} must be a whole number`, "give an AS number, e.g. 64512 (private range 64512-65534)") })
    .min(1, { error: fix(`${what} below 1`, "give an AS number from 1 to 4294967294, e.g. 64512") })
    .max(4294967294, { error: fix(`${what} above 4294967294`, "give an AS number from 1 to 4294967294, e.g. 64512") });

const LoadBalancerSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Create the pool and its announcement; false keeps the settings but installs neither."),
    pool: z
      .string()
      .regex(LB_POOL_PATTERN, {
        error: fix("not an IPv4 CIDR or range", "write a CIDR such as 10.10.0.224/28 or a range such as 10.10.0.200-10.10.0.219"),
      })
      .describe(
        "Addresses of the cluster's CiliumLoadBalancerIPPool: a CIDR (10.10.0.224/28) or a range (10.10.0.200-10.10.0.219). With `announce: l2` inside nodeSubnet, clear of the node IPs, the VIP and the gateway; with `bgp` any range the router sends to the nodes. No two clusters share an address.",
      ),
    announce: z
      .enum(["l2", "bgp"])
      .default("l2")
      .describe(
        "How the rest of the network finds a service IP: `l2` (a node answers ARP for it on the node subnet; needs nothing else) or `bgp` (Cilium's BGP control plane advertises the pool to the routers in `bgp.peers`).",
      ),
    interfaces: z
      .array(z.string().min(1))
      .min(1)
      .default([NIC_NAME_PATTERN])
      .describe(
        "`announce: l2`: regular expressions of the kernel interface names that answer ARP. The default matches the VM's one virtio NIC (the link Talos aliases net0; Cilium matches names, not aliases).",
      ),
    bgp: z
      .strictObject({
        localASN: asn("bgp.localASN").describe("AS number of the cluster's nodes."),
        peers: z
          .array(
            z.strictObject({
              address: ipv4.describe("Router address, inside nodeSubnet (single-hop eBGP or iBGP)."),
              asn: asn("peer asn").describe("AS number of the router."),
            }),
          )
          .min(1, { error: fix("no BGP peers", "list the routers the nodes peer with under bgp.peers") })
          .describe("Routers every node peers with; each learns the pool's addresses from the nodes."),
      })
      .optional()
      .describe("`announce: bgp`: the nodes' AS and the routers they peer with."),
  })
  .describe("LoadBalancer addresses of the cluster (Cilium LB-IPAM).");

const NetworkSchema = z
  .strictObject({
    nodeSubnet: cidr.describe("Subnet the node IPs (and the VIP) are in; clusters may share one (a flat LAN), their node IPs and VIPs distinct."),
    gateway: ipv4.describe("Default gateway of the nodes, inside nodeSubnet."),
    dnsServers: z.array(ipv4).min(1).default(["1.1.1.1", "9.9.9.9"]).describe("DNS servers of the nodes."),
    bridge: z.string().default("vmbr0").describe("Proxmox bridge the VM NICs attach to."),
    vlanId: z.int().min(1).max(4094).optional().describe("VLAN tag of the VM NICs; untagged when absent."),
    vip: ipv4.optional().describe("Shared Talos VIP for the Kubernetes API; without it the first control plane's IP is the endpoint."),
    podSubnet: cidr.describe("Pod CIDR; must not overlap any other range in the mesh, node subnets included (ClusterMesh routes pod IPs)."),
    serviceSubnet: cidr.describe("Service CIDR; must not overlap any other range in the mesh, node subnets included."),
    loadBalancer: LoadBalancerSchema.optional().describe(
      "Cilium LB-IPAM: the addresses LoadBalancer services (the shared Gateway, your apps) get, announced by L2 (ARP) or BGP. Without it LoadBalancer services stay <pending>.",
    ),
  })
  .describe("Addresses of the cluster.");

const ClusterMeshSchema = z
  .strictObject({
    serviceType: z
      .enum(["NodePort", "LoadBalancer"], {
        error: fix("not a service type aggrik8s supports", "use NodePort (the default) or LoadBalancer (with network.loadBalancer)"),
      })
      .default("NodePort")
      .describe(
        "How the clustermesh-apiserver is exposed to peers: NodePort (default: every node's IP at nodePort), or LoadBalancer: one address from the cluster's LB-IPAM pool (`loadBalancerIP`), port 2379, which needs network.loadBalancer. That Service is created after Cilium, with the pool; inside the Cilium release Helm's wait would hang on a LoadBalancer whose pool cannot exist yet.",
      ),
    loadBalancerIP: ipv4
      .optional()
      .describe("serviceType LoadBalancer: the clustermesh-apiserver's address, inside network.loadBalancer.pool. Peers connect to it on port 2379."),
    nodePort: z
      .int()
      .min(30000, { error: fix("nodePort below 30000", "use a port in the Kubernetes NodePort range 30000-32767") })
      .max(32767, { error: fix("nodePort above 32767", "use a port in the Kubernetes NodePort range 30000-32767") })
      .default(32379)
      .describe("NodePort of the clustermesh-apiserver (serviceType NodePort); unique across the mesh."),
  })
  .describe("How peers reach this cluster's clustermesh-apiserver.");

const ExtraReleaseSchema = z
  .strictObject({
    name: dnsLabel("release name", 53).describe("Helm release name; unique in the cluster."),
    repository: z.url({ error: fix("not a URL", "give the chart repository URL, e.g. https://charts.example.com") }).describe("Helm chart repository URL."),
    chart: z.string().min(1).describe("Chart name."),
    version: z
      .string()
      .regex(/^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/, {
        error: fix("not an exact chart version: a range or tag floats, so two deploys could install different charts", "pin one version, e.g. 1.2.3"),
      })
      .describe("Exact chart version (pinned, never a range)."),
    namespace: dnsLabel("namespace", 63).describe("Namespace, created with the Pod Security level below."),
    podSecurity: z.enum(["privileged", "baseline", "restricted"]).default("baseline").describe("Pod Security `enforce` level of the namespace."),
    values: z
      .record(z.string(), z.unknown())
      .default({})
      .describe(
        "Helm values. No secrets: a string under a key named like a secret (password, token, secret, credential, apiKey, ... in any case style) and any high-entropy string are refused; put those in secretValues.",
      ),
    secretValues: z
      .record(z.string(), SecretRefSchema)
      .superRefine((secrets, ctx) => {
        for (const key of Object.keys(secrets).filter((k) => /[[\]]/.test(k)))
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: fix(
              `secret value ${key} sits inside a list: the helm provider merges write-only values map by map and replaces a list whole, so the list would keep only this value`,
              "give the secret through a Kubernetes Secret the chart reads (most charts take an existing Secret's name), or a key of a map",
            ),
          });
      })
      .default({})
      .describe("Helm values that are secrets, by dotted path (e.g. `auth.apiKey`), passed write-only; a key inside a list (`a[0].b`) is refused."),
  })
  .describe("A Helm release the config adds with no code (e.g. Groundcover).");

const PlatformSchema = z
  .strictObject({
    hubble: toggle("Hubble relay and UI (part of the Cilium release)."),
    gatewayApi: toggle(
      "Gateway API: the standard CRDs at the version the Cilium release supports, installed before Cilium, and Cilium's Gateway API controller (`gatewayAPI.enabled`).",
    ),
    // One key per day-2 component, in install order (lib/platform/components.ts).
    ...PLATFORM_COMPONENT_SCHEMAS,
    extraReleases: z.array(ExtraReleaseSchema).default([]),
  })
  .prefault({})
  .describe("Day-2 components; every one is on unless switched off.");

export const ClusterSchema = z
  .strictObject({
    name: dnsLabel("cluster name", 32).describe(
      "Cluster name: DNS label, <= 32 characters, not `default` (Cilium) or `mesh` (its credentials stack would be `mesh-credentials`), unique. Also Cilium's cluster.name.",
    ),
    id: z
      .int({ error: fix("cluster id must be a whole number", "use 1 to 255") })
      .min(1, { error: fix("cluster id below 1", "use 1 to 255 (0 means 'no ClusterMesh' to Cilium)") })
      .max(255, { error: fix("cluster id above 255", "use 1 to 255 (Cilium's limit with maxConnectedClusters 255)") })
      .describe("Cilium cluster.id, 1..255, unique in the mesh."),
    network: NetworkSchema,
    controlPlane: ControlPlaneSchema,
    workers: WorkerSchema.prefault({}),
    talos: z
      .strictObject({
        installDisk: z
          .string()
          .regex(/^\/dev\//, { error: fix("not a device path", `write a path under /dev, best a stable one such as ${diskByIdPath(OS_DISK_SERIAL)}`) })
          .default(diskByIdPath(OS_DISK_SERIAL))
          .describe(
            "Disk Talos installs to: by default the VM's first disk by its serial (stable, unlike /dev/sda, which is whichever disk the kernel finds first).",
          ),
        extensions: z
          .array(z.string().regex(/^siderolabs\/[a-z0-9-]+$/, { error: fix("not an official extension name", "write it as siderolabs/<name>") }))
          .default([QEMU_GUEST_AGENT])
          .describe("Official system extensions baked into the Image Factory image."),
        imageFactoryUrl: z
          .url({ protocol: /^https?$/, error: fix("not an http(s) URL", "write the Image Factory's base URL, e.g. https://factory.talos.dev") })
          .default(DEFAULT_IMAGE_FACTORY)
          .describe("Talos Image Factory that builds the boot ISO and installer image; set it for a self-hosted factory."),
      })
      .prefault({})
      .describe("Talos image and install settings."),
    clustermesh: ClusterMeshSchema.prefault({}),
    platform: PlatformSchema,
    allowPkiDestroy: z
      .boolean()
      .optional()
      .describe(
        "Overrides the mesh-wide allowPkiDestroy for this cluster's Talos machine secrets: set it (and deploy) before destroying one cluster for good.",
      ),
    healthGates: z
      .boolean()
      .optional()
      .describe(
        "Overrides the mesh-wide healthGates for this cluster: false while repairing it (a node down), so its Talos and Cilium stacks deploy without waiting on cluster health.",
      ),
  })
  .describe("One Talos cluster.");
export type ClusterConfig = z.infer<typeof ClusterSchema>;

/**
 * Where each stack keeps its state. Backend credentials never go in the config
 * or the synthesized JSON: each backend reads them from its own environment
 * variables (PGPASSWORD, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, TF_HTTP_PASSWORD).
 */
const StateSchema = z
  .discriminatedUnion("backend", [
    z.strictObject({
      backend: z.literal("local"),
      dir: z.string().default("state").describe("Directory (gitignored) of the state files, one `<stack>.tfstate` each."),
    }),
    z.strictObject({
      backend: z.literal("pg"),
      connStr: z
        .string()
        .regex(/^postgres(ql)?:\/\/[^:@/]+@/, {
          error: fix(
            "not a postgres:// URL with a user and no password",
            "write postgres://USER@HOST:5432/DB?sslmode=verify-full and put the password in PGPASSWORD",
          ),
        })
        .describe("PostgreSQL URL without the password (PGPASSWORD holds it); one schema per stack, locked with advisory locks."),
      schemaPrefix: z
        .string()
        .regex(/^[a-z_][a-z0-9_]*$/)
        .default("aggrik8s")
        .describe("Schema of a stack: `<prefix>_<stack>` (dashes become underscores)."),
    }),
    z.strictObject({
      backend: z.literal("s3"),
      bucket: z.string().min(3),
      endpoint: z
        .url({ protocol: /^https?$/ })
        .optional()
        .describe("S3-compatible endpoint (MinIO, Ceph RGW); AWS when absent."),
      region: z.string().default("us-east-1"),
      keyPrefix: z.string().default("aggrik8s").describe("State object of a stack: `<keyPrefix>/<stack>.tfstate`, locked with a lockfile beside it."),
    }),
    z.strictObject({
      backend: z.literal("http"),
      address: z
        .url({ protocol: /^https$/, error: fix("not an https URL", "give the base URL, e.g. https://gitlab.example.com/api/v4/projects/42/terraform/state") })
        .describe("Base URL; a stack's state is `<address>/<stack>`, locked at `<address>/<stack>/lock` (GitLab's layout)."),
      username: z.string().optional().describe("User name (TF_HTTP_PASSWORD holds the password or token)."),
    }),
  ])
  .default({ backend: "local", dir: "state" })
  .describe("State backend of every stack: local (default), pg, s3 or http.");

const proxmoxEndpoint = z
  .url({ protocol: /^https$/, error: fix("not an https URL", "write the Proxmox API URL as https://host:8006/") })
  .describe("Proxmox VE API URL, https://host:8006/.");
const isoDatastore = z
  .string()
  .min(1)
  .describe("Datastore the Talos ISO is stored in on each Proxmox node; it must allow the `iso` content type (`local` does by default).");

/**
 * One Proxmox API endpoint for named Proxmox nodes: a standalone host (its
 * own API), or a node of a PVE cluster reached through its own address.
 */
const ProxmoxHostSchema = z
  .strictObject({
    endpoint: proxmoxEndpoint,
    apiToken: SecretRefSchema.optional().describe("API token `user@realm!id=uuid` of this host; proxmox.apiToken when absent."),
    insecure: z.boolean().optional().describe("Skip TLS verification of this host's API; proxmox.insecure when absent. Leave it unset."),
    isoDatastore: isoDatastore.optional().describe("ISO datastore on this host; proxmox.isoDatastore when absent."),
  })
  .describe("The API of one Proxmox node that is not reached through proxmox.endpoint.");

const ProxmoxSchema = z
  .strictObject({
    endpoint: proxmoxEndpoint
      .optional()
      .describe(
        "Proxmox VE API URL, https://host:8006/: the mesh default, for every Proxmox node not under `hosts` (one PVE cluster answers for all its nodes). May be left out when `hosts` names every Proxmox node.",
      ),
    insecure: z.boolean().default(false).describe("Skip TLS verification of the Proxmox API. Leave false; give Proxmox a trusted certificate."),
    apiToken: SecretRefSchema.default({ env: PROXMOX_TOKEN_ENV }).describe("API token `user@realm!id=uuid`."),
    isoTransfer: z
      .enum(["download", "upload"])
      .default("download")
      .describe(
        "How the Talos ISO reaches each Proxmox node: `download` (the node fetches it; needs Sys.Audit and Sys.Modify for Proxmox's URL metadata query) or `upload` (fetched where the engine runs and uploaded through the API: the fallback when the metadata query is refused).",
      ),
    isoDatastore: isoDatastore.default("local"),
    hosts: z
      .record(z.string().min(1), ProxmoxHostSchema)
      .default({})
      .describe(
        "Proxmox nodes with their own API endpoint, by the name `proxmoxNode` gives: standalone hosts (not in a PVE cluster), or a mix of standalone hosts and a PVE cluster behind `endpoint`.",
      ),
  })
  .describe("Proxmox VE API access: one endpoint for a PVE cluster, one per standalone host under `hosts`, or both.");
export type ProxmoxConfig = z.output<typeof ProxmoxSchema>;

/** Where every Helm release gets its chart (air-gapped sites mirror them). */
const ChartsSchema = z
  .discriminatedUnion("source", [
    z.strictObject({ source: z.literal("registry") }),
    z.strictObject({
      source: z.literal("oci"),
      registry: z
        .string()
        .regex(/^oci:\/\/[^/\s]+(\/[^\s]*)?$/, {
          error: fix("not an oci:// registry URL", "write it as oci://HOST[:PORT]/PATH, e.g. oci://harbor.lab.internal/charts"),
        })
        .describe("OCI registry holding every chart as `<registry>/<chart>` at its pinned version (`helm push` of the packaged chart)."),
    }),
    z.strictObject({
      source: z.literal("dir"),
      dir: z
        .string()
        .min(1, { error: fix("charts.dir is empty", "name the directory of packaged charts, e.g. ./charts") })
        .describe(
          "Directory of packaged charts, `<chart>-<version>.tgz` each (what `helm pull REPO/CHART --version V` writes); relative to where the commands run.",
        ),
    }),
  ])
  .default({ source: "registry" })
  .describe(
    "Where Helm releases get their charts: `registry` (each chart's own repository, default), `oci` (one OCI registry mirroring them) or `dir` (a local directory of packaged charts).",
  );

export const MeshConfigSchema = z
  .strictObject({
    versions: z
      .strictObject({
        talos: z
          .string()
          .regex(/^v\d+\.\d+\.\d+$/, { error: fix("not a Talos version", "write it as vMAJOR.MINOR.PATCH, e.g. v1.13.9") })
          .default(PLATFORM.talos)
          .describe("Talos OS version installed on every node."),
        kubernetes: z
          .string()
          .regex(/^\d+\.\d+\.\d+$/, { error: fix("not a Kubernetes version", "write it as MAJOR.MINOR.PATCH without 'v', e.g. 1.35.10") })
          .default(PLATFORM.kubernetes)
          .describe("Kubernetes version of every cluster."),
        cilium: z
          .string()
          .regex(/^\d+\.\d+\.\d+$/, { error: fix("not a Cilium version", "write it as MAJOR.MINOR.PATCH, e.g. 1.19.6") })
          .default(PLATFORM.cilium)
          .describe("Cilium version (chart and agent) of every cluster; ClusterMesh wants the same everywhere."),
      })
      .prefault({})
      .describe("Talos, Kubernetes and Cilium versions of every cluster; checked against the compatibility table."),
    proxmox: ProxmoxSchema,
    doppler: z
      .strictObject({
        enabled: z.boolean().default(false).describe("Use Doppler for {doppler: NAME} secrets and for the credential export."),
        project: z.string().default("aggrik8s").describe("Doppler project."),
        config: z.string().default("prd").describe("Doppler config (environment) in the project."),
        token: z
          .strictObject({
            env: z
              .string()
              .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
              .describe("Environment variable holding the Doppler service token."),
          })
          .default({ env: "DOPPLER_TOKEN" })
          .describe("The Doppler service token comes from the environment (it cannot come from Doppler)."),
      })
      .prefault({})
      .describe("Doppler: source of {doppler: NAME} secrets and destination of the exported credentials."),
    credentials: z
      .strictObject({
        dir: z.string().default("credentials").describe("Directory (gitignored) the credential export writes kubeconfig/talosconfig files to."),
      })
      .prefault({})
      .describe("Where the credential export writes kubeconfigs and talosconfigs."),
    state: StateSchema,
    charts: ChartsSchema,
    encryption: z
      .strictObject({
        type: z
          .enum(["none", "wireguard"])
          .default("none")
          .describe(
            "Cilium transparent encryption of pod traffic between nodes, in and across clusters: `wireguard` (every node gets a WireGuard key; peers must reach 51871/udp) or `none`. Mesh-wide: ClusterMesh wants the same datapath everywhere.",
          ),
      })
      .prefault({})
      .describe("Transparent encryption of every cluster's pod traffic (Cilium's encryption.type)."),
    allowPkiDestroy: z
      .boolean()
      .default(false)
      .describe(
        "Let `destroy` delete the mesh CA (and each cluster's Talos machine secrets). Off: they carry `prevent_destroy`, since losing them breaks every peering and node trust.",
      ),
    healthGates: z
      .boolean()
      .default(true)
      .describe(
        "Health gates, run at apply only: the Talos stack waits for the API server's /readyz, the Cilium stack for every node Ready and CoreDNS serving. Set false only to repair (a node down or being replaced): no gate is synthesized (nor `talos_cluster`, which waits on Talos' cluster checks, so Kubernetes upgrades wait too), so deploy goes through on a degraded cluster; set it back afterwards.",
      ),
    clusters: z
      .array(ClusterSchema)
      .min(1, { error: fix("no clusters", "list at least one cluster under clusters") })
      .describe("The clusters of the mesh."),
  })
  .describe("An aggrik8s mesh: Talos clusters on Proxmox VE joined by Cilium ClusterMesh.");

/** The config as written (defaults optional). */
export type MeshConfigInput = z.input<typeof MeshConfigSchema>;
/** The config with every default filled in. */
export type MeshConfig = z.output<typeof MeshConfigSchema>;
