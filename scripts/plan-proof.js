#!/usr/bin/env node
// Synth to plan with no Proxmox: synthesizes main.ts for examples/three-clusters.yaml
// and runs the real engine's init + plan on every stack it wires, with the
// real providers (offline mirror). Two things are redirected to loopback:
// - the Image Factory, to a stand-in that answers `POST /schematics` the way
//   the real one does (201, {"id": sha256(body)});
// - the Proxmox endpoint, to a port nothing listens on: a plan of new VMs must
//   not need the Proxmox API, so a connection attempt fails the run.
// Checks that each stack plans exactly what the config asks for (one VM per
// node, one ISO download per Proxmox node and cluster, the CA) and that the ISO
// URLs carry the schematic ID the factory returned; then plans them all again
// through `npm run diff`, the command the README gives users.
//
//   node scripts/plan-proof.js [--keep]
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const net = require("net");
const os = require("os");
const path = require("path");
const YAML = require("yaml");
const { repoRoot, engine, engineEnv, mirroredProviders, providerName, synthesize, run } = require("./lib/toolchain");

const log = (m) => console.log(`[plan-proof] ${m}`);
// Children are not ended with this process: every exit stops the stand-in factory.
let factoryChild;
process.on("exit", () => factoryChild?.kill());
const die = (m) => {
  console.error(`[plan-proof] error: ${m}`);
  process.exit(1);
};

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// The stand-in Image Factory runs in a child process: the engine is run with
// spawnSync, which would block a server in this one. It logs each upload as a
// JSON line.
const FACTORY = `
const [port, logFile] = process.argv.slice(1);
require("http").createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c)).on("end", () => {
    if (req.method !== "POST" || req.url !== "/schematics") return res.writeHead(404).end();
    const id = require("crypto").createHash("sha256").update(body).digest("hex");
    require("fs").appendFileSync(logFile, JSON.stringify({ body, id }) + "\\n");
    res.writeHead(201, { "Content-Type": "application/json" }).end(JSON.stringify({ id }));
  });
}).listen(Number(port), "127.0.0.1", () => console.log("ready"));
`;

function standInFactory(port, logFile) {
  fs.writeFileSync(logFile, "");
  const child = spawn(process.execPath, ["-e", FACTORY, String(port), logFile], { stdio: ["ignore", "pipe", "inherit"] });
  const uploads = () => fs.readFileSync(logFile, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
  factoryChild = child;
  return new Promise((resolve, reject) => {
    child.on("exit", (code) => reject(new Error(`the Image Factory stand-in exited (${code})`)));
    child.stdout.once("data", () => resolve({ child, uploads }));
  });
}

function engineRun(bin, dir, env, args) {
  const r = run(bin, args, { cwd: dir, env });
  if (r.status !== 0) die(`${path.basename(dir)}: ${args[0]} failed:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

async function main() {
  const keep = process.argv.includes("--keep");
  const bin = engine();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "aggrik8s-plan-"));
  process.on("exit", () => (keep ? log(`kept ${scratch}`) : fs.rmSync(scratch, { recursive: true, force: true })));
  const [factoryPort, proxmoxPort] = [await freePort(), await freePort()];
  const factoryUrl = `http://127.0.0.1:${factoryPort}`;
  const factory = await standInFactory(factoryPort, path.join(scratch, "factory.log"));

  const config = YAML.parse(fs.readFileSync(path.join(repoRoot, "examples", "three-clusters.yaml"), "utf8"));
  config.proxmox.endpoint = `https://127.0.0.1:${proxmoxPort}/`;
  config.state = { backend: "local", dir: path.join(scratch, "state") };
  for (const c of config.clusters) c.talos = { ...c.talos, imageFactoryUrl: factoryUrl };
  const configFile = path.join(scratch, "mesh.yaml");
  fs.writeFileSync(configFile, YAML.stringify(config));

  const outdir = path.join(scratch, "out");
  const stacks = synthesize("main.ts", outdir, { AGGRIK8S_CONFIG: configFile });
  log(`engine ${bin}; ${stacks.length} stacks; stand-in Image Factory ${factoryUrl}; Proxmox endpoint ${config.proxmox.endpoint} (closed)`);

  const env = {
    ...engineEnv([]).env,
    // Shaped like a real token; no API is ever reached with it.
    PROXMOX_VE_API_TOKEN: "aggrik8s@pve!plan-proof=00000000-0000-0000-0000-000000000000",
  };
  // The resolved config (defaults filled in) as `npm run config` prints it.
  const resolved = YAML.parse(
    run(process.execPath, ["--require", "tsx/cjs", "scripts/config.ts"], { cwd: repoRoot, env: { ...process.env, AGGRIK8S_CONFIG: configFile } }).stdout,
  );
  let failures = 0;
  const mirrored = new Set(mirroredProviders());
  for (const { name, dir } of stacks) {
    const notes = useMirroredSnapshots(dir);
    const json = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));
    const missing = Object.values(json.terraform.required_providers).map((p) => providerName(p.source)).filter((n) => !mirrored.has(n));
    if (missing.length) die(`${name}: providers not in the offline mirror (${missing.join(", ")}): run scripts/toolchain.sh`);
    engineRun(bin, dir, env, ["init", "-input=false", "-no-color"]);
    engineRun(bin, dir, env, ["plan", "-input=false", "-no-color", "-out=plan.bin"]);
    const plan = JSON.parse(engineRun(bin, dir, env, ["show", "-json", "plan.bin"]));
    const creates = {};
    for (const rc of plan.resource_changes ?? []) {
      if (rc.change.actions.join() !== "create") die(`${name}: ${rc.address} plans ${rc.change.actions.join("+")}, expected create`);
      (creates[rc.type] ??= []).push(rc);
    }
    const counts = Object.fromEntries(Object.entries(creates).map(([t, l]) => [t, l.length]));
    const expected = expectedCreates(name, resolved);
    const ok = JSON.stringify(sorted(counts)) === JSON.stringify(sorted(expected));
    if (!ok) failures++;
    for (const d of creates.proxmox_download_file ?? []) {
      const url = d.change.after.url;
      if (!factory.uploads().some((u) => url === `${factoryUrl}/image/${u.id}/${resolved.versions.talos}/nocloud-amd64.iso`)) {
        failures++;
        log(`FAIL ${name}: ${d.address} downloads ${url}, which names no schematic the factory registered`);
      }
    }
    log(`${ok ? "PASS" : "FAIL"} ${name}: plans ${JSON.stringify(sorted(counts))}${ok ? "" : `, expected ${JSON.stringify(sorted(expected))}`}${notes.length ? ` [${notes.join(", ")}]` : ""}`);
  }
  // The same stacks through the README's command: npm run diff -> cdktf diff ->
  // the engine. --skip-synth keeps the snapshot pins written above;
  // --skip-provider-lock because `providers lock` asks the registry.
  const stackCount = stacks.length;
  const diff = run("npm", ["run", "--silent", "diff", "--", "--skip-synth", "--skip-provider-lock", "--no-color", "--output", outdir], {
    cwd: repoRoot,
    env: { ...env, AGGRIK8S_CONFIG: configFile },
  });
  const summary = (diff.stderr.match(/^diff: .*$/m) ?? ["(no summary)"])[0];
  if (diff.status !== 0 || summary !== `diff: ${stackCount} of ${stackCount} stacks diffed, 0 failed, 0 waiting on an undeployed upstream`) {
    failures++;
    log(`FAIL npm run diff: exit ${diff.status}, ${summary}\n${diff.stdout.slice(-3000)}${diff.stderr.slice(-3000)}`);
  } else {
    log(`PASS npm run diff: ${summary.replace(/^diff: /, "")}`);
  }
  const uploads = factory.uploads();
  log(`Image Factory stand-in received ${uploads.length} schematic upload(s), ids ${[...new Set(uploads.map((u) => u.id.slice(0, 12)))].join(", ")}`);
  factory.child.removeAllListeners("exit");
  factory.child.kill();
  if (failures) die(`${failures} check(s) failed`);
  log("passed");
}

const sorted = (o) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

/** What a stack must plan on an empty Proxmox, from the resolved config. */
function expectedCreates(stackName, config) {
  if (stackName === "mesh-ca") return { tls_private_key: 1, tls_self_signed_cert: 1 };
  const cluster = config.clusters.find((c) => `${c.name}-vms` === stackName);
  if (!cluster) die(`no expectation for stack ${stackName}: teach plan-proof what it plans`);
  const nodes = [...cluster.controlPlane.nodes, ...cluster.workers.nodes];
  return { proxmox_download_file: new Set(nodes.map((n) => n.proxmoxNode)).size, proxmox_virtual_environment_vm: nodes.length };
}

main().catch((e) => die(e.stack || String(e)));
