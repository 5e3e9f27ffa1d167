/**
 * Where Helm releases get their charts: the chart's own repository (the
 * default), one OCI registry that mirrors them, or a local directory of
 * packaged charts, for sites with no route to the public repositories.
 */
import * as path from "path";
import { ChartPin } from "../versions";

/**
 * - `registry`: each chart's own repository (versions.json `repository`, or an extra release's).
 * - `oci`: every chart from one OCI registry, as `<registry>/<chart>` at the pinned version (`helm push` of the packaged chart lays it out so).
 * - `dir`: every chart from a directory of packaged charts named `<chart>-<version>.tgz`, as `helm pull --version <version>` writes them.
 */
export type ChartSource = { readonly kind: "registry" } | { readonly kind: "oci"; readonly registry: string } | { readonly kind: "dir"; readonly dir: string };

/** The default: each chart from its own repository. */
export const REGISTRY_CHARTS: ChartSource = { kind: "registry" };

/** The file name `helm pull` and `helm package` give a chart. */
export function packagedChartFile(chart: Pick<ChartPin, "chart" | "version">): string {
  return `${chart.chart}-${chart.version}.tgz`;
}

/**
 * The helm_release `repository` and `chart` for a pinned chart from `source`.
 * A local chart has no repository: the path is the chart.
 *
 * @see https://helm.sh/docs/topics/registries/ (oci:// repositories)
 */
export function chartLocation(pin: ChartPin, source: ChartSource): { readonly repository?: string; readonly chart: string } {
  switch (source.kind) {
    case "registry":
      return { repository: pin.repository, chart: pin.chart };
    case "oci":
      return { repository: source.registry.replace(/\/+$/, ""), chart: pin.chart };
    case "dir":
      return { chart: path.join(source.dir, packagedChartFile(pin)) };
  }
}
