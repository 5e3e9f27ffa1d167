/**
 * What every cross-field rule shares: the config it reads, how it reports,
 * and the helpers several use. One rule per file beside this one.
 */
import ipaddr from "ipaddr.js";
import { Problem } from "../../errors";
import { ClusterConfig, MeshConfig, NodeConfig } from "../schema";

/** Talos system requirements: https://www.talos.dev/v1.12/introduction/system-requirements/ */
export const RESOURCE_LIMITS = {
  controlPlane: { minimum: { cores: 2, memoryGiB: 2 }, recommended: { cores: 4, memoryGiB: 4 } },
  worker: { minimum: { cores: 1, memoryGiB: 1 }, recommended: { cores: 2, memoryGiB: 2 } },
} as const;

export interface RuleFindings {
  readonly problems: Problem[];
  readonly warnings: Problem[];
}

export interface PlacedNode {
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

export function nodesOf(config: CheckableMesh): PlacedNode[] {
  return config.clusters.flatMap((cluster, ci) =>
    cluster === null
      ? []
      : (["controlPlane", "workers"] as const).flatMap((role) =>
          cluster[role].nodes.map((node, ni) => ({ node, cluster, path: `clusters[${ci}].${role}.nodes[${ni}]` })),
        ),
  );
}

/** Reports every value after its first use, naming where that first use was. */
export function unique<T>(items: readonly T[], key: (t: T) => string | number | undefined, where: (t: T) => string, report: (t: T, first: T) => void): void {
  const seen = new Map<string | number, T>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const first = seen.get(k);
    if (first !== undefined && where(first) !== where(item)) report(item, first);
    else seen.set(k, item);
  }
}

export interface Range {
  readonly path: string;
  readonly cidr: string;
  readonly net: [ipaddr.IPv4, number];
}

export function overlaps(a: Range, b: Range): boolean {
  return a.net[0].match(b.net) || b.net[0].match(a.net);
}

export function subnetFacts(cidr: string) {
  return {
    net: ipaddr.IPv4.parseCIDR(cidr),
    network: ipaddr.IPv4.networkAddressFromCIDR(cidr).toString(),
    broadcast: ipaddr.IPv4.broadcastAddressFromCIDR(cidr).toString(),
  };
}

/** How a rule reports: an error stops synth, a warning is printed. */
export interface Report {
  err(path: string, message: string, fix: string): void;
  warn(path: string, message: string, fix: string): void;
}

/** A cross-field rule: reads the whole mesh, reports what is wrong. */
export type MeshRule = (config: CheckableMesh, report: Report) => void;

/** The clusters that passed the schema, with their config paths. */
export function clustersOf(config: CheckableMesh): { c: ClusterConfig; path: string }[] {
  return config.clusters.flatMap((c, i) => (c === null ? [] : [{ c, path: `clusters[${i}]` }]));
}
