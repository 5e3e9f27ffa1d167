/** A cluster's Kubernetes API endpoint (the one rule: the Talos stack, the docs' firewall table and the tools read it here) and its nodes as the Talos stack takes them. */
import { PropsError } from "../errors";
import { PatchDocument } from "./patches";

/** The Kubernetes API server's port, on every control plane and on the VIP. */
export const KUBERNETES_API_PORT = 6443;

/**
 * Where clients reach the Kubernetes API: the VIP, or without one the first
 * control plane (every control plane the config lists, leaving or not: the
 * address must not move while one leaves).
 */
export function apiServerHost(vip: string | undefined, controlPlaneIps: readonly string[]): string {
  const host = vip ?? controlPlaneIps[0];
  if (host === undefined)
    throw new PropsError({
      path: "controlPlane.nodes",
      message: "no VIP and no control plane: the Kubernetes API has no address",
      fix: "list at least one control plane, or set network.vip",
    });
  return host;
}

/** The Kubernetes API URL of a cluster, `https://<vip or first control plane>:6443`. */
export function apiServerUrl(vip: string | undefined, controlPlaneIps: readonly string[]): string {
  return `https://${apiServerHost(vip, controlPlaneIps)}:${KUBERNETES_API_PORT}`;
}

/** A node of the cluster and how to patch its machine config. */
export interface ClusterNode {
  readonly name: string;
  readonly ip: string;
  readonly role: "controlplane" | "worker";
  /** Its patch documents, given the installer image (known to the Talos stack). */
  readonly patches: (installerImage: string) => PatchDocument[];
  /**
   * What replaces its VM when it changes (the Proxmox VM id and node): the
   * Talos stack re-applies the node's config when it does. Known from the
   * config, so the Talos stack still plans before its VMs exist.
   */
  readonly vmIdentity: Readonly<Record<string, string>>;
}
