import { Release } from "@cdktf/provider-helm/lib/release";
import { Fn, ITerraformDependable, Precondition, Token } from "cdktf";
import { Construct } from "constructs";
import { PropsError } from "../errors";
import { fromStackDir } from "../project-path";
import { ChartPin } from "../versions";
import { ChartSource, REGISTRY_CHARTS, chartLocation } from "./chart-source";
import { LocalChart } from "./local-chart";

export interface ChartReleaseProps {
  /** Release name. */
  readonly name: string;
  /**
   * Chart repository, name and exact version (from versions.json, or the
   * config for extra releases), or a chart kept in this repository by its
   * folder relative to the project root (`charts/...`; its version is the one
   * in its Chart.yaml), or a LocalChart (charts/<name>, copied beside the
   * stack as a cdktf asset whose path carries its content hash).
   */
  readonly chart: ChartPin | LocalChart | { readonly localPath: string };
  /** Where a pinned chart is fetched from (a chart kept in this repository is always local). @default - the chart's own repository */
  readonly chartSource?: ChartSource;
  /** Namespace; created beforehand with its Pod Security level (never by Helm). */
  readonly namespace: string;
  /** Typed values, serialised once as JSON (which Helm reads as YAML). May hold tokens. @default - chart defaults */
  readonly values?: object;
  /**
   * Secret values by dotted chart key, passed write-only (`set_wo`): masked in
   * plans and logs and never stored in state; a 48-bit prefix of their SHA-256
   * is the revision, so a changed secret upgrades the release. A key inside
   * a list (`a[0].b`) is refused: the helm provider merges write-only values
   * into the release's values map by map and replaces a list whole, so the
   * list's other entries and fields would be lost (give such a secret through
   * a Kubernetes Secret the chart reads). @default - none
   */
  readonly sensitiveValues?: Readonly<Record<string, string>>;
  /** Seconds Helm waits for the release to be ready. @default - 600 */
  readonly timeoutSeconds?: number;
  /** Constructs the release waits for (e.g. its namespace). @default - none */
  readonly dependsOn?: readonly ITerraformDependable[];
  /**
   * Adopt objects of the chart that exist already without Helm's ownership
   * labels (Helm's `--take-ownership`), e.g. ones a Talos bootstrap manifest
   * created before the release took them over.
   * @default false
   */
  readonly takeOwnership?: boolean;
  /** Checked at plan: a false one refuses the whole plan with its message. @default - none */
  readonly preconditions?: readonly Precondition[];
}

/**
 * A pinned Helm release that waits until its workloads are ready and rolls
 * back a failed upgrade, so the next stack in the chain starts on a working
 * cluster.
 *
 * @see https://registry.terraform.io/providers/hashicorp/helm/latest/docs/resources/release
 */
export class ChartRelease extends Construct {
  readonly release: Release;

  constructor(scope: Construct, id: string, props: ChartReleaseProps) {
    super(scope, id);
    this.release = new Release(this, "release", {
      name: props.name,
      ...releaseChart(this, props.chart, props.chartSource ?? REGISTRY_CHARTS),
      namespace: props.namespace,
      createNamespace: false,
      values: props.values ? [JSON.stringify(props.values)] : undefined,
      ...writeOnlySets(this, props.sensitiveValues),
      wait: true,
      atomic: true,
      cleanupOnFail: true,
      timeout: props.timeoutSeconds ?? 600,
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
      ...(props.takeOwnership ? { takeOwnership: true } : {}),
      ...(props.preconditions?.length ? { lifecycle: { precondition: [...props.preconditions] } } : {}),
    });
  }
}

/** The helm_release repository, chart and version; a local chart's path is the project's, seen from the stack directory the engine runs in. */
function releaseChart(scope: Construct, chart: ChartReleaseProps["chart"], source: ChartSource): { repository?: string; chart: string; version?: string } {
  if (chart instanceof LocalChart) return { chart: chart.path, version: chart.version };
  if ("localPath" in chart) return { chart: fromStackDir(chart.localPath, scope) };
  const location = chartLocation(chart, source);
  return {
    repository: location.repository,
    chart: location.repository === undefined ? fromStackDir(location.chart, scope) : location.chart,
    version: chart.version,
  };
}

/** A chart key that indexes a list (`sinksConfig[0].token`), where a write-only value would replace the whole list. */
export const LIST_INDEX_KEY = /\[[^\]]*\]/;

/** `set_wo` and its revision for `values` (by chart key); nothing when there are none. */
function writeOnlySets(
  scope: Construct,
  values: Readonly<Record<string, string>> | undefined,
): { setWo?: { name: string; value: string }[]; setWoRevision?: number } {
  const entries = Object.entries(values ?? {});
  // terraform-provider-helm v3.1.1 resource_helm_release.go: getWriteOnlyValues parses set_wo into a map of its own, mergeMaps merges it map by map.
  for (const [name] of entries.filter(([key]) => LIST_INDEX_KEY.test(key)))
    throw new PropsError({
      path: `${scope.node.path}.sensitiveValues.${name}`,
      message: `the write-only value ${name} sits inside a list: the helm provider merges write-only values map by map and replaces a list whole, so the list would keep only this value`,
      fix: "give the secret through a Kubernetes Secret the chart reads (a file or an environment variable from secretKeyRef), or a key of a map",
    });
  if (entries.length === 0) return {};
  // Keys and values joined (a value with the separator cannot fake another key: the key list is fixed at synth).
  const digest = Fn.sha256(
    Fn.join(
      "\n",
      entries.map(([name, value]) => Fn.join("=", [name, value])),
    ),
  );
  return { setWo: entries.map(([name, value]) => ({ name, value })), setWoRevision: Token.asNumber(Fn.parseint(Fn.substr(digest, 0, 12), 16)) };
}

export { terraformLiteral } from "./literal";
