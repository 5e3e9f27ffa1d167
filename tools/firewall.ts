/**
 * What each cluster must reach on every other for ClusterMesh, and what the
 * machine running the engine (the operator) must reach, derived from the
 * config so the README's table always matches the mesh.
 *
 * @see https://docs.cilium.io/en/stable/operations/system_requirements/#firewall-rules
 * @see https://docs.cilium.io/en/stable/network/clustermesh/clustermesh/
 */
import { lbIpam } from "../lib/cilium/lb-ipam";
import { CLUSTERMESH_APISERVER_PORT } from "../lib/cilium/mesh";
import { MeshConfig } from "../lib/config/schema";
import { KUBERNETES_API_PORT, apiServerHost } from "../lib/talos/cluster";

/** Cilium's tunnel (VXLAN, the default routing mode). */
export const VXLAN_PORT = 8472;
/** Cilium's node-to-node health checks (plus ICMP echo). */
export const HEALTH_PORT = 4240;
/** Talos' API (apid), which the Talos stack talks to. */
export const TALOS_API_PORT = 50000;
export { KUBERNETES_API_PORT };
/** Hubble's server on every node, which Hubble Relay reads, the peers' nodes too (ClusterMesh). */
export const HUBBLE_SERVER_PORT = 4244;
/** Cilium's WireGuard tunnel (encryption.type wireguard). */
export const WIREGUARD_PORT = 51871;
export const BGP_PORT = 179;

export interface FirewallRule {
  readonly from: string;
  readonly to: string;
  readonly port: string;
  readonly why: string;
}

/** The config the table reads; `encryption` defaults to none. */
export type FirewallConfig = Pick<MeshConfig, "clusters"> & Partial<Pick<MeshConfig, "encryption">>;

export function firewallRules(config: FirewallConfig): FirewallRule[] {
  const wireguard = config.encryption?.type === "wireguard";
  const rules: FirewallRule[] = [];
  for (const from of config.clusters) {
    for (const to of config.clusters.filter((c) => c.name !== from.name)) {
      const src = `${from.name} nodes (${from.network.nodeSubnet})`;
      const dst = `${to.name} nodes (${to.network.nodeSubnet})`;
      rules.push(
        { from: src, to: dst, port: `${VXLAN_PORT}/udp`, why: "pod traffic between clusters (VXLAN)" },
        { from: src, to: dst, port: `${HEALTH_PORT}/tcp, ICMP echo`, why: "Cilium health checks" },
        to.clustermesh.serviceType === "LoadBalancer"
          ? {
              from: src,
              to: `${to.name} clustermesh-apiserver ${to.clustermesh.loadBalancerIP}`,
              port: `${CLUSTERMESH_APISERVER_PORT}/tcp`,
              why: `${to.name}'s clustermesh-apiserver (LoadBalancer)`,
            }
          : { from: src, to: dst, port: `${to.clustermesh.nodePort}/tcp`, why: `${to.name}'s clustermesh-apiserver (NodePort)` },
      );
      if (from.platform.hubble.enabled)
        rules.push({
          from: src,
          to: dst,
          port: `${HUBBLE_SERVER_PORT}/tcp`,
          why: `${from.name}'s Hubble Relay dials every node's Hubble server, peers' too (theirs verify only under a shared Hubble CA)`,
        });
      if (wireguard) rules.push({ from: src, to: dst, port: `${WIREGUARD_PORT}/udp`, why: "WireGuard: encrypted pod traffic between clusters" });
    }
  }
  for (const c of config.clusters) {
    for (const peer of lbIpam(c)?.announce === "bgp" ? (lbIpam(c)?.bgp?.peers ?? []) : [])
      rules.push({
        from: `${c.name} nodes (${c.network.nodeSubnet})`,
        to: `BGP peer ${peer.address}`,
        port: `${BGP_PORT}/tcp, both ways`,
        why: `BGP sessions: the router learns ${c.name}'s LoadBalancer pool`,
      });
  }
  for (const c of config.clusters) {
    const endpoint = apiServerHost(
      c.network.vip,
      c.controlPlane.nodes.map((n) => n.ip),
    );
    rules.push(
      {
        from: "the machine running the engine",
        to: `${c.name} nodes (${c.network.nodeSubnet})`,
        port: `${TALOS_API_PORT}/tcp`,
        why: "Talos API: config apply, bootstrap, health",
      },
      {
        from: "the machine running the engine",
        to: `${c.name} API endpoint ${endpoint}`,
        port: `${KUBERNETES_API_PORT}/tcp`,
        why: "Kubernetes API: Helm and kubernetes providers, kubectl",
      },
    );
  }
  return rules;
}

export function firewallMarkdown(config: FirewallConfig): string {
  return [
    "| from | to | port | why |",
    "| --- | --- | --- | --- |",
    ...firewallRules(config).map((r) => `| ${r.from} | ${r.to} | ${r.port} | ${r.why} |`),
  ].join("\n");
}
