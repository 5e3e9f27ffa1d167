// The whole chain as cdktf deploys it: read back from manifest.json and the
// synthesized stacks, the way `cdktf deploy '*'` orders them.
import * as fs from "fs";
import * as path from "path";
import { criticalPath } from "../../tools/graph";
import { FixtureName, entryRun, fixture } from "../fixtures";
import { meshApp } from "../helpers";
import { meshStackNames } from "../../stacks/naming";

interface Manifest {
  stacks: Record<string, { name: string; dependencies: string[]; synthesizedStackPath: string }>;
}

function synthesized(name: FixtureName, warnings: string[]) {
  // The synth entry point's run on the fixture config, shared with the other test files of the run (fixtures.ts).
  const r = entryRun(name);
  expect(r.code).toBe(0);
  // Warnings by config path only (their exact messages: __tests__/lib/config/load.errors.test.ts).
  expect(r.stderr.map((l) => l.replace(/^warning: \S+:\d+:\d+: ([^:]+): .*$/, "warning: $1"))).toEqual(warnings);
  const manifest: Manifest = JSON.parse(fs.readFileSync(path.join(r.outdir, "manifest.json"), "utf8"));
  const json = (name: string) => JSON.parse(fs.readFileSync(path.join(r.outdir, manifest.stacks[name].synthesizedStackPath), "utf8"));
  /** Every stack deployed before `name`, following the manifest's dependencies. */
  const upstream = (name: string, seen = new Set<string>()): Set<string> => {
    for (const d of manifest.stacks[name].dependencies) if (!seen.has(d)) upstream(d, seen.add(d));
    return seen;
  };
  return { manifest, json, upstream };
}

describe.each([
  ["the embedded default mesh", "default", ["talos-east", "talos-west"], []],
  // talos-west runs Rook on 2 workers, so a single Ceph mon: said.
  ["examples/three-clusters.yaml", "three-clusters", ["talos-east", "talos-west", "talos-edge"], ["warning: clusters[1].platform.rookCeph"]],
])("the chain of %s", (_label, name, clusters, warnings) => {
  const { manifest, json, upstream } = synthesized(name as FixtureName, warnings as string[]);
  const names = Object.keys(manifest.stacks);

  it("has mesh-ca, every cluster's five stacks and mesh-credentials", () => {
    expect(names.sort()).toEqual(meshStackNames(clusters).sort());
  });

  it("deploys every kubeconfig before any helm or kubernetes provider that reads it", () => {
    const consumers = names.filter((n) => json(n).provider?.helm || json(n).provider?.kubernetes);
    expect(consumers.sort()).toEqual(clusters.flatMap((c) => [`${c}-cilium`, `${c}-platform`]).sort());
    for (const stack of consumers) {
      const cluster = clusters.find((c) => stack.startsWith(`${c}-`))!;
      const providers = json(stack).provider;
      const blocks = [...(providers.helm ?? []).map((h: any) => h.kubernetes), ...(providers.kubernetes ?? [])];
      expect({ stack, blocks: blocks.length }).toEqual({ stack, blocks: 2 });
      for (const p of blocks) {
        // Every credential comes from the cluster's own Talos stack, whose talos_cluster_kubeconfig makes it.
        for (const key of ["host", "cluster_ca_certificate", "client_certificate", "client_key"]) {
          expect({ stack, key, value: p[key] }).toEqual({
            stack,
            key,
            value: expect.stringContaining(`cross-stack-reference-input-${cluster}-talos.outputs.cross-stack-output-talos_cluster_kubeconfig`),
          });
        }
      }
      expect(json(`${cluster}-talos`).resource.talos_cluster_kubeconfig).toBeDefined();
      expect({ stack, after: upstream(stack).has(`${cluster}-talos`) }).toEqual({ stack, after: true });
    }
  });

  it("orders each cluster vms -> talos -> cilium -> platform, credentials after talos, with no edge between clusters but the mesh CA", () => {
    for (const c of clusters) {
      expect(upstream(`${c}-talos`)).toEqual(new Set([`${c}-vms`]));
      expect(upstream(`${c}-cilium`)).toEqual(new Set(["mesh-ca", `${c}-vms`, `${c}-talos`]));
      // Day-2 releases never race the CNI, and destroy removes them before Cilium.
      expect(upstream(`${c}-platform`)).toEqual(new Set(["mesh-ca", `${c}-vms`, `${c}-talos`, `${c}-cilium`]));
      expect(upstream(`${c}-credentials`)).toEqual(new Set([`${c}-vms`, `${c}-talos`]));
    }
    expect(upstream("mesh-credentials")).toEqual(new Set(clusters.flatMap((c) => [`${c}-vms`, `${c}-talos`])));
    expect(upstream("mesh-ca")).toEqual(new Set());
  });
});

describe("the deploy's critical path", () => {
  it.each([
    ["the embedded default mesh", "default"],
    ["examples/three-clusters.yaml", "three-clusters"],
  ] as const)("of %s is at most 4 stacks, one cluster's vms -> talos -> cilium -> platform", (_label, name) => {
    const path = criticalPath(meshApp(fixture(name).config()).app);
    expect(path.length).toBeLessThanOrEqual(4);
    const cluster = path[0].replace(/-vms$/, "");
    expect(path).toEqual([`${cluster}-vms`, `${cluster}-talos`, `${cluster}-cilium`, `${cluster}-platform`]);
  });

  it("grows with a cross-cluster edge: the check can fail", () => {
    const { app, stacks } = meshApp(fixture("default").config());
    stacks.clusters[1].vms.addDependency(stacks.clusters[0].platform);
    expect(criticalPath(app)).toHaveLength(8);
  });
});
