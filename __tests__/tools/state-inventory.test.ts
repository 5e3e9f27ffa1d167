import * as fs from "fs";
import * as path from "path";
import { localStates, orphanWarning, orphanedStates, storedStates } from "../../tools/state-inventory";
import { scratchDir } from "../helpers";

describe("state inventory", () => {
  it("lists the local backend's state files, and nothing for a directory not yet made", async () => {
    const dir = scratchDir();
    for (const f of ["mesh-ca.tfstate", "talos-north-vms.tfstate", "mesh-ca.tfstate.backup", "notes.txt"]) fs.writeFileSync(path.join(dir, f), "{}");
    expect(localStates(dir)).toEqual([
      { where: path.join(dir, "mesh-ca.tfstate"), stack: "mesh-ca" },
      { where: path.join(dir, "talos-north-vms.tfstate"), stack: "talos-north-vms" },
    ]);
    expect(await storedStates({ backend: "local", dir }, {})).toEqual(localStates(dir));
    expect(localStates(path.join(dir, "absent"))).toEqual([]);
  });

  it("names only the states whose stack the config lacks, matching pg schema names (dashes as underscores)", () => {
    const stored = [
      { where: "schema aggrik8s_mesh_ca", stack: "mesh_ca" },
      { where: "schema aggrik8s_talos_north_vms", stack: "talos_north_vms" },
      { where: "s3://b/aggrik8s/talos-east-vms.tfstate", stack: "talos-east-vms" },
    ];
    expect(orphanedStates(stored, ["mesh-ca", "talos-east-vms"]).map((s) => s.stack)).toEqual(["talos_north_vms"]);
    expect(orphanedStates(stored, ["mesh-ca", "talos-east-vms", "talos-north-vms"])).toEqual([]);
  });

  it("says where the state is, why it matters and the two fixes", () => {
    expect(orphanWarning({ where: "schema aggrik8s_talos_north_vms", stack: "talos_north_vms" })).toBe(
      "schema aggrik8s_talos_north_vms: stack talos_north_vms has state but is no longer in the config, so nothing manages what it deployed. Fix: put its cluster back and run npm run destroy -- --cluster <name>, or remove that state if those resources are gone (docs/operations.md: removing a cluster)",
    );
  });
});
