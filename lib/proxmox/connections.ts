/**
 * Which Proxmox API serves which Proxmox node: the node's own entry under
 * `proxmox.hosts` (a standalone host), else the mesh default
 * `proxmox.endpoint` (a PVE cluster answers for every node in it). No cdktf
 * here, so the config rules and the preflight read it too.
 */
import type { ProxmoxConfig } from "../config/schema";
import type { SecretRef } from "../config/schema-parts";

/** One Proxmox API and what to reach it with. */
export interface ProxmoxConnection {
  /** `default` for proxmox.endpoint, else the host's name under proxmox.hosts. */
  readonly key: string;
  readonly endpoint: string;
  readonly apiToken: SecretRef;
  readonly insecure: boolean;
  /** Datastore of the Talos ISO on the nodes behind this endpoint. */
  readonly isoDatastore: string;
}

/** Key of the mesh default endpoint. */
export const DEFAULT_CONNECTION = "default";

/** The API that serves `proxmoxNode`, or undefined when none does (a config rule refuses that). */
export function proxmoxConnection(proxmox: ProxmoxConfig, proxmoxNode: string): ProxmoxConnection | undefined {
  const host = Object.prototype.hasOwnProperty.call(proxmox.hosts, proxmoxNode) ? proxmox.hosts[proxmoxNode] : undefined;
  if (host)
    return {
      key: proxmoxNode,
      endpoint: host.endpoint,
      apiToken: host.apiToken ?? proxmox.apiToken,
      insecure: host.insecure ?? proxmox.insecure,
      isoDatastore: host.isoDatastore ?? proxmox.isoDatastore,
    };
  if (proxmox.endpoint === undefined) return undefined;
  return { key: DEFAULT_CONNECTION, endpoint: proxmox.endpoint, apiToken: proxmox.apiToken, insecure: proxmox.insecure, isoDatastore: proxmox.isoDatastore };
}

/** The distinct APIs that serve a cluster's nodes (none for a node no API serves). */
export function clusterConnections(
  proxmox: ProxmoxConfig,
  cluster: {
    readonly controlPlane: { readonly nodes: readonly { readonly proxmoxNode: string }[] };
    readonly workers: { readonly nodes: readonly { readonly proxmoxNode: string }[] };
  },
): ProxmoxConnection[] {
  const byKey = new Map<string, ProxmoxConnection>();
  for (const n of [...cluster.controlPlane.nodes, ...cluster.workers.nodes]) {
    const c = proxmoxConnection(proxmox, n.proxmoxNode);
    if (c && !byKey.has(c.key)) byKey.set(c.key, c);
  }
  return [...byKey.values()];
}

/** The API of a cluster whose nodes are all behind one, else undefined. */
export function onlyConnection(connections: readonly ProxmoxConnection[]): ProxmoxConnection | undefined {
  return connections.length === 1 ? connections[0] : undefined;
}
