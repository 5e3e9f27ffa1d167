/**
 * Which Proxmox API serves which Proxmox node: the node's own entry under
 * `proxmox.hosts` (a standalone host), else the mesh default
 * `proxmox.endpoint` (a PVE cluster answers for every node in it). No cdktf
 * here, so the config rules and the preflight read it too.
 */
import type { SecretRef } from "../schema-parts";

/** The environment variable the bpg/proxmox provider reads its API token from by itself (the config's default `proxmox.apiToken`). */
export const PROXMOX_TOKEN_ENV = "PROXMOX_VE_API_TOKEN";

/** Proxmox API access as the config's `proxmox` gives it (defaults filled in). */
export interface ProxmoxApis {
  /** The mesh default API, for every Proxmox node not under `hosts`. @default - none: `hosts` names every node */
  readonly endpoint?: string;
  readonly insecure: boolean;
  readonly apiToken: SecretRef;
  readonly isoDatastore: string;
  /** Proxmox nodes with their own API, by node name; each field left out is the mesh default's. */
  readonly hosts: Readonly<
    Record<string, { readonly endpoint: string; readonly apiToken?: SecretRef; readonly insecure?: boolean; readonly isoDatastore?: string }>
  >;
}

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
export function proxmoxConnection(proxmox: ProxmoxApis, proxmoxNode: string): ProxmoxConnection | undefined {
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
  proxmox: ProxmoxApis,
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
