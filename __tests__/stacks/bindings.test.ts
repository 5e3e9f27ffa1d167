// The binding layer: each derivation from the config, in its one place.
import { clusterEndpoint, meshPeers, pkiDestroyAllowed, vmsProps } from "../../stacks/bindings";
import { resolvedConfig, threeClusterConfig } from "../helpers";

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
});
