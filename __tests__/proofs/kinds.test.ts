import { withKinds } from "../../proofs/lib/proof";

describe("the proofs read each stack's kind and cluster from the registry (proofs/lib/proof.ts withKinds)", () => {
  it("exactly: a cluster named like a kind, one whose name starts like another's, mesh-wide stacks", () => {
    const names = ["mesh-ca", "east-vms", "east-2-vms", "east-2-cilium", "talos-talos", "talos-cilium", "mesh-credentials"];
    const kinded = withKinds(
      names.map((name) => ({ name })),
      ["east", "east-2", "talos"],
    );
    expect(kinded.map((s) => [s.name, s.kind, s.cluster])).toEqual([
      ["mesh-ca", "mesh-ca", undefined],
      ["east-vms", "vms", "east"],
      // A prefix match took east-2's stacks for east's.
      ["east-2-vms", "vms", "east-2"],
      ["east-2-cilium", "cilium", "east-2"],
      ["talos-talos", "talos", "talos"],
      // A cluster named like a kind: its Cilium stack is a Cilium stack of cluster talos.
      ["talos-cilium", "cilium", "talos"],
      ["mesh-credentials", "mesh-credentials", undefined],
    ]);
  });

  it("refuses a stack of no cluster of the mesh, though its name ends like a kind", () => {
    expect(() => withKinds([{ name: "west-talos" }], ["east"])).toThrow("stack west-talos is of no stack kind of stacks/naming.ts for the clusters east");
  });
});
