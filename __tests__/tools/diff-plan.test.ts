import { diffPlan, remoteStateReads } from "../../tools/diff-plan";

const STACKS = [
  { name: "talos-east-cilium", dependencies: ["mesh-ca", "talos-east-talos"] },
  { name: "mesh-ca", dependencies: [] },
  { name: "talos-east-talos", dependencies: ["talos-east-vms"] },
  { name: "talos-east-vms", dependencies: [] },
];

describe("diff plan", () => {
  it("diffs every stack in dependency order once everything is deployed", () => {
    expect(diffPlan(STACKS, ["*"], () => true)).toEqual({ ready: ["mesh-ca", "talos-east-vms", "talos-east-talos", "talos-east-cilium"], waiting: [] });
  });

  it("in a fresh environment diffs the roots and names what waits on which undeployed upstream", () => {
    expect(diffPlan(STACKS, ["*"], () => false)).toEqual({
      ready: ["mesh-ca", "talos-east-vms"],
      waiting: [
        { stack: "talos-east-talos", upstream: ["talos-east-vms"] },
        { stack: "talos-east-cilium", upstream: ["mesh-ca", "talos-east-talos"] },
      ],
    });
  });

  it("plans a stack whose upstream is only an ordering dependency: only remote-state reads make it wait", () => {
    const stacks = STACKS.map((s) => ({ ...s, reads: s.name === "talos-east-talos" ? [] : s.dependencies }));
    expect(diffPlan(stacks, ["*"], () => false)).toEqual({
      ready: ["mesh-ca", "talos-east-vms", "talos-east-talos"],
      waiting: [{ stack: "talos-east-cilium", upstream: ["mesh-ca", "talos-east-talos"] }],
    });
  });

  it("reads the upstreams from a stack's cross-stack remote state", () => {
    const json = {
      data: { terraform_remote_state: { "cross-stack-reference-input-talos-east-talos": {}, "cross-stack-reference-input-mesh-ca": {}, other: {} } },
    };
    expect(remoteStateReads(json)).toEqual(["mesh-ca", "talos-east-talos"]);
    expect(remoteStateReads({})).toEqual([]);
  });

  it("assumes deployed when the backend cannot tell, and honours a selection", () => {
    expect(diffPlan(STACKS, ["talos-east-cilium"], () => undefined)).toEqual({ ready: ["talos-east-cilium"], waiting: [] });
  });
});
