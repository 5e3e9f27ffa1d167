#!/usr/bin/env node
// Renders every Helm release the mesh installs with the real chart at its
// pinned version (`helm template`, helm built from its Go module), with the
// values aggrik8s synthesizes, and checks what the cluster would receive:
// Cilium's agent capabilities and clustermesh-apiserver service, Tetragon's
// tracefs mount, the OTel collector's exporters and kubelet scrape, Rook's
// OSD disk selection, and that Robusta and Kubescape render with our values.
// A chart with a values.schema.json (Cilium) validates the values as it renders.
//
// The charts come from $AGGRIK8S_CHART_SRC (release sources, as in
// ../shared/data/charts-src): versions.json charts.*.source names the archive.
//
//   node scripts/chart-proof.js [--keep]
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const YAML = require("yaml");
const { repoRoot, versions, cacheDir, synthesize, run } = require("./lib/toolchain");
const { memoryRequests } = require("../lib/platform/capacity");
const { ROOK_DAEMON_MEMORY_MIB } = require("../lib/platform/rook-ceph");
const { PLATFORM_COMPONENTS } = require("../lib/platform/components");

const log = (m) => console.log(`[chart-proof] ${m}`);
const die = (m) => {
  console.error(`[chart-proof] error: ${m}`);
  process.exit(1);
};

const chartSrc = process.env.AGGRIK8S_CHART_SRC;
if (!chartSrc || !fs.existsSync(chartSrc)) die("set AGGRIK8S_CHART_SRC to the folder of chart release sources (e.g. ../shared/data/charts-src)");

function helmBin() {
  const r = run("bash", [path.join(repoRoot, "scripts", "lib", "go-tool.sh"), "helm"], { stdio: ["ignore", "pipe", "inherit"] });
  if (r.status !== 0) die("building helm failed");
  return r.stdout.trim();
}

function helm(bin, args, cwd) {
  const r = run(bin, args, {
    cwd,
    env: {
      ...process.env,
      HELM_CACHE_HOME: path.join(cacheDir(), "helm", "cache"),
      HELM_CONFIG_HOME: path.join(cacheDir(), "helm", "config"),
      HELM_DATA_HOME: path.join(cacheDir(), "helm", "data"),
    },
  });
  return r;
}

function untar(archive, into) {
  fs.mkdirSync(into, { recursive: true });
  const r = run("tar", ["-xzf", archive, "-C", into]);
  if (r.status !== 0) die(`cannot unpack ${archive}: ${r.stderr}`);
  const [top] = fs.readdirSync(into);
  return path.join(into, top);
}

/** Unpacks a pinned chart and makes its dependencies local, the way its release workflow packages it. */
function prepareChart(bin, key, scratch) {
  const pin = versions.charts[key];
  const archive = path.join(chartSrc, pin.source.archive.replace("{version}", pin.version));
  if (!fs.existsSync(archive)) return undefined;
  const top = untar(archive, path.join(scratch, "charts", key));
  const dir = pin.source.path === pin.chart && archive.endsWith(".tgz") ? top : path.join(top, pin.source.path);
  const chartFile = path.join(dir, "Chart.yaml");
  const chart = YAML.parse(fs.readFileSync(chartFile, "utf8"));
  // Release workflows stamp the version; the tag holds a placeholder.
  chart.version = pin.version.replace(/^v/, "");
  const deps = chart.dependencies ?? [];
  const local = [];
  for (const d of deps) {
    if (d.repository?.startsWith("file://")) {
      const from = path.resolve(dir, d.repository.slice("file://".length));
      const to = path.join(dir, "charts", d.alias ?? d.name);
      // The repository may hold a symlink there already.
      fs.rmSync(to, { recursive: true, force: true });
      fs.cpSync(from, to, { recursive: true, dereference: true });
      local.push(d);
    } else if (d.name === "ceph-csi-operator") {
      // Rook's CSI operator subchart, from its own release source.
      const sub = untar(path.join(chartSrc, `ceph-csi-operator-${d.version}.tar.gz`), path.join(scratch, "charts", `${key}-csi`));
      const subDir = path.join(dir, "charts", d.alias ?? d.name);
      fs.cpSync(path.join(sub, "deploy", "charts", "ceph-csi-operator"), subDir, { recursive: true });
      const subChart = YAML.parse(fs.readFileSync(path.join(subDir, "Chart.yaml"), "utf8"));
      fs.writeFileSync(path.join(subDir, "Chart.yaml"), YAML.stringify({ ...subChart, version: d.version }));
      local.push(d);
    } else if (fs.existsSync(path.join(dir, "charts", `${d.name}-${d.version}.tgz`))) {
      // Vendored in the source (Robusta's Prometheus stack and Holmes): kept, so their conditions apply.
      local.push(d);
    }
  }
  // Any other remote dependency has no source here; none is left after the above for the pinned charts.
  const missing = deps.filter((d) => !local.includes(d));
  if (missing.length) die(`${key}: dependencies with no source here: ${missing.map((d) => `${d.name} ${d.version}`).join(", ")}`);
  chart.dependencies = local.length ? local : undefined;
  fs.writeFileSync(chartFile, YAML.stringify(chart));
  fs.rmSync(path.join(dir, "Chart.lock"), { force: true });
  return dir;
}

/** A throwaway CA in the shape the mesh-ca stack makes: Cilium builds certificates from it while rendering. */
function throwawayCa(scratch) {
  const dir = fs.mkdtempSync(path.join(scratch, "ca-"));
  const r = run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-subj",
    "/CN=aggrik8s chart-proof CA",
    "-days",
    "1",
    "-keyout",
    path.join(dir, "key.pem"),
    "-out",
    path.join(dir, "cert.pem"),
  ]);
  if (r.status !== 0) die(`openssl could not make a CA: ${r.stderr}`);
  const b64 = (f) => fs.readFileSync(path.join(dir, f)).toString("base64");
  return { certBase64: b64("cert.pem"), keyBase64: b64("key.pem") };
}

/** A release's values as Helm would receive them, with Terraform references replaced by placeholders. */
function releaseValues(release, namespaces, ca) {
  const PLACEHOLDER = "cGxhY2Vob2xkZXI="; // base64 of "placeholder": fits fields that want base64 too
  // Terraform's escape $${ stands for a literal ${ (the collector's own ${env:...}); every other ${...} is a reference.
  const text = (release.values ?? ["{}"])[0].replace(/\$?\$\{[^}]*\}/g, (m) => (m.startsWith("$$") ? m.slice(1) : PLACEHOLDER));
  const ns = release.namespace.replace(/^\$\{kubernetes_namespace_v1\.([^.]+)\.metadata\[0\]\.name\}$/, (_, id) => namespaces[id]);
  const values = JSON.parse(text);
  // Cilium signs Hubble's and the clustermesh-apiserver's certificates with the mesh CA as it renders.
  const secret = (name) => (release.chart === "cilium" && name === "tls.ca.key" ? ca.keyBase64 : "placeholder");
  if (release.chart === "cilium") values.tls.ca.cert = ca.certBase64;
  const sets = (release.set_sensitive ?? []).flatMap((s) => ["--set", `${s.name}=${secret(s.name)}`]);
  return { values, namespace: ns, sets };
}

const docsOf = (yamlText) =>
  YAML.parseAllDocuments(yamlText)
    .map((d) => d.toJS())
    .filter(Boolean);
const find = (docs, kind, name) => docs.find((d) => d.kind === kind && (!name || d.metadata?.name === name));

/** What each chart's rendering must show; returns the problems. */
const CHECKS = {
  cilium: (docs, values) => {
    const problems = [];
    const ds = find(docs, "DaemonSet", "cilium");
    const agent = ds?.spec.template.spec.containers.find((c) => c.name === "cilium-agent");
    const caps = agent?.securityContext?.capabilities?.add ?? [];
    if (JSON.stringify(caps) !== JSON.stringify(values.securityContext.capabilities.ciliumAgent)) problems.push(`agent capabilities ${JSON.stringify(caps)}`);
    if (caps.includes("SYS_MODULE")) problems.push("agent asks for SYS_MODULE, which Talos refuses");
    const svc = find(docs, "Service", "clustermesh-apiserver");
    const port = svc?.spec.ports?.[0];
    if (svc?.spec.type !== "NodePort" || port?.nodePort !== values.clustermesh.apiserver.service.nodePort)
      problems.push(`clustermesh-apiserver service ${JSON.stringify(svc?.spec)}`);
    const apiserver = find(docs, "Deployment", "clustermesh-apiserver");
    if (apiserver?.spec.replicas !== values.clustermesh.apiserver.replicas) problems.push(`clustermesh-apiserver replicas ${apiserver?.spec.replicas}`);
    // authMode cluster: one etcd user per peer, listed for the apiserver.
    const users = find(docs, "ConfigMap", "clustermesh-remote-users");
    const peers = (values.clustermesh.config.clusters ?? []).map((c) => c.name).sort();
    const listed = (YAML.parse(users?.data?.["users.yaml"] ?? "{}")?.users ?? []).map((u) => u.name).sort();
    if (JSON.stringify(listed) !== JSON.stringify(peers.map((p) => `remote-${p}`)))
      problems.push(`etcd users ${JSON.stringify(listed)} are not one per peer (authMode cluster)`);
    return problems;
  },
  tetragon: (docs) => {
    const spec = find(docs, "DaemonSet")?.spec.template.spec;
    const volume = spec?.volumes?.find((v) => v.hostPath?.path === "/sys/kernel/tracing");
    const mounted = spec?.containers.some((c) => c.volumeMounts?.some((m) => m.name === volume?.name && m.mountPath === "/sys/kernel/tracing"));
    return volume && mounted ? [] : ["no /sys/kernel/tracing host mount in the Tetragon container"];
  },
  "opentelemetry-collector": (docs) => {
    const cm = docs.find((d) => d.kind === "ConfigMap" && d.data?.relay);
    if (!cm) return ["no collector ConfigMap"];
    const config = YAML.parse(cm.data.relay);
    const problems = [];
    if (config.exporters.otlp) problems.push("the deprecated otlp exporter is configured");
    if (!config.exporters["otlp_grpc/metrics"]?.headers?.["x-honeycomb-dataset"]) problems.push("metrics exporter has no x-honeycomb-dataset header");
    if (JSON.stringify(config.service.pipelines.metrics.exporters) !== JSON.stringify(["otlp_grpc/metrics"]))
      problems.push(`metrics exporters ${JSON.stringify(config.service.pipelines.metrics.exporters)}`);
    const kubelet = config.receivers.kubeletstats;
    if (!kubelet) problems.push("no kubeletstats receiver");
    if (kubelet?.insecure_skip_verify) problems.push("kubelet scrape skips TLS verification");
    if (config.exporters.otlp_grpc?.headers?.["x-honeycomb-team"] !== "${env:OTLP_API_KEY}") problems.push("API key header is not read from the environment");
    return problems;
  },
  "metrics-server": (docs) => {
    const args = find(docs, "Deployment")?.spec.template.spec.containers.find((c) => c.name === "metrics-server")?.args ?? [];
    return args.some((a) => a.includes("kubelet-insecure-tls")) ? ["metrics-server skips kubelet TLS verification"] : [];
  },
  "rook-ceph-cluster": (docs, values) => {
    const cluster = find(docs, "CephCluster");
    const filter = cluster?.spec.storage?.devicePathFilter;
    return filter === values.cephClusterSpec.storage.devicePathFilter && !cluster.spec.storage.deviceFilter
      ? []
      : [`CephCluster storage ${JSON.stringify(cluster?.spec.storage)}`];
  },
};

/** MiB of a Kubernetes memory quantity. */
function mebibytes(q) {
  if (q === undefined) return 0;
  const m = String(q).match(/^([0-9.]+)(Ki|Mi|Gi|k|M|G)?$/);
  if (!m) die(`unreadable memory quantity ${q}`);
  const factor = { Ki: 1 / 1024, Mi: 1, Gi: 1024, k: 1000 / 1048576, M: 1e6 / 1048576, G: 1e9 / 1048576 }[m[2]] ?? 1 / 1048576;
  return Math.round(Number(m[1]) * factor);
}

/** Memory requested by the rendered workloads: once per cluster (Deployments x replicas) and per node (DaemonSets). */
function renderedRequests(docs) {
  const total = { cluster: 0, perNode: 0 };
  for (const d of docs) {
    if (!["Deployment", "StatefulSet", "DaemonSet"].includes(d.kind)) continue;
    const mib = d.spec.template.spec.containers.reduce((a, c) => a + mebibytes(c.resources?.requests?.memory), 0);
    if (d.kind === "DaemonSet") total.perNode += mib;
    else total.cluster += mib * (d.spec.replicas ?? 1);
  }
  return total;
}

/** Which capacity-table component a release belongs to. */
const COMPONENT_OF = {
  cilium: "cilium",
  tetragon: "tetragon",
  "rook-ceph": "rook-ceph",
  "rook-ceph-cluster": "rook-ceph",
  "opentelemetry-collector": "opentelemetry-collector",
  robusta: "robusta",
  kubescape: "kubescape",
  "metrics-server": "metrics-server",
};

/** The capacity table's chart-rendered requests of a component (Rook's operator-made daemons excluded). */
function tableRequests(platform, component) {
  const total = { cluster: 0, perNode: 0 };
  const operatorMade = new Set(Object.keys(ROOK_DAEMON_MEMORY_MIB));
  for (const r of memoryRequests(platform, 3).filter((x) => x.component === component && !(component === "rook-ceph" && operatorMade.has(x.workload)))) {
    if (r.placement === "every-node") total.perNode += r.memoryMiB;
    else if (r.placement === "cluster") total.cluster += r.memoryMiB * (r.replicas ?? 1);
  }
  return total;
}

function main() {
  const keep = process.argv.includes("--keep");
  const bin = helmBin();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "aggrik8s-chart-proof-"));
  process.on("exit", () => (keep ? log(`kept ${scratch}`) : fs.rmSync(scratch, { recursive: true, force: true })));
  const chartDirs = {};
  const chartKey = (release) =>
    Object.keys(versions.charts).find((k) => versions.charts[k].chart === release.chart && versions.charts[k].repository === release.repository);
  const stacks = synthesize("main.ts", path.join(scratch, "out"), { AGGRIK8S_CONFIG: "" });
  const ca = throwawayCa(scratch);
  let failures = 0;
  let rendered = 0;
  const renderedByComponent = {};
  const skipped = [];
  for (const stack of stacks) {
    const json = JSON.parse(fs.readFileSync(path.join(stack.dir, "cdk.tf.json"), "utf8"));
    const namespaces = Object.fromEntries(Object.entries(json.resource?.kubernetes_namespace_v1 ?? {}).map(([id, n]) => [id, n.metadata.name]));
    for (const release of Object.values(json.resource?.helm_release ?? {})) {
      const key = chartKey(release);
      if (!key) {
        log(`SKIP ${stack.name} ${release.name}: ${release.chart} is not a pinned chart (an extra release), no source to render`);
        continue;
      }
      if (versions.charts[key].version !== release.version && key !== "cilium") die(`${stack.name} ${release.name}: version ${release.version} is not the pin`);
      const pinKey = `${key}@${release.version}`;
      if (chartDirs[pinKey] === null) continue;
      if (!chartDirs[pinKey]) {
        chartDirs[pinKey] = prepareChart(bin, key, path.join(scratch, pinKey)) ?? null;
        if (chartDirs[pinKey] === null) {
          skipped.push(`${release.chart} ${release.version}`);
          log(`SKIP ${release.chart} ${release.version}: no release source in ${chartSrc} (versions.json charts.${key}.source); not rendered here`);
          continue;
        }
        if (
          fs.existsSync(path.join(chartDirs[pinKey], "requirements.yaml")) ||
          (YAML.parse(fs.readFileSync(path.join(chartDirs[pinKey], "Chart.yaml"), "utf8")).dependencies ?? []).some(
            (d) => d.repository?.startsWith("file://") && !fs.existsSync(path.join(chartDirs[pinKey], "charts", d.name, "Chart.yaml")),
          )
        ) {
          const dep = helm(bin, ["dependency", "build", chartDirs[pinKey]]);
          if (dep.status !== 0) die(`${key}: helm dependency build failed: ${dep.stderr}`);
        }
      }
      const { values, namespace, sets } = releaseValues(release, namespaces, ca);
      const valuesFile = path.join(scratch, `${stack.name}-${release.name}.json`);
      fs.writeFileSync(valuesFile, JSON.stringify(values));
      const r = helm(bin, [
        "template",
        release.name,
        chartDirs[pinKey],
        "--namespace",
        namespace,
        "--kube-version",
        versions.platform.kubernetes,
        "-f",
        valuesFile,
        ...sets,
      ]);
      rendered++;
      if (r.status !== 0) {
        failures++;
        log(`FAIL ${stack.name} ${release.name} (${release.chart} ${release.version}): helm template failed:\n${r.stderr.trim()}`);
        continue;
      }
      const docs = docsOf(r.stdout);
      if (stack.name.startsWith("talos-east-")) {
        const component = COMPONENT_OF[release.name];
        const got = renderedRequests(docs);
        const sum = (renderedByComponent[component] ??= { cluster: 0, perNode: 0 });
        sum.cluster += got.cluster;
        sum.perNode += got.perNode;
      }
      const problems = (CHECKS[release.name] ?? (() => []))(docs, values);
      if (problems.length) failures++;
      log(
        `${problems.length ? "FAIL" : "PASS"} ${stack.name} ${release.name} (${release.chart} ${release.version}): ${docs.length} objects${problems.length ? `: ${problems.join("; ")}` : CHECKS[release.name] ? ", checked" : ""}`,
      );
    }
  }
  // The capacity table (lib/platform/capacity.ts) must say what the charts request.
  const all = Object.fromEntries(PLATFORM_COMPONENTS.map((c) => [c.key, { enabled: true }]));
  for (const [component, got] of Object.entries(renderedByComponent)) {
    const want = tableRequests(all, component);
    const same = want.cluster === got.cluster && want.perNode === got.perNode;
    if (!same) failures++;
    log(
      `${same ? "PASS" : "FAIL"} capacity table, ${component}: charts request ${got.cluster} MiB per cluster and ${got.perNode} MiB per node${same ? ", as the table says" : `; the table says ${want.cluster} and ${want.perNode}: update lib/platform/capacity.ts`}`,
    );
  }

  // The checks can fail: Cilium with the chart's own capability list (SYS_MODULE in it) must be refused.
  const ciliumKey = `cilium@${versions.charts.cilium.version}`;
  const defaults = YAML.parse(fs.readFileSync(path.join(chartDirs[ciliumKey], "values.yaml"), "utf8"));
  const canary = helm(bin, ["template", "cilium", chartDirs[ciliumKey], "--namespace", "kube-system", "--kube-version", versions.platform.kubernetes]);
  const canaryProblems = CHECKS.cilium(docsOf(canary.stdout), { ...defaults, securityContext: { capabilities: { ciliumAgent: [] } } });
  const refused = canaryProblems.some((p) => p.includes("SYS_MODULE"));
  log(`${refused ? "PASS" : "FAIL"} canary: the chart's default values ${refused ? "are refused (SYS_MODULE)" : "were not refused"}`);
  if (!refused) failures++;
  if (failures) die(`${failures} check(s) failed`);
  log(
    `passed: ${rendered} releases rendered with the pinned charts${skipped.length ? `; not rendered, no source here: ${[...new Set(skipped)].join(", ")}` : ""}`,
  );
}

main();
