import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { Testing, TerraformStack } from "cdktf";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { NullProvider } from "@cdktf/provider-null/lib/provider";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import { LocalProvider } from "@cdktf/provider-local/lib/provider";
import { ProxmoxProvider } from "../../.gen/providers/proxmox/provider";
import { TalosProvider } from "../../.gen/providers/talos/provider";
import { DopplerProvider } from "../../.gen/providers/doppler/provider";
import { PROVIDERS } from "../../lib/versions";
import pins from "../../versions.json";
import { expectSameTree, scratchDir } from "../helpers";
// The same normalisation proofs/validate.ts uses (scripts/lib/toolchain.js canonicalSource).
const { canonicalSource } = require("../../scripts/lib/toolchain") as { canonicalSource: (s: string) => string };

const root = path.join(__dirname, "..", "..");

it("every provider binding requires exactly the version versions.json pins", () => {
  const stack = new TerraformStack(Testing.app(), "pins");
  new HelmProvider(stack, "helm");
  new KubernetesProvider(stack, "kubernetes");
  new NullProvider(stack, "null");
  new TlsProvider(stack, "tls");
  new LocalProvider(stack, "local");
  new ProxmoxProvider(stack, "proxmox");
  new TalosProvider(stack, "talos");
  new DopplerProvider(stack, "doppler");
  const required = Object.fromEntries(
    Object.entries(JSON.parse(Testing.synth(stack)).terraform.required_providers as Record<string, { source: string; version: string }>).map(([name, p]) => [
      name,
      { source: canonicalSource(p.source).toLowerCase(), version: p.version },
    ]),
  );
  const pinned = Object.fromEntries(
    Object.entries(PROVIDERS)
      .filter(([name]) => name in required)
      .map(([name, p]) => [name, { source: p.source.toLowerCase(), version: p.version }]),
  );
  expect(Object.keys(pinned).sort()).toEqual(Object.keys(required).sort());
  // Every pinned provider but http (prebuilt, used by the Talos stack) is checked here.
  expect(Object.keys(PROVIDERS).filter((n) => !(n in required))).toEqual(["http"]);
  expect(required).toEqual(pinned);
});

it("npm run gen reproduces .gen/ from the committed schemas", () => {
  const out = path.join(scratchDir(), "gen");
  const r = spawnSync(process.execPath, ["scripts/gen-bindings.js", "--out", out], { cwd: root, encoding: "utf8" });
  expect(r.status).toBe(0);
  expectSameTree(out, path.join(root, ".gen"));
});

// Needs the providers built by scripts/toolchain.sh; CI builds them before the tests, so there it must run.
const mirrored = (require("../../scripts/lib/toolchain") as { mirroredProviders: () => string[] }).mirroredProviders();
const haveBuilt = ["talos", "doppler"].every((n) => mirrored.includes(n));
(haveBuilt || process.env.CI === "true" ? it : it.skip)("npm run schemas talos doppler, with the built providers, reproduces the committed schemas", () => {
  const out = scratchDir();
  const r = spawnSync(process.execPath, ["scripts/schemas.js", "--out", out, "talos", "doppler"], { cwd: root, encoding: "utf8" });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  for (const name of ["talos", "doppler"]) {
    expect({ name, text: fs.readFileSync(path.join(out, `${name}.json`), "utf8") }).toEqual({
      name,
      text: fs.readFileSync(path.join(root, "schemas", `${name}.json`), "utf8"),
    });
  }
});

it("the committed talos and doppler schemas are of the pinned versions, with what the stacks use", () => {
  for (const [name, fqn] of [
    ["talos", "registry.terraform.io/siderolabs/talos"],
    ["doppler", "registry.terraform.io/dopplerhq/doppler"],
  ] as const) {
    const schema = JSON.parse(fs.readFileSync(path.join(root, "schemas", `${name}.json`), "utf8"));
    expect(schema.provider_versions).toEqual({ [fqn]: PROVIDERS[name].version });
    const bindings = pins.providers[name].bindings;
    expect(Object.keys(schema.provider_schemas[fqn].resource_schemas)).toEqual(expect.arrayContaining(bindings.resources));
    expect(Object.keys(schema.provider_schemas[fqn].data_source_schemas)).toEqual(expect.arrayContaining(bindings.dataSources));
  }
});

it("the committed proxmox schema is a real `providers schema -json` of the pinned version", () => {
  const schema = JSON.parse(fs.readFileSync(path.join(root, "schemas", "proxmox.json"), "utf8"));
  expect(schema.format_version).toMatch(/^1\./);
  expect(schema.provider_versions).toEqual({ "registry.terraform.io/bpg/proxmox": PROVIDERS.proxmox.version });
  expect(Object.keys(schema.provider_schemas["registry.terraform.io/bpg/proxmox"].resource_schemas).length).toBeGreaterThan(100);
});

describe("gen-bindings: what a binding keeps", () => {
  const { filterSchema } = require("../../scripts/gen-bindings") as {
    filterSchema: (name: string, schema: unknown, wanted: { resources: string[]; dataSources: string[]; blocks?: Record<string, string[]> }) => any;
  };
  const schema = JSON.parse(fs.readFileSync(path.join(root, "schemas", "proxmox.json"), "utf8"));
  const fqn = "registry.terraform.io/bpg/proxmox";
  const vm = "proxmox_virtual_environment_vm";

  it("keeps only the listed resources, and of a resource in `blocks` only the listed nested blocks", () => {
    const kept = filterSchema("proxmox", schema, { resources: [vm, "proxmox_download_file"], dataSources: [], blocks: { [vm]: ["disk", "cpu"] } })
      .provider_schemas[fqn];
    expect(Object.keys(kept.resource_schemas)).toEqual([vm, "proxmox_download_file"]);
    expect(Object.keys(kept.resource_schemas[vm].block.block_types)).toEqual(["disk", "cpu"]);
    // Attributes stay whole; the download_file resource is untouched.
    expect(kept.resource_schemas[vm].block.attributes).toEqual(schema.provider_schemas[fqn].resource_schemas[vm].block.attributes);
    expect(kept.resource_schemas.proxmox_download_file).toEqual(schema.provider_schemas[fqn].resource_schemas.proxmox_download_file);
  });

  it("names a block the schema lacks, and lists the ones it has", () => {
    expect(() => filterSchema("proxmox", schema, { resources: [vm], dataSources: [], blocks: { [vm]: ["disks"] } })).toThrow(
      /^gen: versions.json providers.proxmox.bindings.blocks.proxmox_virtual_environment_vm lists "disks", which is not a nested block of proxmox_virtual_environment_vm in schemas\/proxmox.json \(blocks: agent, amd_sev, .*disk,/,
    );
  });

  it("refuses blocks for a resource that is not generated", () => {
    expect(() => filterSchema("proxmox", schema, { resources: [vm], dataSources: [], blocks: { proxmox_download_file: ["x"] } })).toThrow(
      'gen: versions.json providers.proxmox.bindings.blocks names "proxmox_download_file", which is not in its resources list; add it there or remove it here',
    );
  });

  it("the committed VM binding has classes for the kept blocks only", () => {
    const text = fs.readFileSync(path.join(root, ".gen", "providers", "proxmox", "virtual-environment-vm", "index.ts"), "utf8");
    expect(text).toContain("class VirtualEnvironmentVmDiskList");
    expect(text).not.toContain("class VirtualEnvironmentVmHostpciList");
  });
});
