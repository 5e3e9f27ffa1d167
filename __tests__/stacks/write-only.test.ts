// Every sensitive attribute of every resource and data source in every
// synthesized stack (default mesh, three-cluster example, Doppler on), read
// from the providers' real schemas: schemas/<name>.json for the generated
// bindings, schemas/prebuilt-sensitive.json for the prebuilt ones. The list
// is a snapshot (what the state of each stack holds), and a sensitive
// attribute the config sets whose provider offers a write-only twin
// (`<attribute>_wo`) fails the test: it would be in state for no reason.
import * as fs from "fs";
import * as path from "path";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { MeshConfig } from "../../lib/config/schema";
import { PROVIDERS } from "../../lib/versions";
import { FixtureName, fixture } from "../fixtures";
import { defaultInput, meshApp, parse } from "../helpers";
import { MeshConfigSchema } from "../../lib/config/schema";

const { sensitiveIndex, declaredTypes } = require("../../scripts/lib/sensitive-index") as {
  sensitiveIndex: (schema: unknown) => Record<string, { sensitive: string[]; writeOnly: string[]; computedOnly: string[] }>;
  declaredTypes: (schema: unknown) => string[];
};

type Index = Record<string, { sensitive: string[]; writeOnly: string[]; computedOnly: string[] }>;
const root = path.join(__dirname, "..", "..");

/** Sensitive and write-only attributes by `<kind> <type>`, from every pinned provider's schema; and every type they declare. */
function providerIndex(): { index: Index; types: Set<string> } {
  const index: Index = {};
  const types = new Set<string>(["data terraform_remote_state"]);
  const prebuilt = JSON.parse(fs.readFileSync(path.join(root, "schemas", "prebuilt-sensitive.json"), "utf8")).providers;
  for (const [name, pin] of Object.entries(PROVIDERS)) {
    const generated = path.join(root, "schemas", `${name}.json`);
    if (fs.existsSync(generated)) {
      const schema = JSON.parse(fs.readFileSync(generated, "utf8"));
      Object.assign(index, sensitiveIndex(schema));
      declaredTypes(schema).forEach((t) => types.add(t));
    } else {
      const p = prebuilt[name];
      if (!p || p.version !== pin.version) throw new Error(`schemas/prebuilt-sensitive.json has no ${name} ${pin.version}: run npm run schemas -- --prebuilt`);
      Object.assign(index, p.attributes);
      p.types.forEach((t: string) => types.add(t));
    }
  }
  return { index, types };
}

/** Every key path a resource's config sets (nested blocks and maps dotted, list indices dropped). */
function setPaths(value: unknown, prefix = "", out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => setPaths(v, prefix, out));
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "//" || v === null || v === undefined) continue;
      const p = `${prefix}${k}`;
      out.add(p);
      setPaths(v, `${p}.`, out);
    }
  }
  return out;
}

interface Finding {
  readonly stack: string;
  readonly address: string;
  readonly attribute: string;
  /** set: the config gives it (an input); computed: the provider fills it in (an output). Either way it is in state. */
  readonly how: "set" | "computed";
  /** The write-only twin the provider offers, when there is one. */
  readonly writeOnlyTwin?: string;
}

/**
 * The write-only twin of a sensitive attribute: `<attribute>_wo`, for the
 * attribute or the attribute (or block) it sits in (`client_configuration.
 * client_key` -> `client_configuration_wo`), with `_sensitive` read as the
 * plain name (Helm's `set_sensitive` -> `set_wo`).
 */
function twinOf(segments: string[], writeOnly: (p: string) => boolean): string | undefined {
  for (let i = segments.length; i > 0; i--) {
    const parent = segments.slice(0, i - 1);
    const name = segments[i - 1];
    for (const candidate of [`${name}_wo`, `${name.replace(/_sensitive$/, "")}_wo`]) {
      const p = [...parent, candidate].join(".");
      if (writeOnly(p)) return p;
    }
  }
  return undefined;
}

/** The sensitive attributes of one synthesized stack. */
function sensitiveAttributes(stackName: string, json: any, { index, types }: { index: Index; types: Set<string> }): Finding[] {
  const out: Finding[] = [];
  for (const [kind, section] of [
    ["resource", json.resource],
    ["data", json.data],
    ["ephemeral", json.ephemeral],
  ] as const) {
    for (const [type, byId] of Object.entries<Record<string, unknown>>(section ?? {})) {
      if (!types.has(`${kind} ${type}`)) throw new Error(`${stackName}: ${kind} ${type} is in no pinned provider's schema`);
      const entry = index[`${kind} ${type}`];
      // Ephemeral resources are never stored in state or plan.
      if (!entry || kind === "ephemeral") continue;
      for (const [id, config] of Object.entries(byId)) {
        const set = setPaths(config);
        const writeOnly = (p: string) => entry.writeOnly.includes(p);
        for (const attribute of entry.sensitive) {
          const segments = attribute.split(".");
          // Write-only itself (under a write-only attribute): never in state.
          if (segments.some((_, i) => writeOnly(segments.slice(0, i + 1).join(".")))) continue;
          // Neither set nor filled in by the provider: not in state.
          if (!set.has(attribute) && !entry.computedOnly.includes(attribute)) continue;
          const twin = twinOf(segments, writeOnly);
          out.push({
            stack: stackName,
            address: `${kind === "resource" ? "" : `${kind}.`}${type}.${id.replace(/_[0-9A-F]{8}$/, "")}`,
            attribute,
            how: set.has(attribute) ? "set" : "computed",
            writeOnlyTwin: twin,
          });
        }
      }
    }
  }
  return out;
}

function synthAll(config: MeshConfig | FixtureName): [string, any][] {
  // A fixture config's stacks come from its one synthesis of the run (fixtures.ts).
  if (typeof config === "string") return fixture(config).stacks.map((s) => [s.name, fixture(config).json(s.name)]);
  const { app } = meshApp(config);
  return app.node
    .findAll()
    .filter(TerraformStack.isStack)
    .map((s) => [s.node.id, parse(Testing.synth(s as TerraformStack))]);
}

/** A sensitive input with a write-only twin: the one thing this test refuses. */
const couldBeWriteOnly = (f: Finding) => f.how === "set" && f.writeOnlyTwin !== undefined;

/**
 * Inputs given in state although a write-only twin exists, because the
 * provider needs them after apply; each with where the provider says so.
 * Every entry must still be found: one no longer given goes from this list.
 */
const NEEDED_IN_STATE: Record<string, string> = {
  // talos provider 0.12.0-alpha.5, talos_machine_resource.go: Read skips the live refresh (config hash, Talos
  // version: drift) and Delete cannot reset the node when the credentials are write-only (lib/talos/talos-cluster.ts).
  "talos_machine.client_configuration.client_key": "refresh and destroy talk to the node with it",
};

describe("sensitive attributes in every synthesized stack", () => {
  const providers = providerIndex();
  const doppler = defaultInput();
  doppler.doppler = { enabled: true, project: "aggrik8s", config: "prd", token: { env: "AGGRIK8S_DOPPLER_TOKEN" } } as any;
  doppler.clusters[0].platform = { robusta: { signingKey: { doppler: "ROBUSTA_SIGNING_KEY" } } };
  const meshes: [string, MeshConfig | FixtureName][] = [
    ["default mesh", "default"],
    ["three-clusters.yaml", "three-clusters"],
    ["Doppler on", MeshConfigSchema.parse(doppler)],
  ];
  const findings = meshes.flatMap(([label, config]) =>
    synthAll(config).flatMap(([stack, json]) => sensitiveAttributes(stack, json, providers).map((f) => ({ ...f, mesh: label }))),
  );

  it("are listed: what each stack's state holds that is secret (default mesh)", () => {
    const line = (f: Finding) => `${f.stack}: ${f.address}.${f.attribute} (${f.how}${f.writeOnlyTwin ? `; write-only twin ${f.writeOnlyTwin}` : ""})`;
    expect([...new Set(findings.filter((f) => f.mesh === "default mesh").map(line))]).toMatchSnapshot();
  });

  it("none is given where the provider takes it write-only", () => {
    const offending = [...new Set(findings.filter(couldBeWriteOnly).map((f) => `${f.address.replace(/\.[^.]+$/, "")}.${f.attribute}`))].sort();
    const unexpected = offending.filter((o) => !(o in NEEDED_IN_STATE));
    expect(
      unexpected.map((o) => `${o}: the provider has ${o.split(".").pop()}_wo; give it write-only (with its revision/version) so it stays out of state`),
    ).toEqual([]);
    // An exception no longer needed must go.
    expect(Object.keys(NEEDED_IN_STATE).filter((p) => !offending.includes(p))).toEqual([]);
  });

  it("the check can fail: a Kubernetes secret with plain data is refused", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "canary");
    new KubernetesProvider(stack, "k");
    new SecretV1(stack, "s", { metadata: { name: "x" }, data: { token: "${var.TOKEN}" } });
    const found = sensitiveAttributes("canary", parse(Testing.synth(stack)), providers);
    expect(found.filter(couldBeWriteOnly).map((f) => [f.address, f.attribute, f.writeOnlyTwin])).toEqual([["kubernetes_secret_v1.s", "data", "data_wo"]]);
  });

  it("every resource type the stacks use is in a pinned provider's schema", () => {
    // sensitiveAttributes throws otherwise; this names the count so the list above is known complete.
    expect(findings.length).toBeGreaterThan(0);
  });
});

// The helm provider parses set_wo into a map of its own and merges it into the release's values map by map, and a
// list is replaced whole (terraform-provider-helm v3.1.1 resource_helm_release.go: getWriteOnlyValues, mergeMaps).
// A write-only `config.clusters[0].token_secret` would leave the Proxmox CSI plugin one entry with its token only (no
// url, token id, region), and `sinksConfig[0].robusta_sink.token` Robusta a sink without its name.
describe("write-only Helm values", () => {
  const inAList = (name: string) => /\[\d*\]/.test(name);
  const meshes: [string, MeshConfig | FixtureName][] = [
    ["default mesh", "default"],
    ["three-clusters.yaml (OTel, Robusta, OLM, the Proxmox CSI plugin on)", "three-clusters"],
    ["two-hosts.yaml (the Proxmox CSI plugin on two APIs)", "two-hosts"],
  ];

  it.each(meshes)("none sits inside a list, where the helm provider would replace the list whole: %s", (_label, config) => {
    const releases = synthAll(config).flatMap(([stack, json]) =>
      Object.values<any>(json.resource?.helm_release ?? {}).map((r) => ({ stack, release: r.name, sets: [...(r.set_wo ?? []), ...(r.set_sensitive ?? [])] })),
    );
    expect(releases.length).toBeGreaterThan(0);
    expect(
      releases.flatMap((r) => r.sets.filter((s: { name: string }) => inAList(s.name)).map((s: { name: string }) => `${r.stack} ${r.release}: ${s.name}`)),
    ).toEqual([]);
  });
});
