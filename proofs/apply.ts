/**
 * The apply proof: the Kubernetes half of the default mesh (talos-east,
 * talos-west) deployed for real with the project's own commands, against two
 * real control planes on loopback (proofs/apply/control-plane.ts), then
 * re-planned (must be a no-op), changed on day 2 (must touch one release),
 * and destroyed (platform before Cilium, nothing left behind).
 *
 * Everything after the preparation runs inside a network namespace that
 * holds only `lo` (`unshare --net`, as root): no packet can leave, whatever
 * a chart or a provider dials. The Talos and VM stacks cannot run here (no
 * Talos nodes, no Proxmox): test-only fixture state stands in for each
 * deployed `<cluster>-talos` stack (proofs/apply/fixture-state.ts), and the
 * config turns the health gates off (`healthGates: false`, the operators'
 * repair switch) because they talk to the Talos API.
 *
 *   npm run proof:apply [-- --keep]      (as root; builds the kit first: proofs/kit/build.sh)
 *
 * Last line: `apply proof: <A> stacks applied, <N> no-change re-plans, <D> destroyed, <F> failed`;
 * exit 1 when F > 0 or N < A.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { DEFAULT_MESH } from "../lib/config/default-mesh";
import { CLUSTERMESH_TLS_SECRETS } from "../lib/cilium/clustermesh-tls";
import { validateConfig } from "../lib/config/load";
import { MeshConfigInput } from "../lib/config/schema";
import { OLM_NAMESPACE, OLM_NAMESPACE_LEVEL } from "../lib/platform/olm";
import { PLATFORM_COMPONENTS, componentContext, enabledComponents, isEnabled } from "../lib/platform/components";
import { expectedReleases } from "../tools/status";
import { stackSecretNames, synthesizedStacks } from "../scripts/lib/stack-secrets";
import { cli } from "../scripts/lib/cli";
import { CLUSTER_STACK_KINDS, clusterStackName, meshStackNames, needsMachines, parseStackName } from "../stacks/naming";
import { helm, packageCharts } from "./lib/charts";
import { alive, cacheDir, compiled, engine, engineEnv, goTool, proof, repoRoot, run, versions } from "./lib/proof";
import { LocalCluster } from "./apply/control-plane";
import { TalosClientPem, writeTalosFixtureState } from "./apply/fixture-state";
import { GLOBAL_APP, globalServiceVerdict } from "./apply/global-service";

const INNER = "AGGRIK8S_APPLY_PROOF_SCRATCH";

/** The parts of a synthesized stack the proof reads. */
interface StackJson {
  readonly resource?: Record<string, Record<string, unknown>>;
}
type Synthesized = ReturnType<typeof synthesizedStacks>;
interface HelmReleaseJson {
  /** Its key in the stack's JSON (added by resourcesOf). */
  readonly key: string;
  readonly depends_on?: string[];
  readonly name: string;
  readonly namespace: string;
  readonly chart: string;
  readonly values?: string[];
  readonly set_sensitive?: { name: string }[];
  readonly set_wo?: { name: string }[];
}
interface NamespaceJson {
  readonly metadata: { readonly name: string; readonly labels: Record<string, string> };
}
/** Every resource of `type` in the stacks named `names`. */
function resourcesOf<T>(stacks: Synthesized, names: readonly string[], type: string): T[] {
  return stacks
    .filter((s) => names.includes(s.name))
    .flatMap((s) => Object.entries((s.json as StackJson).resource?.[type] ?? {}).map(([key, r]) => ({ key, ...(r as object) }) as T));
}
const CLUSTERS = ["talos-east", "talos-west"] as const;
/** The per-cluster kinds this proof deploys: every kind but those that need machines (Proxmox VMs, Talos nodes). */
const DEPLOYED_KINDS = CLUSTER_STACK_KINDS.filter((k) => !needsMachines(k));
/** Namespaces a chart creates itself (no kubernetes_namespace_v1 of ours), with the level its component says the chart gives it. */
const CHART_NAMESPACES = [{ name: OLM_NAMESPACE, level: OLM_NAMESPACE_LEVEL }] as const;
// The engine's -parallelism for every deploy and destroy here (npm run deploy --terraform-parallelism):
// this machine's two cores host both clusters' control planes, and the engine's default of ten
// releases at once per stack stretched each install (rook-ceph 26 s inside the deploy, 8 s installed
// alone while the other cluster installed too): docs/benchmark.md has both runs.
const TERRAFORM_PARALLELISM = 2;
/** `npm run deploy|destroy` of `stacks`, as the README says to run a subset, with the proof's output folder and parallelism. */
const projectRun = (command: "deploy" | "destroy", out: string, stacks: readonly string[]) => [
  "run",
  command,
  "--",
  "--auto-approve",
  "--ignore-missing-stack-dependencies",
  "--skip-provider-lock",
  "--terraform-parallelism",
  String(TERRAFORM_PARALLELISM),
  "--output",
  out,
  ...stacks,
];
/** The stacks it deploys, in registry order. */
const DEPLOYED_STACKS = meshStackNames(CLUSTERS).filter((name) => !needsMachines(parseStackName(name, CLUSTERS)!.kind));

cli({
  name: "proof:apply",
  summary:
    "Deploys the Kubernetes half of the default mesh for real on two local control planes (root; network namespace holding only lo), re-plans it as a no-op, changes one release, destroys it.",
  options: { keep: { type: "boolean", description: "keep the scratch folder (control-plane logs, state, synthesized stacks)" } },
});
const p = proof("apply-proof", process.argv.slice(2), process.env[INNER]);

if (!process.env[INNER]) outside();
else inside().catch((e) => p.die(e instanceof Error ? (e.stack ?? e.message) : String(e)));

/** Preparation that needs the module proxy (kit, helm, Cilium's CRDs), then the run itself in a fresh network namespace. */
function outside(): void {
  if (process.getuid?.() !== 0) p.die("run as root: the proof isolates itself in a network namespace (unshare --net)");
  for (const tool of ["unshare", "ip", "openssl"])
    if (run("sh", ["-c", `command -v ${tool}`]).status !== 0) p.die(`${tool} not found: install util-linux, iproute2 and openssl`);
  const chartSrc = process.env.AGGRIK8S_CHART_SRC ?? "";
  if (!chartSrc || !fs.existsSync(chartSrc)) p.die("set AGGRIK8S_CHART_SRC to the folder of chart release sources (e.g. ../shared/data/charts-src)");
  const kit = run("bash", [path.join(repoRoot, "proofs", "kit", "build.sh")], { stdio: ["ignore", "pipe", "inherit"] });
  if (kit.status !== 0) p.die("building the control-plane kit failed (output above)");
  const helmBin = goTool("helm");
  const ciliumSrc = moduleDir(`github.com/cilium/cilium@v${versions.platform.cilium}`);
  p.log(`engine ${engine()}; kit ${kit.stdout.trim()}; helm ${helmBin}`);
  const missing = packageCharts(helmBin, chartSrc, p.scratch, path.join(p.scratch, "charts"));
  if (missing.length) p.die(`no release source in ${chartSrc} for: ${missing.join(", ")}`);
  // The proof's own app (a global Service), packaged beside the pinned charts as `helm pull` would leave it.
  const app = helm(helmBin, ["package", path.join(repoRoot, "proofs", "apply", GLOBAL_APP.chart), "-d", path.join(p.scratch, "charts")]);
  if (app.status !== 0) p.die(`helm package of proofs/apply/${GLOBAL_APP.chart} failed: ${app.stderr}`);
  fs.writeFileSync(path.join(p.scratch, "prepared.json"), JSON.stringify({ kit: kit.stdout.trim(), helm: helmBin, ciliumSrc }));
  // The proof re-runs itself inside the namespace; its exit handlers there clean up the scratch folder.
  const r = run("unshare", ["--net", "--", process.execPath, __filename, ...process.argv.slice(2)], {
    cwd: repoRoot,
    stdio: "inherit",
    env: { ...process.env, [INNER]: p.scratch },
  });
  process.exitCode = r.status ?? 1;
  // The proof inside stops its processes on every exit it lives through; this catches the one it does not (killed).
  stopRecorded(path.join(p.scratch, "clusters", "pids"));
  if (!p.keep) fs.rmSync(p.scratch, { recursive: true, force: true });
  process.exit(process.exitCode);
}

/**
 * Kills every process the control planes recorded that is still running
 * (SIGKILL: the proof is over): only one that is not a zombie (alive) and
 * whose command line names this proof's scratch folder, so a PID the system
 * has since given to another process is left alone.
 */
function stopRecorded(pidFile: string): void {
  if (!fs.existsSync(pidFile)) return;
  for (const line of fs.readFileSync(pidFile, "utf8").split("\n").filter(Boolean)) {
    const [pid, name] = line.split(" ");
    try {
      if (!alive(Number(pid)) || !fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(p.scratch)) continue;
      process.kill(Number(pid), "SIGKILL");
      p.log(`stopped ${name} (pid ${pid}), left running by the proof inside`);
    } catch {
      // already gone, as it should be
    }
  }
}

function moduleDir(moduleAtVersion: string): string {
  const r = run("go", ["mod", "download", "-json", moduleAtVersion]);
  const j = JSON.parse(r.stdout || "{}");
  if (r.status !== 0 || !j.Dir) p.die(`the Go module proxy has no ${moduleAtVersion}: ${j.Error ?? r.stderr}`);
  return j.Dir;
}

interface Prepared {
  readonly kit: string;
  readonly helm: string;
  readonly ciliumSrc: string;
}

async function inside(): Promise<void> {
  const prepared: Prepared = JSON.parse(fs.readFileSync(path.join(p.scratch, "prepared.json"), "utf8"));
  if (run("ip", ["link", "set", "lo", "up"]).status !== 0) p.die("cannot bring lo up in the network namespace");
  const links = run("ip", ["-o", "link"]).stdout.trim().split("\n");
  if (links.length !== 1 || !links[0].includes(" lo:")) p.die(`the namespace must hold only lo, it holds: ${links.join("; ")}`);
  p.log("in a network namespace holding only lo");

  let failed = 0;
  const check = (ok: boolean, what: string) => {
    if (ok) p.log(`ok: ${what}`);
    else {
      failed++;
      console.error(`[apply-proof] FAILED: ${what}`);
    }
    return ok;
  };

  // The default mesh's clusters, each trimmed to one control plane and two workers (the kit's three nodes).
  const config = meshConfig();
  const configFile = path.join(p.scratch, "aggrik8s.yaml");
  fs.writeFileSync(configFile, YAML.stringify(config));
  const clusters = config.clusters.map(
    (c, i) =>
      new LocalCluster({
        name: c.name,
        dir: path.join(p.scratch, "clusters", c.name),
        kit: prepared.kit,
        basePort: 16000 + i * 1000,
        serviceSubnet: c.network.serviceSubnet,
        podSubnet: c.network.podSubnet,
        nodes: [
          ...c.controlPlane.nodes.map((n) => ({ name: n.name, controlPlane: true })),
          ...(c.workers?.nodes ?? []).map((n) => ({ name: n.name, controlPlane: false })),
        ],
      }),
  );
  p.onExit(() => clusters.forEach((c) => c.stop()));
  let t = Date.now();
  await Promise.all(clusters.map((c) => c.start()));
  p.log(`2 control planes up, 3 kwok nodes Ready each, in ${secs(t)}s`);

  // Cilium's operator registers its CRDs at runtime and never runs under kwok: apply them from the pinned source.
  const crds = path.join(prepared.ciliumSrc, "pkg", "k8s", "apis", "cilium.io", "client", "crds");
  for (const c of clusters) c.kubectl(["apply", "--server-side", "-R", "-f", crds]);
  p.log(`Cilium ${versions.platform.cilium} CRDs applied from ${crds}`);

  const out = path.join(p.scratch, "cdktf.out");
  const env = projectEnv(configFile);
  // Fixture state for each Talos stack, from what the real stack synthesizes.
  const synthed = run(process.execPath, [compiled("scripts/synth.ts")], { cwd: repoRoot, env: { ...env, CDKTF_OUTDIR: out } });
  if (synthed.status !== 0) p.die(`synth failed:\n${synthed.stderr}`);
  const stacks = synthesizedStacks(out);
  for (const s of stacks) for (const v of stackSecretNames(s.json as never).variables) env[v] ??= `apply-proof-${v.toLowerCase()}`;
  const talosClient = throwawayTalosClient();
  clusters.forEach((c) => {
    const talosStack = stacks.find((s) => s.name === `${c.name}-talos`)!;
    const outputs = writeTalosFixtureState(
      talosStack.json as never,
      path.join(p.scratch, "state", `${c.name}-talos.tfstate`),
      c.name,
      c.credentials(),
      talosClient,
    );
    p.log(`${c.name}-talos: fixture state with its ${outputs.length} outputs`);
  });

  const deployed = [...DEPLOYED_STACKS];
  const volumes = standInProvisioner(clusters, prepared);
  t = Date.now();
  const deploy = await npmTimed(projectRun("deploy", out, deployed), env);
  const deploySeconds = secs(t);
  const deployTimeline = timeline(deploy.lines, deployed);
  fs.writeFileSync(path.join(p.scratch, "deploy.log"), deploy.lines.map((l) => `${(l.t / 1000).toFixed(2)} ${l.text}`).join("\n"));
  volumes.stop();
  let applied = 0;
  if (!check(deploy.status === 0, `npm run deploy of ${deployed.length} stacks (${deploySeconds}s)`)) {
    for (const c of clusters)
      console.error(
        `[apply-proof] ${c.name} warning events:\n${c.kubectl(["get", "events", "-A", "--field-selector", "type=Warning"], undefined, false).stdout}`,
      );
  } else applied = deployed.length;

  // What the clusters received: every release the registry expects (tools/status.ts expectedReleases: the Cilium
  // stack's, each enabled component's, the extra ones), which is exactly what the stacks synthesized, each deployed.
  const resolved = validateConfig(config, "apply proof").config;
  const synthesizedReleases = (cluster: string) => resourcesOf<HelmReleaseJson>(stacks, [`${cluster}-cilium`, `${cluster}-platform`], "helm_release");
  // Etcd backups need Talos itself (its serviceaccounts.talos.dev CRD, and its controller writing the talosconfig
  // Secret): the kit's control planes run no Talos, so it stays off here (the chart and Talos proofs check it).
  const needsTalos = new Set<string>(["etcdBackup"]);
  const offComponents = PLATFORM_COMPONENTS.filter((k) => !needsTalos.has(k.key) && !resolved.clusters.some((c) => isEnabled(c.platform, k.key))).map(
    (k) => k.key,
  );
  check(
    offComponents.length === 0,
    `every platform component is on in at least one cluster, but ${[...needsTalos].join(", ")} (needs Talos)${offComponents.length ? ` (off: ${offComponents.join(", ")})` : ""}`,
  );
  for (const c of clusters) {
    const cluster = resolved.clusters.find((x) => x.name === c.name)!;
    const want = expectedReleases(cluster, resolved.proxmox)
      .map((r) => r.name)
      .sort();
    const synthesized = synthesizedReleases(c.name)
      .map((r) => r.name)
      .sort();
    check(
      JSON.stringify(synthesized) === JSON.stringify(want),
      `${c.name}: the stacks synthesize the releases the registry expects (${want.length}${JSON.stringify(synthesized) === JSON.stringify(want) ? "" : `; synthesized ${synthesized.join(", ")}`})`,
    );
    const releases = JSON.parse(helm(prepared.helm, ["list", "-A", "-a", "-o", "json", "--kubeconfig", c.kubeconfig]).stdout || "[]") as {
      name: string;
      status: string;
    }[];
    check(
      JSON.stringify(
        releases
          .filter((r) => r.status === "deployed")
          .map((r) => r.name)
          .sort(),
      ) === JSON.stringify(want),
      `${c.name}: every release deployed (${want.join(", ")}); helm says ${releases.map((r) => `${r.name}=${r.status}`).join(", ") || "none"}`,
    );
  }
  checkGlobalService(clusters, check);
  checkClusterMesh(clusters, config, out, check);
  checkPodSecurity(clusters, stacks, check);
  checkCredentials(clusters, config, prepared, check);
  // The operator's own health command, through the written mesh kubeconfig. Cilium's and ClusterMesh's
  // checks exec cilium-dbg in a running agent, which kwok cannot give: those two are skipped here.
  const status = () => run("npm", ["run", "--silent", "status", "--", "--skip", "cilium,clustermesh"], { cwd: repoRoot, env });
  const healthy = status();
  check(healthy.status === 0, `npm run status: every node Ready and release deployed\n${healthy.stdout.trim()}${healthy.stderr.trim()}`);

  // A second deploy must be a no-op: every applied stack re-plans with no changes.
  let noChange = 0;
  const replanSeconds: Record<string, number> = {};
  for (const s of deployed) {
    t = Date.now();
    const r = run(engine(), ["plan", "-input=false", "-lock=false", "-detailed-exitcode", "-no-color"], { cwd: path.join(out, "stacks", s), env: tfEnv(env) });
    replanSeconds[s] = secs(t);
    if (
      check(r.status === 0, `${s}: re-plan is a no-op (exit ${r.status}, ${replanSeconds[s]}s)${r.status === 0 ? "" : `\n${planSummary(r.stdout + r.stderr)}`}`)
    )
      noChange++;
  }
  // Where a stack's plan spends its time: the slowest re-plan once more, with the engine's log (provider processes).
  const slowest = Object.entries(replanSeconds).sort((a, b) => b[1] - a[1])[0][0];
  const replanTrace = tracedPlan(path.join(out, "stacks", slowest), tfEnv(env));

  // Day 2: one value of one component changes; only that release is planned, and applied.
  day2(config, configFile, out, env, clusters, prepared, check);

  // Destroy: platform before Cilium, no release and no project namespace left.
  const gone = watchReleases(clusters, prepared);
  t = Date.now();
  const destroy = npm(projectRun("destroy", out, deployed), env);
  const destroySeconds = secs(t);
  const order = gone.stop();
  const destroyed = check(destroy.status === 0, `npm run destroy of ${deployed.length} stacks (${destroySeconds}s)`) ? deployed.length : 0;
  for (const c of clusters) {
    // Releases present when destroy began (one that never deployed is reported above).
    const goneAt = (stack: string) =>
      resourcesOf<HelmReleaseJson>(stacks, [`${c.name}-${stack}`], "helm_release")
        .filter((r) => `${c.name}/${r.name}` in order)
        .map((r) => order[`${c.name}/${r.name}`]);
    const platformGone = goneAt("platform");
    const ciliumGone = goneAt("cilium");
    // Both must have been seen going: an empty side would make the comparison pass on nothing.
    const lastPlatform = platformGone.length && ciliumGone.length ? Math.max(...platformGone) : Infinity;
    const firstCilium = ciliumGone.length ? Math.min(...ciliumGone) : -Infinity;
    check(lastPlatform < firstCilium, `${c.name}: every platform release was gone before the Cilium stack's first (${lastPlatform} ms, ${firstCilium} ms)`);
    const left = JSON.parse(helm(prepared.helm, ["list", "-A", "-a", "-o", "json", "--kubeconfig", c.kubeconfig]).stdout || "[]") as unknown[];
    check(left.length === 0, `${c.name}: no release left (${left.length})`);
    const projectNamespaces = resourcesOf<NamespaceJson>(
      stacks,
      DEPLOYED_KINDS.map((k) => clusterStackName(c.name, k)),
      "kubernetes_namespace_v1",
    )
      .map((n) => n.metadata.name)
      .concat(CHART_NAMESPACES.map((n) => n.name));
    const ns = c.kubectl(["get", "namespaces", "-o", "jsonpath={.items[*].metadata.name}"]).stdout.split(" ");
    check(
      projectNamespaces.every((n) => !ns.includes(n)),
      `${c.name}: no project namespace left (${projectNamespaces.join(", ")})`,
    );
  }

  const after = status();
  check(after.status === 1, `npm run status after destroy reports the missing releases (exit ${after.status})\n${after.stdout.trim()}`);

  // Performance: the same releases installed with plain helm --wait on the same kit: each chain's releases one
  // after another, first one chain alone (talos-east), then both chains at once, as the deploy runs them.
  const sum = (rs: readonly { seconds: number }[]) => Math.round(rs.reduce((a, b) => a + b.seconds, 0) * 10) / 10;
  const alone = await plainHelmBaseline([clusters[0]], stacks, prepared, env);
  await uninstallAll(clusters, prepared);
  const together = await plainHelmBaseline(clusters, stacks, prepared, env);
  const helmSeconds = alone[clusters[0].name];
  const chain = sum(helmSeconds);
  const togetherChains = Object.fromEntries(Object.entries(together).map(([c, rs]) => [c, sum(rs)]));
  const slowestTogether = Math.max(...Object.values(togetherChains));
  p.log(
    `performance: deploy ${deploySeconds}s for ${deployed.length} stacks (the engine's -parallelism ${TERRAFORM_PARALLELISM}); plain helm install --wait of the slowest chain ${chain.toFixed(1)}s (${helmSeconds.map((h) => `${h.name} ${h.seconds}s`).join(", ")}); ratio ${(deploySeconds / chain).toFixed(2)}x`,
  );
  p.log(
    `performance: both chains installed at once with plain helm, as the deploy runs them: ${Object.entries(togetherChains)
      .map(([c, s]) => `${c} ${s}s`)
      .join(
        ", ",
      )} (wall ${Math.max(...Object.values(together).map((rs) => rs.at(-1)?.end ?? 0))}s); deploy against the slowest of them ${(deploySeconds / slowestTogether).toFixed(2)}x`,
  );
  p.log(`performance: deploy timeline: ${timelineSummary(deployTimeline)}`);
  p.log(
    `performance: ${slowest} re-planned with the engine's log: ${replanTrace.seconds}s, ${replanTrace.providers.length} provider processes (${replanTrace.providers
      .map((x) => `${x.name} started in ${x.handshake}s, ran ${x.ran}s`)
      .join("; ")})`,
  );
  p.log(
    `performance: no-op re-plan per stack ${Object.entries(replanSeconds)
      .map(([s, v]) => `${s} ${v}s`)
      .join(", ")}; destroy ${destroySeconds}s`,
  );
  fs.mkdirSync(path.join(repoRoot, "bench", "results"), { recursive: true });
  fs.writeFileSync(
    path.join(repoRoot, "bench", "results", "apply-proof.json"),
    JSON.stringify(
      {
        deploySeconds,
        terraformParallelism: TERRAFORM_PARALLELISM,
        chainHelmSeconds: chain,
        helmSeconds,
        bothChainsAtOnce: { chainSeconds: togetherChains, releases: together },
        deployTimeline,
        replanSeconds,
        replanTrace: { stack: slowest, ...replanTrace },
        destroySeconds,
      },
      null,
      2,
    ),
  );

  const line = `apply proof: ${applied} stacks applied, ${noChange} no-change re-plans, ${destroyed} destroyed, ${failed} failed`;
  console.log(line);
  process.exit(failed > 0 || noChange < applied ? 1 : 0);
}

function secs(since: number): number {
  return Math.round((Date.now() - since) / 100) / 10;
}

/**
 * The demo mesh's clusters with the kit's three nodes each, local state, credentials and charts, gates off, PKI
 * destroyable; every component the default mesh leaves off turned on in both (their secrets are the stacks' secret
 * refs, given throwaway values in the engine's environment only), and the global-Service app.
 */
function meshConfig(): MeshConfigInput & { clusters: NonNullable<MeshConfigInput["clusters"]> } {
  const mesh = structuredClone(DEFAULT_MESH) as MeshConfigInput & { clusters: NonNullable<MeshConfigInput["clusters"]> };
  for (const c of mesh.clusters) {
    c.controlPlane.nodes = c.controlPlane.nodes.slice(0, 1);
    c.workers = { ...c.workers, nodes: (c.workers?.nodes ?? []).slice(0, 2) };
    c.platform = {
      ...c.platform,
      olm: { enabled: true },
      proxmoxCsi: { enabled: true },
      robusta: { enabled: true },
      // The collector never runs here (kwok); its endpoint is loopback all the same.
      openTelemetry: { enabled: true, otlpEndpoint: "127.0.0.1:4317" },
      extraReleases: [
        {
          name: GLOBAL_APP.name,
          // Never contacted: charts.source dir takes <chart>-<version>.tgz from charts.dir.
          repository: "https://charts.invalid/",
          chart: GLOBAL_APP.chart,
          version: GLOBAL_APP.version,
          namespace: GLOBAL_APP.namespace,
          podSecurity: "restricted",
          values: { service: { annotations: { ...GLOBAL_APP.annotations } } },
        },
      ],
    } as never;
  }
  return {
    ...mesh,
    state: { backend: "local", dir: path.join(p.scratch, "state") },
    credentials: { dir: path.join(p.scratch, "credentials") },
    charts: { source: "dir", dir: path.join(p.scratch, "charts") },
    healthGates: false,
    allowPkiDestroy: true,
  } as never;
}

/** The app's Service on each live cluster carries the release values' annotations (proofs/apply/global-service.ts judges). */
function checkGlobalService(clusters: readonly LocalCluster[], check: (ok: boolean, what: string) => boolean): void {
  for (const c of clusters) {
    const v = globalServiceVerdict(c.name, c.kubectl(["-n", GLOBAL_APP.namespace, "get", "svc", GLOBAL_APP.name, "-o", "json"], undefined, false));
    check(v.ok, v.what);
  }
}

function projectEnv(configFile: string): NodeJS.ProcessEnv {
  return engineEnv({ AGGRIK8S_CONFIG: configFile, CHECKPOINT_DISABLE: "1", CI: "true", TERRAFORM_BINARY_NAME: engine() });
}

/** The engine's environment for a direct plan: the stacks' secrets as TF_VAR_*. */
function tfEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const vars = Object.fromEntries(
    Object.entries(env)
      .filter(([k]) => /^[A-Z][A-Z0-9_]*$/.test(k) && String(env[k]).startsWith("apply-proof-"))
      .map(([k, v]) => [`TF_VAR_${k}`, v]),
  );
  return { ...env, ...vars };
}

function npm(args: string[], env: NodeJS.ProcessEnv) {
  p.log(`npm ${args.join(" ")}`);
  return run("npm", args, { cwd: repoRoot, env, stdio: "inherit" });
}

function planSummary(out: string): string {
  return out
    .split("\n")
    .filter((l) => /^\s*[~+-]|will be|must be|Plan:|Error/.test(l))
    .slice(0, 40)
    .join("\n");
}

/** A Talos API client identity for the fixture (never dialled: the gates are off). */
function throwawayTalosClient(): TalosClientPem {
  const ca = selfSigned("talos-ca", "/CN=talos");
  const admin = selfSigned("talos-admin", "/O=os:admin");
  return { caPem: ca.certPem, certPem: admin.certPem, keyPem: admin.keyPem };
}

/** A one-day self-signed EC certificate and its key (PEM), made by openssl in the scratch folder; nothing trusts it. */
function selfSigned(name: string, subject: string): { certPem: string; keyPem: string } {
  const dir = path.join(p.scratch, "throwaway", name);
  fs.mkdirSync(dir, { recursive: true });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  const r = run("openssl", ["req", "-x509", ...ec, "-subj", subject, "-days", "1", "-keyout", "key.pem", "-out", "cert.pem"], { cwd: dir });
  if (r.status !== 0) p.die(`openssl could not make ${name}: ${r.stderr}`);
  const read = (n: string) => fs.readFileSync(path.join(dir, n), "utf8");
  return { certPem: read("cert.pem"), keyPem: read("key.pem") };
}

/** The stand-ins for what kwok lacks (proofs/apply/stand-ins.ts: volumes, webhook backends), as a child process; `stop` ends it. */
function standInProvisioner(clusters: readonly LocalCluster[], prepared: Prepared): { stop(): void } {
  const log = fs.openSync(path.join(p.scratch, "stand-ins.log"), "a");
  const child = spawn(process.execPath, [compiled("proofs/apply/stand-ins.ts"), path.join(prepared.kit, "kubectl"), ...clusters.map((c) => c.kubeconfig)], {
    cwd: repoRoot,
    stdio: ["ignore", log, log],
  });
  fs.closeSync(log);
  p.onExit(() => child.kill());
  return { stop: () => child.kill() };
}

/** ClusterMesh by config alone: each cluster's config secret names the other at its NodePort, and cilium-ca is the mesh CA. */
function checkClusterMesh(
  clusters: readonly LocalCluster[],
  config: ReturnType<typeof meshConfig>,
  out: string,
  check: (ok: boolean, what: string) => boolean,
): void {
  const meshCaDir = path.join(out, "stacks", "mesh-ca");
  const outputs = JSON.parse(run(engine(), ["output", "-json"], { cwd: meshCaDir, env: engineEnv() }).stdout || "{}") as Record<string, { value: string }>;
  const caPem = outputs.ca_certificate_pem?.value.trim() ?? "";
  // The CA key as mesh-ca's state holds it: the one place it may be.
  const shown = JSON.parse(run(engine(), ["show", "-json"], { cwd: meshCaDir, env: engineEnv() }).stdout || "{}");
  const keys = ((shown.values?.root_module?.resources ?? []) as { type: string; values: { private_key_pem?: string } }[]).filter(
    (r) => r.type === "tls_private_key",
  );
  const caFile = path.join(p.scratch, "mesh-ca.crt");
  fs.writeFileSync(caFile, caPem);
  const caKeyPem = keys
    .map((k) => k.values.private_key_pem ?? "")
    .find((pem) => {
      const pub = run("openssl", ["pkey", "-pubout"], { input: pem }).stdout;
      return pub !== "" && pub === run("openssl", ["x509", "-noout", "-pubkey", "-in", caFile]).stdout;
    });
  check(Boolean(caPem) && Boolean(caKeyPem), "mesh-ca: its state holds the CA certificate and its key");
  for (const c of clusters) {
    // No object of the cluster holds the mesh CA key: every secret, every namespace, decoded.
    const secrets = JSON.parse(c.kubectl(["get", "secrets", "-A", "-o", "json"]).stdout).items as {
      metadata: { namespace: string; name: string };
      data?: Record<string, string>;
    }[];
    const holders = secrets.filter((x) => Object.values(x.data ?? {}).some((v) => Buffer.from(v, "base64").toString().includes(caKeyPem!.trim())));
    check(
      Boolean(caKeyPem) && holders.length === 0,
      `${c.name}: no secret holds the mesh CA key${holders.length ? ` (${holders.map((h) => `${h.metadata.namespace}/${h.metadata.name}`).join(", ")})` : ""}`,
    );
    // Its ClusterMesh certificates: the mesh CA beside each, and each chains to it.
    for (const name of Object.values(CLUSTERMESH_TLS_SECRETS)) {
      const data = secrets.find((x) => x.metadata.namespace === "kube-system" && x.metadata.name === name)?.data ?? {};
      const crt = path.join(p.scratch, `${c.name}-${name}.crt`);
      fs.writeFileSync(crt, Buffer.from(data["tls.crt"] ?? "", "base64"));
      const verified = run("openssl", ["verify", "-CAfile", caFile, crt]);
      check(
        Buffer.from(data["ca.crt"] ?? "", "base64")
          .toString()
          .trim() === caPem && verified.status === 0,
        `${c.name}: ${name} carries the mesh CA and its certificate chains to it${verified.status ? ` (${verified.stdout.trim()} ${verified.stderr.trim()})` : ""}`,
      );
    }
    // Agents read cilium-clustermesh; with KVStoreMesh (the chart's default) it points them at the local
    // clustermesh-apiserver, and cilium-kvstoremesh holds the peers' real endpoints (templates/clustermesh-config/).
    const secretData = (name: string): Record<string, string> =>
      JSON.parse(c.kubectl(["-n", "kube-system", "get", "secret", name, "-o", "json"], undefined, false).stdout || "{}").data ?? {};
    const agents = secretData("cilium-clustermesh");
    const kvstoremesh = secretData("cilium-kvstoremesh");
    for (const peer of config.clusters.filter((x) => x.name !== c.name)) {
      const endpoint = `https://${peer.name}.mesh.cilium.io:${peer.clustermesh!.nodePort}`;
      const remote = Buffer.from(kvstoremesh[peer.name] ?? agents[peer.name] ?? "", "base64").toString();
      check(peer.name in agents && remote.includes(endpoint), `${c.name}: the ClusterMesh config names peer ${peer.name} at ${endpoint}`);
    }
  }
}

/** Each project namespace carries the level the stack declared, and no controller was refused a pod by admission. */
function checkPodSecurity(clusters: readonly LocalCluster[], stacks: Synthesized, check: (ok: boolean, what: string) => boolean): void {
  for (const c of clusters) {
    const declared = resourcesOf<NamespaceJson>(stacks, [`${c.name}-platform`], "kubernetes_namespace_v1");
    for (const ns of declared) {
      const labels = JSON.parse(c.kubectl(["get", "namespace", ns.metadata.name, "-o", "jsonpath={.metadata.labels}"]).stdout || "{}");
      const level = ns.metadata.labels["pod-security.kubernetes.io/enforce"];
      check(labels["pod-security.kubernetes.io/enforce"] === level, `${c.name}: namespace ${ns.metadata.name} enforces ${level}`);
    }
    for (const ns of CHART_NAMESPACES) {
      const labels = JSON.parse(c.kubectl(["get", "namespace", ns.name, "-o", "jsonpath={.metadata.labels}"], undefined, false).stdout || "{}");
      check(labels["pod-security.kubernetes.io/enforce"] === ns.level, `${c.name}: namespace ${ns.name} (its chart's own) enforces ${ns.level}`);
    }
    const refused = c
      .kubectl([
        "get",
        "events",
        "-A",
        "--field-selector",
        "reason=FailedCreate",
        "-o",
        'jsonpath={range .items[*]}{.involvedObject.namespace}/{.involvedObject.name}: {.message}{"\\n"}{end}',
      ])
      .stdout.trim();
    check(refused === "", `${c.name}: no pod refused by admission${refused ? `:\n${refused}` : ""}`);
  }
}

/** The credential files: mode 0600, and the mesh kubeconfig reaches each cluster's nodes by its admin@<cluster> context. */
function checkCredentials(
  clusters: readonly LocalCluster[],
  config: ReturnType<typeof meshConfig>,
  prepared: Prepared,
  check: (ok: boolean, what: string) => boolean,
): void {
  const dir = (config.credentials as { dir: string }).dir;
  const files = fs.existsSync(dir) ? walk(dir) : [];
  check(files.length > 0, `credential files written under ${dir} (${files.map((f) => path.relative(dir, f)).join(", ")})`);
  for (const f of files)
    check((fs.statSync(f).mode & 0o777) === 0o600, `${path.relative(dir, f)} has mode 0600 (${(fs.statSync(f).mode & 0o777).toString(8)})`);
  for (const c of clusters) {
    const r = run(path.join(prepared.kit, "kubectl"), [
      "--kubeconfig",
      path.join(dir, "kubeconfig"),
      "--context",
      `admin@${c.name}`,
      "get",
      "nodes",
      "-o",
      "name",
    ]);
    const nodes = r.stdout.trim().split("\n").filter(Boolean);
    check(
      r.status === 0 && nodes.length === 3,
      `kubectl --context admin@${c.name} get nodes through the mesh kubeconfig lists ${nodes.length} nodes${r.status ? `: ${r.stderr}` : ""}`,
    );
  }
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** One component value changes: re-synth, every stack re-planned, only that release changes; then deployed, and only it got a new revision. */
function day2(
  config: ReturnType<typeof meshConfig>,
  configFile: string,
  out: string,
  env: NodeJS.ProcessEnv,
  clusters: readonly LocalCluster[],
  prepared: Prepared,
  check: (ok: boolean, what: string) => boolean,
): void {
  const changed = structuredClone(config);
  const east = changed.clusters[0];
  const platform = (east.platform ?? {}) as Record<string, object>;
  east.platform = { ...platform, rookCeph: { ...platform.rookCeph, replicas: 1 } } as never;
  fs.writeFileSync(configFile, YAML.stringify(changed));
  const synthed = run(process.execPath, [compiled("scripts/synth.ts")], { cwd: repoRoot, env: { ...env, CDKTF_OUTDIR: out } });
  if (!check(synthed.status === 0, `day 2: synth with talos-east's Ceph pools at 1 replica${synthed.status ? `:\n${synthed.stderr}` : ""}`)) return;
  const touched: string[] = [];
  for (const s of DEPLOYED_STACKS) {
    const dir = path.join(out, "stacks", s);
    const plan = run(engine(), ["plan", "-input=false", "-lock=false", "-detailed-exitcode", "-out", "day2.plan"], { cwd: dir, env: tfEnv(env) });
    if (plan.status === 1) {
      check(false, `day 2: ${s} plans (${plan.stderr.trim().split("\n").slice(-3).join(" ")})`);
      continue;
    }
    if (plan.status !== 2) continue;
    const shown = JSON.parse(run(engine(), ["show", "-json", "day2.plan"], { cwd: dir, env: engineEnv() }).stdout);
    for (const rc of shown.resource_changes ?? [])
      if (!rc.change.actions.every((a: string) => a === "no-op" || a === "read")) touched.push(`${s}: ${rc.address} ${rc.change.actions.join("+")}`);
  }
  const want = touched.length === 1 && /^talos-east-platform: helm_release\.rook-ceph-cluster[^ ]* update$/.test(touched[0]);
  check(want, `day 2: exactly talos-east's rook-ceph-cluster release changes (${touched.join("; ") || "nothing"})`);
  const before = revisions(clusters, prepared);
  const r = npm(projectRun("deploy", out, ["talos-east-platform"]), env);
  const after = revisions(clusters, prepared);
  const bumped = Object.keys(after).filter((k) => after[k] !== before[k]);
  check(
    r.status === 0 && bumped.length === 1 && bumped[0] === "talos-east/rook-ceph-cluster",
    `day 2: deploy gave a new revision to ${bumped.join(", ") || "nothing"} only`,
  );
}

function revisions(clusters: readonly LocalCluster[], prepared: Prepared): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of clusters) {
    for (const r of JSON.parse(helm(prepared.helm, ["list", "-A", "-a", "-o", "json", "--kubeconfig", c.kubeconfig]).stdout || "[]") as {
      name: string;
      revision: string;
    }[])
      out[`${c.name}/${r.name}`] = r.revision;
  }
  return out;
}

/** Polls the releases while destroy runs; `stop` returns when each disappeared (ms since start). */
function watchReleases(clusters: readonly LocalCluster[], prepared: Prepared): { stop(): Record<string, number> } {
  const t0 = Date.now();
  const seen = new Set(Object.keys(revisions(clusters, prepared)));
  const goneAt: Record<string, number> = {};
  // A child process polls: the destroy runs synchronously in this one.
  const script = `
    const { execFileSync } = require("child_process");
    const [helmBin, ...kubeconfigs] = process.argv.slice(1);
    setInterval(() => {
      const names = [];
      for (const k of kubeconfigs) {
        try { for (const r of JSON.parse(execFileSync(helmBin, ["list", "-A", "-a", "-o", "json", "--kubeconfig", k.split("=")[1]], { encoding: "utf8" }) || "[]")) names.push(k.split("=")[0] + "/" + r.name); } catch {}
      }
      console.log(Date.now() + " " + names.join(","));
    }, 500);`;
  const logFile = path.join(p.scratch, "releases-during-destroy.log");
  const fd = fs.openSync(logFile, "w");
  const child = spawn(process.execPath, ["-e", script, prepared.helm, ...clusters.map((c) => `${c.name}=${c.kubeconfig}`)], {
    stdio: ["ignore", fd, "ignore"],
  });
  fs.closeSync(fd);
  return {
    stop() {
      child.kill();
      for (const line of fs.readFileSync(logFile, "utf8").split("\n").filter(Boolean)) {
        const [at, names] = line.split(" ");
        const present = new Set((names ?? "").split(",").filter(Boolean));
        for (const s of seen) if (!present.has(s) && goneAt[s] === undefined) goneAt[s] = Number(at) - t0;
      }
      return goneAt;
    },
  };
}

/**
 * The physical work a deploy does, measured without cdktf and the engine:
 * each release of a cluster's chain installed with plain `helm install
 * --wait`, in chain order, with the values the stacks synthesize (sensitive
 * ones given stand-in values), into namespaces labelled as the stacks label
 * them; the clusters given run their chains at once. Per cluster, each
 * release's seconds and when it ended (seconds since the baseline began).
 */
async function plainHelmBaseline(
  cs: readonly LocalCluster[],
  stacks: Synthesized,
  prepared: Prepared,
  env: NodeJS.ProcessEnv,
): Promise<Record<string, { name: string; seconds: number; end: number }[]>> {
  const ca = throwawayCa();
  const volumes = standInProvisioner(cs, prepared);
  const t0 = Date.now();
  try {
    const chains = await Promise.all(cs.map((c) => chainWithHelm(c, stacks, prepared, env, ca, t0)));
    return Object.fromEntries(cs.map((c, i) => [c.name, chains[i]]));
  } finally {
    volumes.stop();
  }
}

async function chainWithHelm(
  c: LocalCluster,
  stacks: Synthesized,
  prepared: Prepared,
  env: NodeJS.ProcessEnv,
  ca: { certBase64: string; keyBase64: string },
  t0: number,
): Promise<{ name: string; seconds: number; end: number }[]> {
  const results: { name: string; seconds: number; end: number }[] = [];
  for (const kind of ["cilium", "platform"] as const) {
    const stack = [clusterStackName(c.name, kind)];
    for (const ns of resourcesOf<NamespaceJson>(stacks, stack, "kubernetes_namespace_v1")) {
      c.kubectl(["create", "namespace", ns.metadata.name], undefined, false);
      c.kubectl(["label", "--overwrite", "namespace", ns.metadata.name, ...Object.entries(ns.metadata.labels).map(([k, v]) => `${k}=${v}`)]);
    }
    for (const s of resourcesOf<{ metadata: { name: string; namespace: string }; data?: Record<string, string>; data_wo?: Record<string, string> }>(
      stacks,
      stack,
      "kubernetes_secret_v1",
    )) {
      const ns = s.metadata.namespace.includes("${") ? String(s.metadata.namespace).replace(/.*namespaces_([a-z-]+)_ns_.*/, "$1") : s.metadata.namespace;
      c.kubectl(
        ["-n", ns, "create", "secret", "generic", s.metadata.name, ...Object.keys(s.data ?? s.data_wo ?? {}).map((k) => `--from-literal=${k}=stand-in`)],
        undefined,
        false,
      );
    }
    for (const r of inInstallOrder(resourcesOf<HelmReleaseJson>(stacks, stack, "helm_release"), c.name)) {
      const namespace = String(r.namespace).includes("${") ? String(r.namespace).replace(/.*namespaces_([a-z-]+)_ns_.*/, "$1") : r.namespace;
      const chart = path.resolve(path.join(p.scratch, "cdktf.out", "stacks", clusterStackName(c.name, kind)), r.chart);
      const valuesFile = path.join(p.scratch, `baseline-${c.name}-${r.name}.json`);
      // Terraform references in values are the mesh CA's certificates (base64 PEM); sensitive values a key or a token.
      fs.writeFileSync(valuesFile, (r.values?.[0] ?? "{}").replace(/\$\{[^}]*\}/g, ca.certBase64));
      const sets = [...(r.set_sensitive ?? []), ...(r.set_wo ?? [])].flatMap((s: { name: string }) => [
        "--set",
        `${s.name}=${/\.key$/.test(s.name) ? ca.keyBase64 : "stand-in"}`,
      ]);
      const t = Date.now();
      const h = await helmAsync(
        prepared.helm,
        ["install", r.name, chart, "-n", namespace, "--kubeconfig", c.kubeconfig, "--wait", "--timeout", "10m", "-f", valuesFile, ...sets],
        env,
      );
      results.push({ name: r.name, seconds: secs(t), end: secs(t0) });
      if (h.status !== 0) p.log(`baseline: ${c.name}: helm install ${r.name} failed: ${h.stderr.trim().split("\n").slice(-2).join(" ")}`);
    }
  }
  return results;
}

/** helm, as proofs/lib/charts.ts runs it, without blocking the event loop (chains run at once). */
function helmAsync(bin: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ status: number; stderr: string }> {
  const home = (d: string) => path.join(cacheDir(), "helm", d);
  const child = spawn(bin, args, {
    env: { ...env, HELM_CACHE_HOME: home("cache"), HELM_CONFIG_HOME: home("config"), HELM_DATA_HOME: home("data") },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve) => child.on("close", (code) => resolve({ status: code ?? 1, stderr })));
}

/** Uninstalls every release of the clusters (last installed first), waiting, so a baseline starts from what the first found. */
async function uninstallAll(cs: readonly LocalCluster[], prepared: Prepared): Promise<void> {
  for (const c of cs) {
    const releases = JSON.parse(helm(prepared.helm, ["list", "-A", "-a", "-o", "json", "--kubeconfig", c.kubeconfig]).stdout || "[]") as {
      name: string;
      namespace: string;
      updated: string;
    }[];
    for (const r of [...releases].sort((a, b) => b.updated.localeCompare(a.updated))) {
      // One minute: olmv1's uninstall never finishes its wait on this kit (it waited the whole 5 minutes in every run
      // of 2026-12-03, and the next baseline installed it again in under 2 s), and the rest finish in seconds.
      const u = helm(prepared.helm, ["uninstall", r.name, "-n", r.namespace, "--kubeconfig", c.kubeconfig, "--wait", "--timeout", "60s"]);
      if (u.status !== 0) p.log(`baseline: ${c.name}: helm uninstall ${r.name} failed: ${u.stderr.trim()}`);
    }
  }
}

// eslint-disable-next-line no-control-regex -- the escape sequence is the point
const ANSI_COLOUR = /\x1b\[[0-9;]*m/g;

/** npm with each output line time-stamped (ms since its start), echoed as it comes. */
function npmTimed(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number; lines: { t: number; text: string }[] }> {
  p.log(`npm ${args.join(" ")}`);
  const t0 = Date.now();
  const lines: { t: number; text: string }[] = [];
  const child = spawn("npm", args, { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
  const reader = (to: NodeJS.WriteStream) => {
    let partial = "";
    return (d: Buffer) => {
      to.write(d);
      const text = partial + d.toString();
      const cut = text.lastIndexOf("\n") + 1;
      partial = text.slice(cut);
      // Without the engine's colours (it colours into pipes too).
      for (const line of text.slice(0, cut).split("\n").slice(0, -1)) lines.push({ t: Date.now() - t0, text: line.replace(ANSI_COLOUR, "") });
    };
  };
  child.stdout.on("data", reader(process.stdout));
  child.stderr.on("data", reader(process.stderr));
  return new Promise((resolve) => child.on("close", (code) => resolve({ status: code ?? 1, lines })));
}

/** Where a deploy's time went, per stack, from its time-stamped output (each stack's lines are prefixed with its name). */
interface StackTimeline {
  /** Seconds since the deploy began: its engine started, its plan printed, its apply complete, its engine ended. */
  readonly start: number;
  readonly planned?: number;
  readonly applied?: number;
  readonly end: number;
  /** Each resource's seconds as the engine reports them (`Creation complete after`). */
  readonly resources: Record<string, number>;
}
interface DeployTimeline {
  /** Before the first stack's engine: npm, tsc -b, synth, the inits. */
  readonly beforeFirstStack: number;
  readonly total: number;
  readonly stacks: Record<string, StackTimeline>;
}
function timeline(lines: readonly { t: number; text: string }[], stackNames: readonly string[]): DeployTimeline {
  const s = (ms: number) => Math.round(ms / 100) / 10;
  const stacks: Record<string, StackTimeline> = {};
  for (const name of stackNames) {
    const own = lines.filter((l) => l.text.startsWith(`${name}  `)).map((l) => ({ t: l.t, text: l.text.slice(name.length + 2) }));
    // The deploy names each stack's time when it ends: its engine started that long before.
    const ended = lines.map((l) => ({ t: l.t, m: new RegExp(`^deploy: ${name} (?:done|FAILED) in ([\\d.]+)s`).exec(l.text) })).find((x) => x.m);
    if (!own.length || !ended) continue;
    const at = (re: RegExp) => own.find((l) => re.test(l.text))?.t;
    const resources: Record<string, number> = {};
    for (const l of own) {
      const m = /^(\S+): Creation complete after (?:(\d+)m)?(\d+)s/.exec(l.text);
      if (m) resources[m[1].replace(/_[0-9A-F]{8}$/, "")] = Number(m[2] ?? 0) * 60 + Number(m[3]);
    }
    const planned = at(/^Plan: /);
    const applied = at(/^Apply complete!/);
    stacks[name] = {
      start: s(ended.t - Number(ended.m![1]) * 1000),
      ...(planned !== undefined ? { planned: s(planned) } : {}),
      ...(applied !== undefined ? { applied: s(applied) } : {}),
      end: s(ended.t),
      resources,
    };
  }
  const firsts = Object.values(stacks).map((x) => x.start);
  return { beforeFirstStack: firsts.length ? Math.min(...firsts) : 0, total: s(lines.at(-1)?.t ?? 0), stacks };
}
/**
 * One plan with the engine's debug log (TF_LOG=debug): its wall time and each
 * provider process the engine started, how long its start took (`starting
 * plugin` to `plugin started`) and how long it ran.
 */
function tracedPlan(dir: string, env: NodeJS.ProcessEnv): { seconds: number; providers: { name: string; handshake: number; ran: number }[] } {
  const logFile = path.join(p.scratch, `trace-${path.basename(dir)}.log`);
  const t = Date.now();
  run(engine(), ["plan", "-input=false", "-lock=false", "-no-color"], { cwd: dir, env: { ...env, TF_LOG: "debug", TF_LOG_PATH: logFile } });
  const seconds = secs(t);
  const at = (line: string) => Date.parse(line.slice(0, line.indexOf(" ")));
  const starting: Record<string, number[]> = {};
  const started: Record<string, { name: string; at: number; startedIn: number }> = {};
  const providers: { name: string; handshake: number; ran: number }[] = [];
  const round = (ms: number) => Math.round(ms / 100) / 10;
  for (const line of fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8").split("\n") : []) {
    const name = /terraform-provider-([a-z0-9-]+)_v/.exec(line)?.[1];
    if (!name) continue;
    if (line.includes("provider: starting plugin:")) (starting[name] ??= []).push(at(line));
    // `plugin started: ... pid=N`, then `plugin process exited: ... id=N`.
    const pid = /\bp?id=(\d+)/.exec(line)?.[1];
    if (pid && line.includes("provider: plugin started:")) {
      const from = starting[name]?.shift() ?? at(line);
      started[pid] = { name, at: at(line), startedIn: at(line) - from };
    }
    if (pid && line.includes("provider: plugin process exited:") && started[pid])
      providers.push({ name, handshake: round(started[pid].startedIn), ran: round(at(line) - started[pid].at) });
  }
  return { seconds, providers };
}

/** A stack's Helm releases with the seconds the engine reports for each. */
const releasesOf = (x: StackTimeline) =>
  Object.entries(x.resources)
    .filter(([r]) => r.startsWith("helm_release."))
    .map(([r, v]) => `${r.replace(/^helm_release\.(.*)_release$/, "$1")} ${v}s`);

function timelineSummary(tl: DeployTimeline): string {
  return [
    `${tl.beforeFirstStack}s before the first stack's engine (npm, tsc -b, synth, inits)`,
    ...Object.entries(tl.stacks).map(
      ([n, x]) =>
        `${n} ${x.start}-${x.end}s (plan after ${x.planned !== undefined ? (x.planned - x.start).toFixed(1) : "?"}s, applied ${x.applied !== undefined ? (x.applied - x.start).toFixed(1) : "?"}s${
          releasesOf(x).length ? `; ${releasesOf(x).join(", ")}` : ""
        })`,
    ),
  ].join("; ");
}

/** Releases in the order the platform installs them (lib/platform/components.ts; synthesized JSON sorts them by id). */
function inInstallOrder(releases: HelmReleaseJson[], cluster: string): HelmReleaseJson[] {
  const config = validateConfig(meshConfig(), "apply proof").config.clusters.find((c) => c.name === cluster)!;
  const order = enabledComponents(config.platform).flatMap((c) => c.releases(componentContext(config, [])).map((r) => r.name));
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : -1);
  const byRank = [...releases].sort((a, b) => rank(a.name) - rank(b.name));
  // Then each after the releases it depends on (the Gateway API CRDs before Cilium).
  const out: HelmReleaseJson[] = [];
  const visit = (r: HelmReleaseJson, seen: Set<HelmReleaseJson>) => {
    if (out.includes(r) || seen.has(r)) return;
    seen.add(r);
    for (const d of r.depends_on ?? []) {
      const dep = releases.find((x) => d === `helm_release.${x.key}`);
      if (dep) visit(dep, seen);
    }
    out.push(r);
  };
  byRank.forEach((r) => visit(r, new Set()));
  return out;
}

/** A throwaway CA (base64 PEM, as the mesh-ca stack hands it over) for the plain-helm baseline. */
function throwawayCa(): { certBase64: string; keyBase64: string } {
  const ca = selfSigned("baseline-ca", "/CN=baseline");
  return { certBase64: Buffer.from(ca.certPem).toString("base64"), keyBase64: Buffer.from(ca.keyPem).toString("base64") };
}
