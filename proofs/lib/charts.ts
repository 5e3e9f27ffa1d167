/**
 * The pinned charts from their release sources ($AGGRIK8S_CHART_SRC, as in
 * ../shared/data/charts-src), made into what a chart repository serves: the
 * chart folder with its version stamped and its dependencies local, and the
 * packaged `<chart>-<version>.tgz` that `helm pull` would fetch.
 */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { cacheDir, run, versions } from "./proof";

type ChartKey = string;
interface ChartPin {
  readonly repository: string;
  readonly chart: string;
  readonly version: string;
  readonly source: { readonly archive: string; readonly path: string };
}

/** Runs the Go-built helm with its caches in the toolchain cache (never the user's). */
export function helm(bin: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return run(bin, args, {
    cwd: opts.cwd,
    env: {
      ...process.env,
      ...opts.env,
      HELM_CACHE_HOME: path.join(cacheDir(), "helm", "cache"),
      HELM_CONFIG_HOME: path.join(cacheDir(), "helm", "config"),
      HELM_DATA_HOME: path.join(cacheDir(), "helm", "data"),
    },
  });
}

function untar(archive: string, into: string): string {
  fs.mkdirSync(into, { recursive: true });
  const r = run("tar", ["-xzf", archive, "-C", into]);
  if (r.status !== 0) throw new Error(`cannot unpack ${archive}: ${r.stderr}`);
  const [top] = fs.readdirSync(into);
  return path.join(into, top);
}

/**
 * Unpacks a pinned chart into `scratch` and makes its dependencies local, the
 * way its release workflow packages it; undefined when its source is not in
 * `chartSrc`. Throws when a dependency has no source there.
 */
export function prepareChart(key: ChartKey, chartSrc: string, scratch: string): string | undefined {
  const pin = versions.charts[key] as ChartPin;
  const archive = path.join(chartSrc, pin.source.archive.replace("{version}", pin.version));
  if (!fs.existsSync(archive)) return undefined;
  const top = untar(archive, path.join(scratch, "charts-src", key));
  const dir = pin.source.path === pin.chart && archive.endsWith(".tgz") ? top : path.join(top, pin.source.path);
  const chartFile = path.join(dir, "Chart.yaml");
  const chart = YAML.parse(fs.readFileSync(chartFile, "utf8"));
  // Release workflows stamp the version; the tag holds a placeholder.
  chart.version = pin.version.replace(/^v/, "");
  const deps: { name: string; version: string; repository?: string; alias?: string }[] = chart.dependencies ?? [];
  const local: typeof deps = [];
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
      const sub = untar(path.join(chartSrc, `ceph-csi-operator-${d.version}.tar.gz`), path.join(scratch, "charts-src", `${key}-csi`));
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
  const missing = deps.filter((d) => !local.includes(d));
  if (missing.length) throw new Error(`${key}: dependencies with no source here: ${missing.map((d) => `${d.name} ${d.version}`).join(", ")}`);
  chart.dependencies = local.length ? local : undefined;
  fs.writeFileSync(chartFile, YAML.stringify(chart));
  fs.rmSync(path.join(dir, "Chart.lock"), { force: true });
  return dir;
}

/**
 * Packages every pinned chart into `into` as `<chart>-<version>.tgz` at its
 * exact pinned version (a `v` kept where the pin has one, as the chart's own
 * repository publishes it): the layout of the config's `charts.source: dir`.
 * Returns the keys it could not package (no source here).
 */
export function packageCharts(helmBin: string, chartSrc: string, scratch: string, into: string): string[] {
  fs.mkdirSync(into, { recursive: true });
  const missing: string[] = [];
  for (const key of Object.keys(versions.charts)) {
    const pin = versions.charts[key] as ChartPin;
    const target = path.join(into, `${pin.chart}-${pin.version}.tgz`);
    if (fs.existsSync(target)) continue;
    const dir = prepareChart(key, chartSrc, scratch);
    if (!dir) {
      missing.push(key);
      continue;
    }
    const r = helm(helmBin, ["package", dir, "--version", pin.version, "--destination", into]);
    if (r.status !== 0) throw new Error(`helm package ${key} failed: ${r.stderr}`);
    if (!fs.existsSync(target)) throw new Error(`helm package ${key} wrote no ${path.basename(target)}: ${r.stdout}`);
  }
  return missing;
}
