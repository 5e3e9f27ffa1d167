import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { Testing, TerraformStack } from "cdktf";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { NullProvider } from "@cdktf/provider-null/lib/provider";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import { LocalProvider } from "@cdktf/provider-local/lib/provider";
import { ProxmoxProvider } from "../.gen/providers/proxmox/provider";
import { PROVIDERS } from "../lib/versions";
import { scratchDir } from "./helpers";
// The same normalisation validate.js uses.
const { canonicalSource } = require("../scripts/lib/toolchain") as { canonicalSource: (s: string) => string };

const root = path.join(__dirname, "..");

it("every provider binding requires exactly the version versions.json pins", () => {
  const stack = new TerraformStack(Testing.app(), "pins");
  new HelmProvider(stack, "helm");
  new KubernetesProvider(stack, "kubernetes");
  new NullProvider(stack, "null");
  new TlsProvider(stack, "tls");
  new LocalProvider(stack, "local");
  new ProxmoxProvider(stack, "proxmox");
  const required = Object.fromEntries(
    Object.entries(JSON.parse(Testing.synth(stack)).terraform.required_providers as Record<string, { source: string; version: string }>)
      .map(([name, p]) => [name, { source: canonicalSource(p.source), version: p.version }]),
  );
  const pinned = Object.fromEntries(
    Object.entries(PROVIDERS).filter(([name]) => name in required).map(([name, p]) => [name, { source: p.source, version: p.version }]),
  );
  expect(Object.keys(pinned).sort()).toEqual(Object.keys(required).sort());
  expect(required).toEqual(pinned);
});

it("npm run gen reproduces .gen/ from the committed schemas", () => {
  const out = path.join(scratchDir(), "gen");
  const r = spawnSync(process.execPath, ["scripts/gen-bindings.js", "--out", out], { cwd: root, encoding: "utf8" });
  expect(r.status).toBe(0);
  const files = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name])).sort();
  const committed = path.join(root, ".gen");
  expect(files(out)).toEqual(files(committed));
  for (const f of files(out)) {
    expect({ f, text: fs.readFileSync(path.join(out, f), "utf8") }).toEqual({ f, text: fs.readFileSync(path.join(committed, f), "utf8") });
  }
});

it("the committed proxmox schema is a real `providers schema -json` of the pinned version", () => {
  const schema = JSON.parse(fs.readFileSync(path.join(root, "schemas", "proxmox.json"), "utf8"));
  expect(schema.format_version).toMatch(/^1\./);
  expect(schema.provider_versions).toEqual({ "registry.terraform.io/bpg/proxmox": PROVIDERS.proxmox.version });
  expect(Object.keys(schema.provider_schemas["registry.terraform.io/bpg/proxmox"].resource_schemas).length).toBeGreaterThan(100);
});
