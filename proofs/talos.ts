#!/usr/bin/env node
// Renders every node's full machine config offline with the real
// siderolabs/talos provider, and validates each with Talos' own machinery at
// the pinned Talos version (proofs/talos-check, metal mode): what a node
// would accept or refuse when the Talos stack applies its config.
//
// For each <cluster>-talos stack that `npm run synth` writes, the blocks that
// need no node (the provider, talos_machine_secrets, the
// talos_image_factory_urls data source and the ephemeral
// talos_machine_configuration blocks each talos_machine takes its config
// from) are copied into a scratch configuration and applied into a scratch
// state; the rendered configs are read back from its outputs. The ephemeral
// blocks become talos_machine_configuration data sources there, arguments
// unchanged: the provider serves both with the same arguments and the same
// generator (pkg/talos/talos_machine_configuration_ephemeral_resource.go and
// _data_source.go of the pinned release), and only a data source can be
// read back as an output.
//
// A canary proves the check can fail: one node's patch with the hostname
// document as it was before `auto: "off"` must be refused by Talos.
//
// The Proxmox CSI plugin's topology: where a cluster's platform stack
// installs the plugin, every node's labels as Talos machinery reads them from
// its rendered config (talos-check -labels) must carry a
// `topology.kubernetes.io/region` that is one of the plugin's `clusters`
// regions (its helm_release values) and a `topology.kubernetes.io/zone` equal
// to the Proxmox node its VM is on (the vms stack); without the plugin, no
// such labels. Its canary: the first node rendered with a region no API has
// must be reported.
//
//   npm run proof:talos -- [--keep] [CONFIG ...]   (default: the embedded mesh, examples/three-clusters.yaml and examples/two-hosts.yaml)
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { cli } from "../scripts/lib/cli";
import { topologyProblems } from "./lib/topology";
import { cacheDir, engine, engineEnv, offline, proof, repoRoot, run, synthesizeMesh } from "./lib/proof";

const args = process.argv.slice(2);
const { values: flags, positionals: configs } = cli({
  name: "proof:talos",
  summary:
    "Renders every node's machine config with the real talos provider and validates it with Talos machinery at the pinned version, and checks the Proxmox CSI plugin's topology labels (default: the embedded mesh, examples/three-clusters.yaml and examples/two-hosts.yaml).",
  options: { keep: { type: "boolean", description: "keep the scratch directory (printed) for inspection" } },
  positionals: "[CONFIG ...]",
  argv: args,
});
const p = proof("talos-proof", flags.keep ? ["--keep"] : []);
function log(m: string): void {
  p.log(m);
}
function die(m: string): never {
  return p.die(m);
}

/** A talos_machine_configuration block's arguments (ephemeral resource and data source alike); only the patches are read. */
interface MachineConfiguration {
  readonly config_patches: readonly string[];
  readonly [argument: string]: unknown;
}

/** The parts of a synthesized <cluster>-talos stack this proof copies or reads. */
interface TalosStackJson {
  readonly terraform: { readonly required_providers: { readonly talos: unknown } };
  readonly provider: { readonly talos: unknown };
  readonly resource?: {
    readonly talos_machine_secrets?: unknown;
    readonly talos_machine?: Record<string, { readonly machine_configuration_wo: string }>;
  };
  readonly data: { readonly talos_image_factory_urls: unknown };
  readonly ephemeral?: { readonly talos_machine_configuration?: Record<string, MachineConfiguration> };
}

/** `output -json`: one rendered config per output. */
type Outputs = Record<string, { readonly value: string }>;

/** The parts of a synthesized platform or vms stack this proof reads. */
interface ReadStackJson {
  readonly resource?: {
    readonly helm_release?: Record<string, { readonly chart: string; readonly values?: readonly string[] }>;
    readonly proxmox_virtual_environment_vm?: Record<string, { readonly name: string; readonly node_name: string }>;
  };
}

/** The region the topology canary's node claims: no Proxmox API of any config is named so. */
const CANARY_REGION = "canary-no-such-region";

/** A synthesized stack with its kind and cluster (proofs/lib/proof.ts synthesizeMesh). */
type Synthesized = ReturnType<typeof synthesizeMesh>[number];

/** The synthesized JSON of `cluster`'s stack of `kind`. */
const readStack = (stacks: readonly Synthesized[], kind: string, cluster: string): ReadStackJson => {
  const stack = stacks.find((s) => s.kind === kind && s.cluster === cluster) ?? die(`no ${kind} stack of ${cluster} synthesized`);
  return JSON.parse(fs.readFileSync(path.join(stack.dir, "cdk.tf.json"), "utf8")) as ReadStackJson;
};

/** The regions of the Proxmox CSI plugin's config in a cluster's synthesized platform stack, or undefined without the plugin. */
function csiOf(stacks: readonly Synthesized[], cluster: string): { regions: string[] } | undefined {
  const release = Object.values(readStack(stacks, "platform", cluster).resource?.helm_release ?? {}).find((r) => r.chart === "proxmox-csi-plugin");
  if (!release) return undefined;
  const values = JSON.parse(release.values?.[0] ?? "{}") as { config?: { clusters?: { region: string }[] } };
  return { regions: (values.config?.clusters ?? []).map((c) => c.region) };
}

/** Node name -> the Proxmox node its VM is on, from the cluster's vms stack. */
function vmNodes(stacks: readonly Synthesized[], cluster: string): Record<string, string> {
  return Object.fromEntries(Object.values(readStack(stacks, "vms", cluster).resource?.proxmox_virtual_environment_vm ?? {}).map((v) => [v.name, v.node_name]));
}

/** `LABELS FILE {json}` lines of talos-check -labels, by node (the file's base name). */
function labelsOf(stdout: string): Record<string, Record<string, string>> {
  return Object.fromEntries(
    stdout
      .split("\n")
      .map((l) => /^LABELS (\S+) (.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [path.basename(m[1], ".yaml"), JSON.parse(m[2]) as Record<string, string>]),
  );
}

/**
 * Builds the machinery checker once per source, into the cache: the binary is
 * named by a hash of its sources, so checkouts with different checkers sharing
 * one cache never run each other's (an mtime comparison would).
 */
function checker(): string {
  const src = path.join(repoRoot, "proofs", "talos-check");
  const hash = createHash("sha256");
  for (const f of fs.readdirSync(src).sort()) hash.update(f).update(fs.readFileSync(path.join(src, f)));
  const bin = path.join(cacheDir(), "bin", `talos-check-${hash.digest("hex").slice(0, 16)}`);
  if (!fs.existsSync(bin)) {
    log("building proofs/talos-check (Talos machinery from the Go module proxy) ...");
    fs.mkdirSync(path.dirname(bin), { recursive: true });
    const r = run("go", ["build", "-o", `${bin}.partial`, "."], {
      cwd: src,
      env: { ...process.env, CGO_ENABLED: "0" },
      stdio: ["ignore", "inherit", "inherit"],
    });
    if (r.status !== 0) die("building talos-check failed (output above)");
    fs.renameSync(`${bin}.partial`, bin);
  }
  return bin;
}

/** The node-free part of a synthesized Talos stack, plus an output per rendered config. */
function renderConfig(stack: { name: string; dir: string }) {
  const json = JSON.parse(fs.readFileSync(path.join(stack.dir, "cdk.tf.json"), "utf8")) as TalosStackJson;
  const configs = json.ephemeral?.talos_machine_configuration;
  if (!configs || !json.resource?.talos_machine_secrets) die(`${stack.name}: no talos_machine_secrets / ephemeral talos_machine_configuration to render`);
  // Every talos_machine must take its config from one of them: what is checked is what is applied.
  const applied = Object.values(json.resource.talos_machine ?? {}).map((m) => m.machine_configuration_wo);
  const rendered = Object.keys(configs).map((id) => `\${ephemeral.talos_machine_configuration.${id}.machine_configuration}`);
  if (applied.length !== rendered.length || applied.some((a) => !rendered.includes(a)))
    die(`${stack.name}: a talos_machine does not take its config from an ephemeral talos_machine_configuration`);
  const output: Record<string, { value: string; sensitive: true }> = {};
  for (const id of Object.keys(configs)) {
    const node = id.replace(/^.*config-/, "");
    output[node] = { value: `\${data.talos_machine_configuration.${id}.machine_configuration}`, sensitive: true };
  }
  // The canary: the first node's patch without `auto: off`, as the patches were before.
  const [firstId, first] = Object.entries(configs)[0];
  const oldShape = first.config_patches.map((patch) => patch.replace(/^auto: off\n/m, ""));
  if (oldShape.join() === first.config_patches.join()) die(`${stack.name}: the hostname document has no "auto: off" to remove for the canary`);
  output["canary-hostname-without-auto-off"] = { value: "${data.talos_machine_configuration.canary.machine_configuration}", sensitive: true };
  // The topology canary: the first node's patches with a region no Proxmox API of the plugin has (where it has one).
  const REGION = /^(\s*topology\.kubernetes\.io\/region: ).*$/m;
  const csiCanary: Record<string, MachineConfiguration> = first.config_patches.some((patch) => REGION.test(patch))
    ? { canary_region: { ...first, config_patches: first.config_patches.map((patch) => patch.replace(REGION, `$1${CANARY_REGION}`)) } }
    : {};
  if (csiCanary.canary_region)
    output["canary-csi-region"] = { value: "${data.talos_machine_configuration.canary_region.machine_configuration}", sensitive: true };
  // Where a control plane has Kubernetes Talos API access (etcd backups on), a second canary: a worker with the
  // same feature, which Talos refuses (the patches put it on control planes only).
  const access = /^ {4}kubernetesTalosAPIAccess:\n(?: {6}.*\n)+/m;
  const withAccess = Object.values(configs).find((c) => c.machine_type === "controlplane" && access.test(c.config_patches.join()));
  const worker = Object.values(configs).find((c) => c.machine_type === "worker");
  const extra: Record<string, MachineConfiguration> = {};
  if (withAccess && worker) {
    const block = access.exec(withAccess.config_patches.join())![0];
    const patched = worker.config_patches.map((patch, i) => (i === 0 ? patch.replace(/^ {2}features:\n/m, (m) => m + block) : patch));
    if (patched.join() === worker.config_patches.join()) die(`${stack.name}: the worker's patch has no machine.features to add the canary's feature to`);
    extra["canary-worker-api-access"] = { ...worker, config_patches: patched };
    output["canary-worker-talos-api-access"] = { value: "${data.talos_machine_configuration.canary-worker-api-access.machine_configuration}", sensitive: true };
  }
  return {
    terraform: { required_providers: { talos: json.terraform.required_providers.talos } },
    provider: { talos: json.provider.talos },
    resource: { talos_machine_secrets: json.resource.talos_machine_secrets },
    data: {
      talos_image_factory_urls: json.data.talos_image_factory_urls,
      talos_machine_configuration: { ...configs, canary: { ...first, config_patches: oldShape }, ...csiCanary, ...extra },
    },
    output,
    firstId,
  };
}

function main(): void {
  const targets = configs.length
    ? configs.map((c) => ({ label: path.basename(c), env: { AGGRIK8S_CONFIG: c } }))
    : [
        { label: "default mesh", env: { AGGRIK8S_CONFIG: "" } },
        { label: "three-clusters.yaml", env: { AGGRIK8S_CONFIG: path.join("examples", "three-clusters.yaml") } },
        { label: "two-hosts.yaml", env: { AGGRIK8S_CONFIG: path.join("examples", "two-hosts.yaml") } },
      ];
  const bin = engine();
  const check = checker();
  const scratch = p.scratch;
  const env = engineEnv();
  if (!offline(["talos"])) log("talos provider not in the offline mirror: the engine fetches it from the registry");
  let nodes = 0;
  let failures = 0;
  let labelled = 0;
  let accessCanaries = 0;
  for (const [i, t] of targets.entries()) {
    const all = synthesizeMesh(path.join(scratch, `synth-${i}`), t.env);
    const stacks = all.filter((s) => s.kind === "talos");
    if (stacks.length === 0) die(`${t.label}: no <cluster>-talos stack synthesized`);
    for (const stack of stacks) {
      const dir = path.join(scratch, `render-${i}-${stack.name}`);
      fs.mkdirSync(dir);
      const { firstId, ...config } = renderConfig(stack);
      fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(config, null, 1));
      for (const cmd of [
        ["init", "-input=false", "-no-color"],
        ["apply", "-auto-approve", "-input=false", "-no-color"],
      ]) {
        const r = run(bin, cmd, { cwd: dir, env });
        if (r.status !== 0) die(`${t.label} ${stack.name}: ${cmd[0]} failed:\n${r.stderr}${r.stdout}`);
      }
      const out = run(bin, ["output", "-json"], { cwd: dir, env });
      if (out.status !== 0) die(`${t.label} ${stack.name}: output failed:\n${out.stderr}`);
      const rendered = JSON.parse(out.stdout) as Outputs;
      const files: Record<string, string> = {};
      for (const [node, o] of Object.entries(rendered)) {
        files[node] = path.join(dir, `${node}.yaml`);
        fs.writeFileSync(files[node], o.value, { mode: 0o600 });
      }
      const nodeFiles = Object.entries(files)
        .filter(([n]) => !n.startsWith("canary"))
        .map(([, f]) => f);
      const result = run(check, ["-strict", "-labels", ...nodeFiles]);
      process.stdout.write(
        result.stdout
          .split("\n")
          .filter((l) => l && !l.startsWith("LABELS "))
          .map((l) => `[talos-proof] ${t.label} ${stack.name}: ${l.replace(dir + "/", "")}\n`)
          .join(""),
      );
      if (result.status !== 0) {
        failures++;
        if (result.stderr.trim()) log(`${t.label} ${stack.name}: talos-check: ${result.stderr.trim()}`);
      }
      nodes += nodeFiles.length;
      const canary = run(check, ["-strict", files["canary-hostname-without-auto-off"]]);
      const refused = canary.status === 1 && canary.stdout.includes("'auto' and 'hostname' cannot be set at the same time");
      log(
        `${t.label} ${stack.name}: canary (${firstId} with the hostname patch of before) ${refused ? "refused by Talos, as it must be" : `NOT refused: ${canary.stdout.trim()}`}`,
      );
      if (!refused) failures++;

      if (files["canary-worker-talos-api-access"]) {
        const worker = run(check, ["-strict", files["canary-worker-talos-api-access"]]);
        const no = worker.status === 1 && worker.stdout.includes("feature Kubernetes Talos API Access can only be enabled on control plane machines");
        log(
          `${t.label} ${stack.name}: canary (a worker with the control planes' Kubernetes Talos API access) ${no ? "refused by Talos, as it must be" : `NOT refused: ${worker.stdout.trim()}`}`,
        );
        if (!no) failures++;
        accessCanaries++;
      }

      // The CSI plugin's topology, as Talos reads it from each rendered config.
      const cluster = stack.cluster ?? die(`${stack.name}: a talos stack of no cluster`);
      const csi = csiOf(all, cluster);
      const vmNodeOf = vmNodes(all, cluster);
      const labels = labelsOf(result.stdout);
      if (Object.keys(labels).length !== nodeFiles.length) {
        log(`${t.label} ${stack.name}: labels read for ${Object.keys(labels).length} of ${nodeFiles.length} configs`);
        failures++;
      }
      const problems = topologyProblems(labels, csi, vmNodeOf);
      for (const problem of problems) log(`${t.label} ${stack.name}: CSI topology: ${problem}`);
      if (problems.length) failures++;
      if (csi) {
        labelled += Object.keys(labels).length;
        log(
          `${t.label} ${stack.name}: CSI topology of ${Object.keys(labels).length} nodes fits the plugin's regions (${csi.regions.join(", ")}) and their VMs' Proxmox nodes`,
        );
        const canaryFile = files["canary-csi-region"];
        const c = canaryFile ? run(check, ["-strict", "-labels", canaryFile]) : undefined;
        const canaryLabels = c ? labelsOf(c.stdout)["canary-csi-region"] : undefined;
        const firstNode = firstId.replace(/^.*config-/, "");
        const caught =
          canaryLabels !== undefined &&
          topologyProblems({ [firstNode]: canaryLabels }, csi, vmNodeOf).some((problem) => problem.includes(JSON.stringify(CANARY_REGION)));
        log(`${t.label} ${stack.name}: CSI topology canary (${firstNode} in region ${CANARY_REGION}) ${caught ? "reported, as it must be" : "NOT reported"}`);
        if (!caught) failures++;
      }
    }
  }
  if (accessCanaries === 0 && !configs.length) {
    failures++;
    log("no rendered mesh has a control plane with Kubernetes Talos API access (etcd backups on in examples/three-clusters.yaml): its canary did not run");
  }
  if (labelled === 0) {
    log("no cluster with the Proxmox CSI plugin was rendered: its topology was never checked");
    failures++;
  }
  if (failures) die(`${failures} check(s) failed`);
  log(`passed: ${nodes} rendered machine configs accepted by Talos machinery (${labelled} with the CSI plugin's topology); every canary refused`);
}

main();
