import { REGION_LABEL, ZONE_LABEL, topologyProblems } from "../../proofs/lib/topology";

// The Talos proof's topology check (proofs/talos.ts): it must pass what the plugin needs and report each way it can be wrong.
describe("the Talos proof's CSI topology check", () => {
  const vmNodeOf = { "red-cp-1": "pve-a", "red-w-1": "pve-b" };
  const csi = { regions: ["pve-a", "pve-b"] };
  const labelled = {
    "red-cp-1": { [REGION_LABEL]: "pve-a", [ZONE_LABEL]: "pve-a" },
    "red-w-1": { [REGION_LABEL]: "pve-b", [ZONE_LABEL]: "pve-b" },
  };

  it("passes each node in one of the plugin's regions, zoned on its VM's Proxmox node; and unlabelled nodes without the plugin", () => {
    expect(topologyProblems(labelled, csi, vmNodeOf)).toEqual([]);
    expect(topologyProblems({ "red-cp-1": {}, "red-w-1": { other: "x" } }, undefined, vmNodeOf)).toEqual([]);
  });

  it("reports a region the plugin has no API for, a missing region, a zone that is not the VM's node, labels without the plugin", () => {
    expect(
      topologyProblems({ "red-cp-1": { [REGION_LABEL]: "canary-no-such-region", [ZONE_LABEL]: "pve-a" }, "red-w-1": { [ZONE_LABEL]: "pve-a" } }, csi, vmNodeOf),
    ).toEqual([
      'red-cp-1: region "canary-no-such-region" is none of the plugin\'s (pve-a, pve-b)',
      "red-w-1: region undefined is none of the plugin's (pve-a, pve-b)",
      'red-w-1: zone "pve-a", but its VM is on pve-b',
    ]);
    expect(topologyProblems(labelled, undefined, vmNodeOf)).toEqual([
      'red-cp-1: topology labels without the Proxmox CSI plugin: {"topology.kubernetes.io/region":"pve-a","topology.kubernetes.io/zone":"pve-a"}',
      'red-w-1: topology labels without the Proxmox CSI plugin: {"topology.kubernetes.io/region":"pve-b","topology.kubernetes.io/zone":"pve-b"}',
    ]);
  });
});
