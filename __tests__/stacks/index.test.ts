// The binding layer: each derivation from the config, in its one place.
import { MeshConfig } from "../../lib/config/schema";
import { proxmoxConnection } from "../../lib/proxmox/connections";
import {
  chartSourceOf,
  ciliumProps,
  clusterEndpoint,
  credentialsProps,
  meshCaProps,
  meshCredentialsProps,
  meshPeers,
  pkiDestroyAllowed,
  platformProps,
  talosProps,
  vmsProps,
} from "../../stacks";
import { FIXTURE_NAMES, fixtureConfig } from "../fixtures";
import { resolvedConfig, threeClusterConfig } from "../helpers";

/** Every props function of the binding layer, on each cluster of a config (the mesh kinds once). */
function everyBinding(config: MeshConfig): Record<string, object> {
  const perCluster = config.clusters.flatMap((c) =>
    Object.entries({
      vms: vmsProps(config, c),
      talos: talosProps(config, c),
      cilium: ciliumProps(config, c),
      platform: platformProps(config, c),
      credentials: credentialsProps(config),
    }).map(([kind, props]) => [`${c.name}-${kind}`, props] as const),
  );
  return Object.fromEntries([...perCluster, ["mesh-ca", meshCaProps(config)], ["mesh-credentials", meshCredentialsProps(config)]]);
}

describe("binding layer", () => {
  it("the PKI-destroy flag: the cluster's own setting wins over the mesh's", () => {
    expect(pkiDestroyAllowed({ allowPkiDestroy: false }, {})).toBe(false);
    expect(pkiDestroyAllowed({ allowPkiDestroy: true }, {})).toBe(true);
    expect(pkiDestroyAllowed({ allowPkiDestroy: true }, { allowPkiDestroy: false })).toBe(false);
    expect(pkiDestroyAllowed({ allowPkiDestroy: false }, { allowPkiDestroy: true })).toBe(true);
  });

  it("the endpoint: the VIP, else the first control plane", () => {
    const config = resolvedConfig((c) => delete c.clusters[0].network!.vip);
    expect(clusterEndpoint(config.clusters[0])).toBe(`https://${config.clusters[0].controlPlane.nodes[0].ip}:6443`);
    expect(clusterEndpoint(resolvedConfig().clusters[0])).toBe(`https://${resolvedConfig().clusters[0].network.vip}:6443`);
  });

  it("peers: every other cluster, none of this one", () => {
    const three = threeClusterConfig();
    expect(meshPeers(three, "talos-west").map((p) => p.name)).toEqual(["talos-east", "talos-edge"]);
  });

  it("a NodePort peer: every node of the other cluster but a leaving one, at its node port", () => {
    const config = resolvedConfig((c) => (c.clusters[0].workers!.nodes![0].leaving = true));
    const east = config.clusters[0];
    const [leaving, ...stayingWorkers] = east.workers.nodes;
    const [peer] = meshPeers(config, config.clusters[1].name);
    expect(peer).toEqual({
      name: east.name,
      ips: [...east.controlPlane.nodes, ...stayingWorkers].map((n) => n.ip),
      port: east.clustermesh.nodePort,
    });
    expect(peer.ips).not.toContain(leaving.ip);
  });

  it("VMs: each node's cores and memory resolved from its pool, a Ceph disk on workers only with Rook on", () => {
    const config = resolvedConfig((c) => {
      c.clusters[0].workers!.nodes![0].cores = 7;
      c.clusters[0].platform = { rookCeph: { enabled: true } };
    });
    const cluster = config.clusters[0];
    const props = vmsProps(config, cluster);
    expect(props.workers.nodes[0].cores).toBe(7);
    expect(props.workers.nodes[1].cores).toBe(cluster.workers.cores);
    expect(props.workers.nodes[1].memoryGiB).toBe(cluster.workers.memoryGiB);
    expect(props.workers.extraDisksGiB).toEqual([cluster.workers.cephDiskSizeGiB]);
    expect(props.controlPlanes.extraDisksGiB).toEqual([]);
    const off = resolvedConfig((c) => (c.clusters[0].platform = { rookCeph: { enabled: false } }));
    expect(vmsProps(off, off.clusters[0]).workers.extraDisksGiB).toEqual([]);
  });

  it("the health gates: the cluster's own setting wins over the mesh's, the same in its Talos and Cilium stacks", () => {
    for (const mesh of [true, false])
      for (const own of [undefined, true, false]) {
        const config = resolvedConfig((c) => {
          c.healthGates = mesh;
          if (own !== undefined) c.clusters[0].healthGates = own;
        });
        const [edited, other] = config.clusters;
        const gates = { talos: talosProps(config, edited).healthGates, cilium: ciliumProps(config, edited).healthGates };
        expect({ mesh, own, gates }).toEqual({ mesh, own, gates: { talos: own ?? mesh, cilium: own ?? mesh } });
        // Another cluster keeps the mesh's setting.
        expect([talosProps(config, other).healthGates, ciliumProps(config, other).healthGates]).toEqual([mesh, mesh]);
      }
  });

  it("the PKI-destroy flag reaches the Talos secrets per cluster, the mesh CA from the mesh's setting only", () => {
    const config = resolvedConfig((c) => {
      c.allowPkiDestroy = true;
      c.clusters[1].allowPkiDestroy = false;
    });
    expect(config.clusters.map((c) => talosProps(config, c).preventSecretsDestroy)).toEqual([false, true]);
    expect(meshCaProps(config).allowDestroy).toBe(true);
    const closed = resolvedConfig((c) => (c.clusters[0].allowPkiDestroy = true));
    expect(closed.clusters.map((c) => talosProps(closed, c).preventSecretsDestroy)).toEqual([false, true]);
    expect(meshCaProps(closed).allowDestroy).toBe(false);
  });

  it("clustermesh-apiserver replicas: two from two workers on, else one", () => {
    const three = threeClusterConfig();
    const east = three.clusters[0];
    const expected = [1, 1, 2, 2];
    expect(east.workers.nodes.length).toBeGreaterThanOrEqual(expected.length - 1);
    const replicas = expected.map((_, n) => {
      const cluster = { ...east, workers: { ...east.workers, nodes: east.workers.nodes.slice(0, n) } };
      return ciliumProps({ ...three, clusters: [cluster, ...three.clusters.slice(1)] }, cluster).apiserverReplicas;
    });
    expect(replicas).toEqual(expected);
  });

  it("the mesh CA signs for every cluster, and each cluster's peers are exactly the others it signs for", () => {
    for (const name of FIXTURE_NAMES) {
      const config = fixtureConfig(name);
      const signed = meshCaProps(config).clusters ?? [];
      expect(signed).toHaveLength(config.clusters.length);
      for (const c of config.clusters) {
        const peers = ciliumProps(config, c).peers.map((p) => p.name);
        expect({ fixture: name, cluster: c.name, peers: [...peers, c.name].sort() }).toEqual({ fixture: name, cluster: c.name, peers: [...signed].sort() });
      }
    }
  });

  it("the platform's Proxmox APIs: one per API serving a node of the cluster; its charts come from where Cilium's do", () => {
    for (const name of FIXTURE_NAMES) {
      const config = fixtureConfig(name);
      for (const c of config.clusters) {
        const props = platformProps(config, c);
        const serving = new Set([...c.controlPlane.nodes, ...c.workers.nodes].map((n) => proxmoxConnection(config.proxmox, n.proxmoxNode)?.key));
        serving.delete(undefined);
        expect({ fixture: name, cluster: c.name, apis: (props.proxmox ?? []).map((a) => a.key).sort() }).toEqual({
          fixture: name,
          cluster: c.name,
          apis: [...serving].sort(),
        });
        expect(props.chartSource).toEqual(ciliumProps(config, c).chartSource);
      }
    }
    const oci = resolvedConfig((c) => (c.charts = { source: "oci", registry: "oci://harbor.lab.internal/charts" }));
    expect(platformProps(oci, oci.clusters[0]).chartSource).toEqual(chartSourceOf(oci.charts));
    expect(platformProps(oci, oci.clusters[0]).chartSource).toEqual({ kind: "oci", registry: "oci://harbor.lab.internal/charts" });
  });

  it("the credentials stacks write where the config says", () => {
    const config = resolvedConfig((c) => (c.credentials = { dir: "elsewhere" }));
    expect([credentialsProps(config).dir, meshCredentialsProps(config).dir]).toEqual(["elsewhere", "elsewhere"]);
  });

  it("are the config's values only: none holds the shared props or a cross-stack reference (a token)", () => {
    const rootOwned = ["state", "allowInsecureTls", "doppler", "credentials", "clustermeshTls", "talos", "talosconfig"];
    for (const name of FIXTURE_NAMES) {
      const config = fixtureConfig(name);
      for (const [stack, props] of Object.entries(everyBinding(config))) {
        expect({ fixture: name, stack, keys: Object.keys(props).filter((k) => rootOwned.includes(k)) }).toEqual({ fixture: name, stack, keys: [] });
        expect({ fixture: name, stack, tokens: JSON.stringify(props).match(/\$\{|TOKEN\[/g) }).toEqual({ fixture: name, stack, tokens: null });
      }
    }
  });
});
