// The floor: plain cdktf, no aggrik8s code, synthesizing the same JSON as a
// synthesized mesh (FLOOR_FROM: its cdktf.out directory). Every provider,
// resource, data source, variable, output and the backend of every stack is
// declared as its own construct, as generated bindings declare them, with
// its attributes read from the mesh's cdk.tf.json. What synth of that output
// costs in the framework alone (docs/benchmark.md); __tests__/tools/bench-floor.test.ts shows
// the JSON is the same.
import * as fs from "fs";
import * as path from "path";
import { App, LocalBackend, TerraformDataSource, TerraformOutput, TerraformProvider, TerraformResource, TerraformStack, TerraformVariable } from "cdktf";
import { Construct } from "constructs";

type Attributes = Record<string, unknown>;
// Meta-arguments, which cdktf writes from overrides; the rest are attributes.
const META = ["provider", "depends_on", "count", "for_each", "lifecycle", "provisioner"];
const split = (body: Attributes) => Object.fromEntries(Object.entries(body).filter(([k]) => k !== "//" && !META.includes(k)));
/** The block's logical id and meta-arguments as the mesh wrote them. */
function asWritten(el: TerraformResource | TerraformDataSource, id: string, attrs: Attributes): void {
  el.overrideLogicalId(id);
  for (const key of META) if (key in attrs) el.addOverride(key, attrs[key]);
}

class PlainResource extends TerraformResource {
  constructor(
    scope: Construct,
    id: string,
    type: string,
    private readonly attrs: Attributes,
  ) {
    super(scope, id, { terraformResourceType: type });
    asWritten(this, id, attrs);
  }
  protected synthesizeAttributes(): Attributes {
    return split(this.attrs);
  }
}

class PlainDataSource extends TerraformDataSource {
  constructor(
    scope: Construct,
    id: string,
    type: string,
    private readonly attrs: Attributes,
  ) {
    super(scope, id, { terraformResourceType: type });
    asWritten(this, id, attrs);
  }
  protected synthesizeAttributes(): Attributes {
    return split(this.attrs);
  }
}

class PlainProvider extends TerraformProvider {
  constructor(
    scope: Construct,
    id: string,
    type: string,
    source: { source: string; version: string },
    private readonly attrs: Attributes,
  ) {
    super(scope, id, {
      terraformResourceType: type,
      terraformGeneratorMetadata: { providerName: type, providerVersion: source.version },
      terraformProviderSource: source.source,
    });
    if (typeof attrs.alias === "string") this.alias = attrs.alias;
  }
  protected synthesizeAttributes(): Attributes {
    return split(this.attrs);
  }
}

const from = process.env.FLOOR_FROM;
if (!from) throw new Error("bench/floor-app.ts: set FLOOR_FROM to a synthesized cdktf.out directory");
const manifest = JSON.parse(fs.readFileSync(path.join(from, "manifest.json"), "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
const app = new App({ stackTraces: false });
for (const [name, s] of Object.entries(manifest.stacks)) {
  const json = JSON.parse(fs.readFileSync(path.join(from, s.synthesizedStackPath), "utf8"));
  const stack = new TerraformStack(app, name);
  for (const [kind, config] of Object.entries(json.terraform?.backend ?? {})) {
    if (kind !== "local") throw new Error(`bench/floor-app.ts: backend ${kind}: the floor declares the local backend only`);
    new LocalBackend(stack, config as { path: string });
  }
  const sources = json.terraform?.required_providers ?? {};
  for (const [type, list] of Object.entries<Attributes[]>(json.provider ?? {})) {
    list.forEach((attrs, i) => new PlainProvider(stack, `${type}${i || ""}`, type, sources[type], attrs));
  }
  for (const [type, byId] of Object.entries<Record<string, Attributes>>(json.resource ?? {})) {
    for (const [id, attrs] of Object.entries(byId)) new PlainResource(stack, id, type, attrs);
  }
  for (const [type, byId] of Object.entries<Record<string, Attributes>>(json.data ?? {})) {
    for (const [id, attrs] of Object.entries(byId)) new PlainDataSource(stack, id, type, attrs);
  }
  // Ephemeral blocks: cdktf has no class for them; the mesh adds them the same way (lib/talos/ephemeral.ts).
  for (const [type, byId] of Object.entries<Record<string, Attributes>>(json.ephemeral ?? {})) {
    for (const [id, attrs] of Object.entries(byId)) stack.addOverride(`ephemeral.${type}.${id}`, attrs);
  }
  for (const [id, v] of Object.entries<Attributes>(json.variable ?? {})) {
    new TerraformVariable(stack, id, v as never);
  }
  for (const [id, o] of Object.entries<Attributes>(json.output ?? {})) {
    const out = new TerraformOutput(stack, id, {
      value: o.value,
      sensitive: o.sensitive as boolean | undefined,
      description: o.description as string | undefined,
    });
    out.overrideLogicalId(id);
  }
}
app.synth();
