/** A local chart directory holds every chart the mesh installs, so a deploy never stops at a missing chart. */
import * as fs from "fs";
import * as path from "path";
import { packagedChartFile } from "../../helm/chart-source";
import { componentContext, enabledComponents } from "../../platform/components";
import { CHARTS } from "../../versions";
import { MeshRule, clustersOf } from "./rule";

export const chartSources: MeshRule = (config, { err }) => {
  const charts = config.charts;
  if (charts.source !== "dir") return;
  const dir = path.resolve(charts.dir);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    err(
      "charts.dir",
      `${charts.dir} is not a directory${dir === charts.dir ? "" : ` (resolved to ${dir})`}`,
      "create it and `helm pull` every chart into it, or use source: registry",
    );
    return;
  }
  const wanted = new Map<string, string>();
  const want = (chart: { repository: string; chart: string; version: string }) =>
    wanted.set(packagedChartFile(chart), `helm pull ${chart.chart} --repo ${chart.repository} --version ${chart.version} -d ${charts.dir}`);
  want({ ...CHARTS.cilium, version: config.versions.cilium });
  for (const { c } of clustersOf(config)) {
    for (const component of enabledComponents(c.platform)) {
      // A chart kept in this repository (a LocalChart) needs no source.
      // The Proxmox APIs only shape the CSI plugin's values, never which chart it is.
      for (const r of component.releases(componentContext(c, []))) if (typeof r.chart === "string") want(CHARTS[r.chart]);
    }
    for (const r of c.platform.extraReleases) want(r);
  }
  const missing = [...wanted].filter(([file]) => !fs.existsSync(path.join(dir, file)));
  if (missing.length) {
    err(
      "charts.dir",
      `${charts.dir} lacks ${missing.length} chart${missing.length === 1 ? "" : "s"} the mesh installs: ${missing.map(([f]) => f).join(", ")}`,
      missing.map(([, pull]) => pull).join("; "),
    );
  }
};
