/**
 * Rules that span fields or clusters, run after the schema has accepted each
 * field on its own. Each rule adds problems (errors) or warnings; all run, so
 * one synth reports everything wrong at once.
 */
import ipaddr from "ipaddr.js";
import { Problem } from "../errors";
import { capacityFindings } from "../platform/capacity";
import { BUILTIN_NAMESPACES, UNMANAGED_NAMESPACES } from "../platform/namespaces";
import { QEMU_GUEST_AGENT } from "../talos/factory";
import { CILIUM_KUBERNETES_TESTED, TALOS_KUBERNETES, inRange, minorOf } from "./compat";
import { ClusterConfig, MeshConfig, NodeConfig } from "./schema";
import { secretRefs } from "./secret-refs";

/** Talos system requirements: https://www.talos.dev/v1.12/introduction/system-requirements/ */
export const RESOURCE_LIMITS = {
  controlPlane: { minimum: { cores: 2, memoryGiB: 2 }, recommended: { cores: 4, memoryGiB: 4 } },
  worker: { minimum: { cores: 1, memoryGiB: 1 }, recommended: { cores: 2, memoryGiB: 2 } },
} as const;

export interface RuleFindings {
  readonly problems: Problem[];
  readonly warnings: Problem[];
}

interface PlacedNode {
  readonly node: NodeConfig;
  readonly path: string;
  readonly cluster: ClusterConfig;
}

/**
 * The config the rules read. A cluster that failed the schema is null: the
 * rules still run over the others (with their original indices), so one synth
 * reports schema and cross-field problems together.
 */
export type CheckableMesh = Omit<MeshConfig, "clusters"> & { readonly clusters: readonly (ClusterConfig | null)[] };

function nodesOf(config: CheckableMesh): PlacedNode[] {
  return config.clusters.flatMap((cluster, ci) =>
    cluster === null ? [] : (["controlPlane", "workers"] as const).flatMap((role) =>
      cluster[role].nodes.map((node, ni) => ({ node, cluster, path: `clusters[${ci}].${role}.nodes[${ni}]` })),
    ),
  );
}

/** Reports every value after its first use, naming where that first use was. */
function unique<T>(
  items: readonly T[],
  key: (t: T) => string | number | undefined,
  where: (t: T) => string,
  report: (t: T, first: T) => void,
): void {
  const seen = new Map<string | number, T>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const first = seen.get(k);
    if (first !== undefined && where(first) !== where(item)) report(item, first);
    else seen.set(k, item);
  }
}

interface Range {
  readonly path: string;
  readonly cidr: string;
  readonly net: [ipaddr.IPv4, number];
}

function overlaps(a: Range, b: Range): boolean {
  return a.net[0].match(b.net) || b.net[0].match(a.net);
}

function subnetFacts(cidr: string) {
  return {
    net: ipaddr.IPv4.parseCIDR(cidr),
    network: ipaddr.IPv4.networkAddressFromCIDR(cidr).toString(),
    broadcast: ipaddr.IPv4.broadcastAddressFromCIDR(cidr).toString(),
  };
}

export function checkMesh(config: CheckableMesh): RuleFindings {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const err = (path: string, message: string, fix: string) => problems.push({ path, message, fix });
  const warn = (path: string, message: string, fix: string) => warnings.push({ path, message, fix });
  const clusters = config.clusters.flatMap((c, i) => (c === null ? [] : [{ c, path: `clusters[${i}]` }]));
  const nodes = nodesOf(config);

  // Names and ids
  for (const { c, path } of clusters) {
    if (c.name === "default") {
      err(`${path}.name`, `cluster name "default" is reserved by Cilium`, "choose another name, e.g. talos-east");
    }
  }
  unique(clusters, (x) => x.c.name, (x) => x.path, (x, first) =>
    err(`${x.path}.name`, `cluster name "${x.c.name}" is already used by ${first.path}`, "give every cluster a unique name"));
  unique(clusters, (x) => x.c.id, (x) => x.path, (x, first) =>
    err(`${x.path}.id`, `cluster id ${x.c.id} is already used by ${first.path} (${first.c.name})`, "give every cluster a unique id from 1 to 255"));
  unique(nodes, (n) => n.node.name, (n) => n.path, (n, first) =>
    err(`${n.path}.name`, `node name "${n.node.name}" is already used by ${first.path}`, "give every node in the mesh a unique name (it is the hostname and the VM name)"));
  unique(nodes, (n) => n.node.vmId, (n) => n.path, (n, first) =>
    err(`${n.path}.vmId`, `vmId ${n.node.vmId} is already used by ${first.path}`, "give every VM in the mesh a unique Proxmox id"));
  unique(nodes, (n) => n.node.ip, (n) => n.path, (n, first) =>
    err(`${n.path}.ip`, `IP ${n.node.ip} is already used by ${first.path}`, "give every node in the mesh its own address"));

  // Address ranges: pod, service and node subnets must not overlap anywhere in the mesh.
  const ranges: Range[] = [];
  for (const { c, path } of clusters) {
    for (const field of ["nodeSubnet", "podSubnet", "serviceSubnet"] as const) {
      const cidr = c.network[field];
      const facts = subnetFacts(cidr);
      const p = `${path}.network.${field}`;
      if (facts.network !== cidr.split("/")[0]) {
        err(p, `${cidr} has host bits set`, `write the network address: ${facts.network}/${facts.net[1]}`);
        continue;
      }
      ranges.push({ path: p, cidr, net: facts.net });
    }
  }
  ranges.forEach((a, i) =>
    ranges.slice(0, i).forEach((b) => {
      if (overlaps(a, b)) err(a.path, `${a.cidr} overlaps ${b.path} (${b.cidr})`, "give every node, pod and service range in the mesh its own non-overlapping CIDR");
    }),
  );

  // Addresses inside each node subnet
  for (const { c, path } of clusters) {
    const { net, network, broadcast } = subnetFacts(c.network.nodeSubnet);
    const subnet = c.network.nodeSubnet;
    const reserved = new Map([[network, "the network address"], [broadcast, "the broadcast address"]]);
    const inSubnet = (ip: string) => ipaddr.IPv4.parse(ip).match(net);
    if (!inSubnet(c.network.gateway)) {
      err(`${path}.network.gateway`, `gateway ${c.network.gateway} is outside nodeSubnet ${subnet}`, "use the router address of the node subnet");
    } else if (reserved.has(c.network.gateway)) {
      err(`${path}.network.gateway`, `gateway ${c.network.gateway} is ${reserved.get(c.network.gateway)} of ${subnet}`, "use the router address of the node subnet");
    }
    reserved.set(c.network.gateway, "the gateway");
    for (const n of nodes.filter((n) => n.cluster === c)) {
      if (!inSubnet(n.node.ip)) {
        err(`${n.path}.ip`, `IP ${n.node.ip} is outside nodeSubnet ${subnet}`, `use an address inside ${subnet}`);
      } else if (reserved.has(n.node.ip)) {
        err(`${n.path}.ip`, `IP ${n.node.ip} is ${reserved.get(n.node.ip)} of ${subnet}`, "use a free host address of the node subnet");
      }
    }
    const vip = c.network.vip;
    if (vip !== undefined) {
      if (!inSubnet(vip)) {
        err(`${path}.network.vip`, `VIP ${vip} is outside nodeSubnet ${subnet}`, `use a free address inside ${subnet}`);
      } else if (reserved.has(vip)) {
        err(`${path}.network.vip`, `VIP ${vip} is ${reserved.get(vip)} of ${subnet}`, "use a free host address of the node subnet");
      } else {
        const owner = nodes.find((n) => n.node.ip === vip);
        if (owner) err(`${path}.network.vip`, `VIP ${vip} is the IP of ${owner.path}`, "use an address no node has: Talos moves the VIP between control planes");
      }
    }
  }

  // Cluster shape
  for (const { c, path } of clusters) {
    const cps = c.controlPlane.nodes.length;
    if (cps === 0 || cps % 2 === 0) {
      err(`${path}.controlPlane.nodes`, `${cps} control planes`, "use an odd number (1, 3 or 5) so etcd keeps quorum");
    }
    const workers = c.workers.nodes.length;
    const rook = c.platform.rookCeph;
    if (rook.enabled && workers === 0) {
      err(`${path}.platform.rookCeph.enabled`, "rook-ceph is on but the cluster has no workers for its OSDs", "add workers, or set platform.rookCeph.enabled: false");
    } else if (rook.enabled && rook.replicas !== undefined && rook.replicas > workers) {
      err(`${path}.platform.rookCeph.replicas`, `replica count ${rook.replicas} is larger than the worker count ${workers}`, `use at most ${workers}, or add workers`);
    }
    unique(c.platform.extraReleases.map((r, i) => ({ r, p: `${path}.platform.extraReleases[${i}]` })), (x) => x.r.name, (x) => x.p, (x, first) =>
      err(`${x.p}.name`, `release name "${x.r.name}" is already used by ${first.p}`, "give every extra release in the cluster a unique name"));
  }

  // Namespaces of extra releases: one Pod Security level per namespace.
  for (const { c, path } of clusters) {
    const levels = new Map<string, { level: string; where: string }>(Object.entries(BUILTIN_NAMESPACES).map(([ns, level]) => [ns, { level, where: "a built-in component" }]));
    c.platform.extraReleases.forEach((r, i) => {
      const p = `${path}.platform.extraReleases[${i}].namespace`;
      if (UNMANAGED_NAMESPACES.includes(r.namespace)) {
        err(p, `namespace ${r.namespace} belongs to Kubernetes/Talos and is not relabelled`, "install the release into a namespace of its own");
        return;
      }
      const seen = levels.get(r.namespace);
      if (seen && seen.level !== r.podSecurity) {
        err(`${path}.platform.extraReleases[${i}].podSecurity`, `namespace ${r.namespace} is ${seen.level} for ${seen.where}, not ${r.podSecurity}`, `use podSecurity: ${seen.level}, or another namespace`);
      } else if (!seen) {
        levels.set(r.namespace, { level: r.podSecurity, where: `${path}.platform.extraReleases[${i}]` });
      }
    });
  }

  // Resources against the Talos minimums and recommendations: a pool-wide
  // value is reported once for the pool, a per-node override for that node.
  for (const { c, path } of clusters) {
    for (const role of ["controlPlane", "workers"] as const) {
      const pool = c[role];
      const limits = RESOURCE_LIMITS[role === "controlPlane" ? "controlPlane" : "worker"];
      const label = role === "controlPlane" ? "a control plane" : "a worker";
      for (const field of ["cores", "memoryGiB"] as const) {
        const unit = field === "cores" ? " cores" : " GiB";
        const groups = new Map<string, { value: number; names: string[] }>();
        pool.nodes.forEach((node, i) => {
          const own = node[field] !== undefined;
          const at = own ? `${path}.${role}.nodes[${i}].${field}` : `${path}.${role}.${field}`;
          const group = groups.get(at) ?? { value: node[field] ?? pool[field], names: [] };
          group.names.push(node.name);
          groups.set(at, group);
        });
        for (const [at, { value, names }] of groups) {
          const who = names.join(", ");
          if (value < limits.minimum[field]) {
            err(at, `${value}${unit} (${who}) is below the Talos minimum for ${label}, ${limits.minimum[field]}${unit}`, `give it at least ${limits.minimum[field]}${unit}`);
          } else if (value < limits.recommended[field]) {
            warn(at, `${value}${unit} (${who}) is below the Talos recommendation for ${label}, ${limits.recommended[field]}${unit}`, `give it ${limits.recommended[field]}${unit} for production`);
          }
        }
      }
    }
  }

  // Capacity: what the platform requests against what the nodes offer (lib/platform/capacity.ts).
  for (const { c, path } of clusters) {
    for (const f of capacityFindings(c)) {
      const at = /^control plane /.test(f.message) || c.workers.nodes.length === 0 ? `${path}.controlPlane.memoryGiB` : `${path}.workers.memoryGiB`;
      (f.level === "error" ? err : warn)(at, f.message, f.fix);
    }
  }

  // Versions
  const { talos, kubernetes, cilium } = config.versions;
  const k8s = minorOf(kubernetes);
  const talosRange = TALOS_KUBERNETES[minorOf(talos)];
  if (!talosRange) {
    err("versions.talos", `Talos ${talos} is not in the compatibility table (${Object.keys(TALOS_KUBERNETES).map((m) => `${m}.x`).join(", ")})`, "choose a Talos version from the table in docs/config.md, or extend lib/config/compat.ts from the Talos machinery sources");
  } else if (!inRange(k8s, talosRange)) {
    err("versions.kubernetes", `Kubernetes ${kubernetes} is outside what Talos ${talos} supports (${talosRange.min} - ${talosRange.max})`, `choose Kubernetes ${talosRange.min} to ${talosRange.max}, or another Talos version`);
  }
  const ciliumRange = CILIUM_KUBERNETES_TESTED[minorOf(cilium)];
  if (!ciliumRange) {
    err("versions.cilium", `Cilium ${cilium} is not in the compatibility table (${Object.keys(CILIUM_KUBERNETES_TESTED).map((m) => `${m}.x`).join(", ")})`, "choose a Cilium version from the table in docs/config.md");
  } else if (!inRange(k8s, ciliumRange)) {
    warn("versions.kubernetes", `Kubernetes ${kubernetes} is outside the versions Cilium ${cilium} is tested on (${ciliumRange.min} - ${ciliumRange.max})`, "prefer a tested pair");
  }

  // ClusterMesh
  unique(clusters, (x) => x.c.clustermesh.nodePort, (x) => x.path, (x, first) =>
    err(`${x.path}.clustermesh.nodePort`, `nodePort ${x.c.clustermesh.nodePort} is already used by ${first.path} (${first.c.name})`, "give every cluster's clustermesh-apiserver its own NodePort, so peers and firewall rules can tell them apart"));

  for (const { c, path } of clusters) {
    if (!c.talos.extensions.includes(QEMU_GUEST_AGENT)) {
      warn(`${path}.talos.extensions`, `no ${QEMU_GUEST_AGENT}: the VMs run without the QEMU guest agent, so Proxmox can neither shut them down cleanly nor show their addresses`, `add ${QEMU_GUEST_AGENT}`);
    }
  }

  // Secrets and TLS
  if (config.proxmox.insecure) {
    warn("proxmox.insecure", "TLS verification of the Proxmox API is off", "give Proxmox a trusted certificate and remove insecure");
  }
  if (!config.doppler.enabled) {
    for (const { path } of secretRefs(config).filter((r) => "doppler" in r.ref)) {
      err(path, "refers to a Doppler secret but doppler.enabled is false", "set doppler.enabled: true (with project and config), or use {env: NAME}");
    }
  }
  return { problems, warnings };
}
