/**
 * `npm run preflight`: a read-only check of every Proxmox API the config
 * uses, before anything is applied. Per API endpoint (proxmox.endpoint and
 * each of proxmox.hosts) it reads, with the config's token:
 *
 * - `GET /api2/json/version`: reachable, TLS verified, token accepted;
 * - `GET /api2/json/nodes`: every Proxmox node the config names is there and online;
 * - `GET /api2/json/nodes/{node}/storage`: the VM datastores exist, are active
 *   and take `images`; the ISO datastore takes `iso`;
 * - `GET /api2/json/nodes/{node}/network`: the bridge exists, and is
 *   VLAN-aware when the cluster sets a vlanId;
 * - `GET /api2/json/cluster/resources?type=vm`: no VM id the config gives is
 *   taken by another VM (one of the config's own, same id, name and node, is
 *   what a second deploy finds);
 * - `GET /api2/json/access/permissions`: the token's effective privileges
 *   cover what the stacks do, on each path they do it on.
 *
 * Every problem of every endpoint is reported at once, each with its fix.
 * Nothing is written. TLS verification stays on unless the config turns it off
 * (`insecure`); a private CA is trusted through NODE_EXTRA_CA_CERTS.
 *
 * @see https://pve.proxmox.com/pve-docs/api-viewer/ (Proxmox VE 9 API: the paths above, their parameters and returns)
 * @see https://pve.proxmox.com/pve-docs/chapter-pveum.html#pveum_permission_management (privileges, paths, propagation)
 * @see https://pve.proxmox.com/wiki/Proxmox_VE_API#Authentication (PVEAPIToken header)
 */
import * as http from "http";
import * as https from "https";
import { ClusterConfig, MeshConfig } from "../lib/config/schema";
import { ProxmoxConnection, proxmoxConnection } from "../lib/proxmox/connections";

/** What the stacks need of one Proxmox node behind an endpoint. */
interface NodeNeeds {
  readonly node: string;
  /** VM datastore -> config paths that use it. */
  readonly datastores: Map<string, string[]>;
  /** Bridge -> VLAN ids (undefined: untagged) and where. */
  readonly bridges: Map<string, { vlan?: number; path: string }[]>;
  readonly isoDatastore: string;
}

interface VmNeed {
  readonly vmId: number;
  readonly name: string;
  readonly node: string;
  readonly path: string;
}

/** Everything the config asks of one Proxmox API. */
export interface EndpointNeeds {
  readonly connection: ProxmoxConnection;
  readonly nodes: readonly NodeNeeds[];
  readonly vms: readonly VmNeed[];
}

/** The config's demands, grouped by the API that serves them. */
export function endpointNeeds(config: MeshConfig): EndpointNeeds[] {
  const byKey = new Map<string, { connection: ProxmoxConnection; nodes: Map<string, NodeNeeds>; vms: VmNeed[] }>();
  config.clusters.forEach((cluster: ClusterConfig, ci) => {
    (["controlPlane", "workers"] as const).forEach((role) =>
      cluster[role].nodes.forEach((n, ni) => {
        const connection = proxmoxConnection(config.proxmox, n.proxmoxNode);
        if (!connection) return; // refused by the config rules already
        const path = `clusters[${ci}].${role}.nodes[${ni}]`;
        const entry = byKey.get(connection.key) ?? { connection, nodes: new Map<string, NodeNeeds>(), vms: [] as VmNeed[] };
        byKey.set(connection.key, entry);
        const node = entry.nodes.get(n.proxmoxNode) ?? {
          node: n.proxmoxNode,
          datastores: new Map(),
          bridges: new Map(),
          isoDatastore: connection.isoDatastore,
        };
        entry.nodes.set(n.proxmoxNode, node);
        const ds = cluster[role].datastore;
        node.datastores.set(ds, [...(node.datastores.get(ds) ?? []), `clusters[${ci}].${role}.datastore`]);
        const br = cluster.network.bridge;
        node.bridges.set(br, [...(node.bridges.get(br) ?? []), { vlan: cluster.network.vlanId, path: `clusters[${ci}].network` }]);
        entry.vms.push({ vmId: n.vmId, name: n.name, node: n.proxmoxNode, path });
      }),
    );
  });
  return [...byKey.values()].map((e) => ({ connection: e.connection, nodes: [...e.nodes.values()].sort((a, b) => a.node.localeCompare(b.node)), vms: e.vms }));
}

/** A GET against the Proxmox API; the `data` of its answer. */
export type ProxmoxGet = (path: string) => Promise<unknown>;

export class ProxmoxApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "ProxmoxApiError";
  }
}

/** A read-only client for one endpoint: `Authorization: PVEAPIToken=<user>@<realm>!<id>=<secret>`. */
export function proxmoxGet(endpoint: string, token: string, insecure: boolean, timeoutMs = 10_000): ProxmoxGet {
  const base = new URL(endpoint);
  return (path) =>
    new Promise((resolve, reject) => {
      const url = new URL(`/api2/json${path}`, base);
      const opts: https.RequestOptions = {
        method: "GET",
        hostname: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        headers: { Authorization: `PVEAPIToken=${token}`, Accept: "application/json" },
        rejectUnauthorized: !insecure,
        timeout: timeoutMs,
        agent: false,
      };
      const req = (url.protocol === "http:" ? http : https).request(opts, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (body += d));
        res.on("end", () => {
          if ((res.statusCode ?? 0) >= 300)
            return reject(new ProxmoxApiError(`GET ${url.pathname}: ${res.statusCode} ${res.statusMessage ?? ""}`.trim(), res.statusCode));
          try {
            resolve((JSON.parse(body) as { data: unknown }).data);
          } catch {
            reject(new ProxmoxApiError(`GET ${url.pathname}: the answer is not JSON`, res.statusCode));
          }
        });
      });
      req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs / 1000}s`)));
      req.on("error", (e) => reject(new ProxmoxApiError(e.message)));
      req.end();
    });
}

interface PveNode {
  node: string;
  status?: string;
}
interface PveStorage {
  storage: string;
  type?: string;
  content?: string;
  active?: number;
  enabled?: number;
  avail?: number;
}
interface PveIface {
  iface: string;
  type: string;
  active?: number;
  bridge_vlan_aware?: number;
}
interface PveResource {
  vmid?: number;
  name?: string;
  node?: string;
  type?: string;
}
/** Path -> privilege -> 1 (propagates to sub-paths) or 0 (this path only). */
type PvePermissions = Record<string, Record<string, number>>;

/** Privileges the stacks use, on the paths Proxmox checks them (README: Prerequisites, the pveum role; bpg/proxmox's resources). */
const VM_PRIVILEGES = [
  "VM.Allocate",
  "VM.Audit",
  "VM.Config.CDROM",
  "VM.Config.CPU",
  "VM.Config.Cloudinit",
  "VM.Config.Disk",
  "VM.Config.HWType",
  "VM.Config.Memory",
  "VM.Config.Network",
  "VM.Config.Options",
  "VM.Console",
  "VM.PowerMgmt",
];

/**
 * Whether `perms` grants `priv` on `path`. The API lists the effective
 * privileges of each path that has an ACL, so the nearest listed path
 * decides: the path itself, or a parent whose privilege propagates (1).
 */
export function hasPrivilege(perms: PvePermissions, path: string, priv: string): boolean {
  const parts = path.split("/").filter(Boolean);
  for (let i = parts.length; i >= 0; i--) {
    const entry = perms[`/${parts.slice(0, i).join("/")}`];
    if (entry) return priv in entry && (i === parts.length || entry[priv] === 1);
  }
  return false;
}

export interface PreflightResult {
  readonly endpoint: string;
  readonly key: string;
  /** What was checked, for the summary line. */
  readonly checked: string;
  readonly problems: readonly string[];
  readonly warnings: readonly string[];
}

/** The privileges README's role grants, as one pveum line per path (the fix for a missing one). */
const ROLE_FIX = "grant the role of the README's prerequisites (pveum role add AggriK8s ...; pveum acl modify <path> -user <user> -role AggriK8s)";

/** Runs every check of one endpoint; an unreachable endpoint is one problem, the rest is not asked. */
export async function preflightEndpoint(needs: EndpointNeeds, get: ProxmoxGet, isoTransfer: MeshConfig["proxmox"]["isoTransfer"]): Promise<PreflightResult> {
  const { connection } = needs;
  const where = connection.key === "default" ? "proxmox.endpoint" : `proxmox.hosts.${connection.key}`;
  const problems: string[] = [];
  const warnings: string[] = [];
  const result = (checked: string) => ({ endpoint: connection.endpoint, key: connection.key, checked, problems, warnings });

  let version: { version?: string; release?: string };
  try {
    version = (await get("/version")) as typeof version;
  } catch (e) {
    const status = e instanceof ProxmoxApiError ? e.status : undefined;
    const msg = e instanceof Error ? e.message : String(e);
    problems.push(
      status === 401
        ? `${where}: ${connection.endpoint} refused the API token (401). Fix: check the token (user@realm!id=secret) in the variable the config names, and that it has not expired`
        : /certificate|self.signed|CERT_|unable to verify/i.test(msg)
          ? `${where}: ${connection.endpoint}: TLS verification failed (${msg}). Fix: give Proxmox a certificate your machine trusts (or export NODE_EXTRA_CA_CERTS=<your CA file> for this check); insecure: true turns verification off`
          : `${where}: ${connection.endpoint} not reachable: ${msg}. Fix: check the URL (https://host:8006/) and that this machine reaches it`,
    );
    return result("not reachable");
  }
  const major = Number((version.release ?? version.version ?? "0").split(".")[0]);

  // Each read on its own: one failing says why and the others still run.
  const read = async <T>(path: string, what: string): Promise<T | undefined> => {
    try {
      return (await get(path)) as T;
    } catch (e) {
      const status = e instanceof ProxmoxApiError ? e.status : undefined;
      problems.push(`${where}: reading ${what} failed (${e instanceof Error ? e.message : String(e)}). Fix: ${status === 403 ? ROLE_FIX : "see the message"}`);
      return undefined;
    }
  };

  const nodes = await read<PveNode[]>("/nodes", "the node list");
  const known = new Map((nodes ?? []).map((n) => [n.node, n]));
  const present: NodeNeeds[] = [];
  for (const need of needs.nodes) {
    const n = known.get(need.node);
    if (!nodes) continue;
    if (!n)
      problems.push(
        `${where}: Proxmox node "${need.node}" is not behind ${connection.endpoint} (it has: ${[...known.keys()].sort().join(", ") || "none"}). Fix: write proxmoxNode as Proxmox names the node, or add it under proxmox.hosts with its own endpoint`,
      );
    else {
      if (n.status !== undefined && n.status !== "online")
        problems.push(`${where}: Proxmox node "${need.node}" is ${n.status}. Fix: bring it online before deploying`);
      present.push(need);
    }
  }

  for (const need of present) {
    const storage = await read<PveStorage[]>(`/nodes/${encodeURIComponent(need.node)}/storage`, `node ${need.node}'s datastores`);
    if (storage) {
      const byId = new Map(storage.map((s) => [s.storage, s]));
      const usable = (s: PveStorage) => s.enabled !== 0 && s.active !== 0;
      const content = (s: PveStorage) => (s.content ?? "").split(",").filter(Boolean);
      for (const [ds, paths] of need.datastores) {
        const s = byId.get(ds);
        // Each config field that names it: each is a place to fix.
        for (const at of [...new Set(paths)]) {
          if (!s)
            problems.push(
              `${at}: datastore "${ds}" is not on Proxmox node ${need.node} (or the token cannot see it: Datastore.Audit). Fix: name one of ${[...byId.keys()].sort().join(", ") || "none visible"}, or grant Datastore.Audit on /storage`,
            );
          else if (!usable(s))
            problems.push(`${at}: datastore "${ds}" on ${need.node} is not active. Fix: enable it (pvesm set ${ds} --disable 0) or pick another`);
          else if (!content(s).includes("images"))
            problems.push(
              `${at}: datastore "${ds}" on ${need.node} does not take VM disks (content: ${content(s).join(",") || "none"}). Fix: pvesm set ${ds} --content ${[...content(s), "images"].join(",")}, or pick a datastore with content images`,
            );
        }
      }
      const iso = byId.get(need.isoDatastore);
      const isoPath = connection.key === "default" ? "proxmox.isoDatastore" : `proxmox.hosts.${connection.key}.isoDatastore`;
      if (!iso)
        problems.push(
          `${isoPath}: ISO datastore "${need.isoDatastore}" is not on Proxmox node ${need.node}. Fix: set isoDatastore to one of ${
            [...byId.values()]
              .filter((s) => content(s).includes("iso"))
              .map((s) => s.storage)
              .sort()
              .join(", ") || "(none takes iso)"
          }`,
        );
      else if (!usable(iso)) problems.push(`${isoPath}: ISO datastore "${need.isoDatastore}" on ${need.node} is not active. Fix: enable it or pick another`);
      else if (!content(iso).includes("iso"))
        problems.push(
          `${isoPath}: datastore "${need.isoDatastore}" on ${need.node} does not take ISO images (content: ${content(iso).join(",") || "none"}). Fix: pvesm set ${need.isoDatastore} --content ${[...content(iso), "iso"].join(",")}, or set isoDatastore to a datastore with content iso`,
        );
    }

    const network = await read<PveIface[]>(`/nodes/${encodeURIComponent(need.node)}/network`, `node ${need.node}'s network`);
    if (network) {
      const bridges = new Map(network.filter((i) => i.type === "bridge" || i.type === "OVSBridge").map((i) => [i.iface, i]));
      for (const [br, uses] of need.bridges) {
        const b = bridges.get(br);
        if (!b) {
          problems.push(
            `${uses[0].path}.bridge: bridge "${br}" is not on Proxmox node ${need.node} (bridges there: ${[...bridges.keys()].sort().join(", ") || "none"}). Fix: name one of them, or create it on ${need.node}`,
          );
          continue;
        }
        if (b.active === 0) problems.push(`${uses[0].path}.bridge: bridge "${br}" on ${need.node} is not active. Fix: ifreload -a on ${need.node}`);
        const tagged = uses.find((u) => u.vlan !== undefined);
        if (tagged && b.type === "bridge" && b.bridge_vlan_aware !== 1)
          problems.push(
            `${tagged.path}.vlanId: bridge "${br}" on ${need.node} is not VLAN-aware, so VLAN ${tagged.vlan} cannot be tagged on it. Fix: tick "VLAN aware" on ${br} (bridge-vlan-aware yes in /etc/network/interfaces) and ifreload -a, or drop vlanId`,
          );
      }
    }
  }

  const resources = await read<PveResource[]>("/cluster/resources?type=vm", "the VM list");
  if (resources) {
    const byId = new Map(resources.filter((r) => r.vmid !== undefined).map((r) => [r.vmid as number, r]));
    for (const vm of needs.vms) {
      const other = byId.get(vm.vmId);
      if (other && !(other.name === vm.name && other.node === vm.node))
        problems.push(
          `${vm.path}.vmId: VM id ${vm.vmId} is taken by ${other.type ?? "guest"} "${other.name ?? "?"}" on ${other.node ?? "?"}. Fix: give ${vm.name} a free id (pvesh get /cluster/nextid suggests one)`,
        );
    }
  }

  const perms = await read<PvePermissions>("/access/permissions", "the token's permissions");
  if (perms) {
    const missing = new Map<string, string[]>();
    const need = (path: string, privs: readonly string[]) => {
      const lacking = privs.filter((p) => !hasPrivilege(perms, path, p));
      if (lacking.length) missing.set(path, [...new Set([...(missing.get(path) ?? []), ...lacking])]);
    };
    for (const vm of needs.vms) need(`/vms/${vm.vmId}`, [...VM_PRIVILEGES, ...(major >= 9 ? ["VM.GuestAgent.Audit"] : [])]);
    for (const n of present) {
      for (const ds of n.datastores.keys()) need(`/storage/${ds}`, ["Datastore.AllocateSpace", "Datastore.Audit"]);
      need(`/storage/${n.isoDatastore}`, ["Datastore.AllocateTemplate", "Datastore.Audit"]);
      need(`/nodes/${n.node}`, ["Sys.Audit", ...(isoTransfer === "download" ? ["Sys.Modify"] : [])]);
      for (const br of n.bridges.keys()) need(`/sdn/zones/localnetwork/${br}`, ["SDN.Use"]);
    }
    // One line per path, in a stable order; VMs collapsed when they lack the same.
    const vmLacks = [...missing].filter(([p]) => p.startsWith("/vms/"));
    if (vmLacks.length)
      problems.push(
        `${where}: the token lacks ${vmLacks[0][1].join(", ")} on ${vmLacks.map(([p]) => p).join(", ")}. Fix: pveum acl modify /vms -user <user> -role AggriK8s (${ROLE_FIX})`,
      );
    for (const [p, privs] of [...missing].filter(([q]) => !q.startsWith("/vms/")).sort(([a], [b]) => a.localeCompare(b)))
      problems.push(
        `${where}: the token lacks ${privs.join(", ")} on ${p}.${p.startsWith("/nodes/") && privs.includes("Sys.Modify") ? " (Sys.Audit and Sys.Modify are for the ISO download's URL query; proxmox.isoTransfer: upload needs neither.)" : ""} Fix: pveum acl modify /${p.split("/")[1]}${p.startsWith("/sdn") ? "/zones" : ""} -user <user> -role AggriK8s (${ROLE_FIX})`,
      );
  }
  return result(`${needs.nodes.length} node${needs.nodes.length === 1 ? "" : "s"}, ${needs.vms.length} VM id${needs.vms.length === 1 ? "" : "s"}`);
}

export interface PreflightOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where the report goes, a line at a time. */
  readonly out: (line: string) => void;
  /** Per request. @default 10000 */
  readonly timeoutMs?: number;
  /** Stand-in for tests. @default - proxmoxGet */
  readonly client?: (c: ProxmoxConnection, token: string) => ProxmoxGet;
}

/**
 * Checks every endpoint of the config at once and prints one line per
 * endpoint, then each problem with its fix and each warning. Returns the
 * number of problems (0: go ahead).
 */
export async function runPreflight(config: MeshConfig, options: PreflightOptions): Promise<number> {
  const results = await Promise.all(
    endpointNeeds(config).map(async (needs): Promise<PreflightResult> => {
      const c = needs.connection;
      const ref = c.apiToken;
      const token = "env" in ref ? options.env[ref.env] : undefined;
      if (!token) {
        const why =
          "env" in ref
            ? `${ref.env} is not set. Fix: export ${ref.env}='user@realm!id=<secret>'`
            : `the token is {doppler: ${ref.doppler}}, which preflight does not read. Fix: export it for the check (export ${ref.doppler}=...) and name it {env: ${ref.doppler}}, or run deploy with --skip-preflight`;
        return { endpoint: c.endpoint, key: c.key, checked: "not checked", problems: [`the API token of ${c.endpoint}: ${why}`], warnings: [] };
      }
      const get = options.client ? options.client(c, token) : proxmoxGet(c.endpoint, token, c.insecure, options.timeoutMs);
      return preflightEndpoint(needs, get, config.proxmox.isoTransfer);
    }),
  );
  let problems = 0;
  for (const r of results) {
    options.out(
      `preflight: ${r.endpoint}${r.key === "default" ? "" : ` (${r.key})`}: ${r.problems.length ? `${r.problems.length} problem${r.problems.length === 1 ? "" : "s"}` : "ok"} (${r.checked})`,
    );
    for (const p of r.problems) options.out(`  - ${p}`);
    for (const w of r.warnings) options.out(`  warning: ${w}`);
    problems += r.problems.length;
  }
  options.out(
    problems
      ? `preflight: ${problems} problem${problems === 1 ? "" : "s"} on ${results.filter((r) => r.problems.length).length} of ${results.length} Proxmox endpoint${results.length === 1 ? "" : "s"}; nothing was changed`
      : `preflight: ${results.length} Proxmox endpoint${results.length === 1 ? "" : "s"} ready`,
  );
  return problems;
}
