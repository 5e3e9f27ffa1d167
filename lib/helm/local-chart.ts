import * as fs from "fs";
import * as path from "path";
import { AssetType, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import YAML from "yaml";
import { PropsError } from "../errors";

/**
 * The repository's `charts/` folder. This module is `lib/helm/local-chart.ts`
 * (jest runs the source), or its compiled copy under `dist/` (`npm run
 * build`), which mirrors the repository with the build's own
 * `tsconfig.tsbuildinfo` at its top.
 */
export function chartsDir(): string {
  const up = path.resolve(__dirname, "..", "..");
  return path.join(fs.existsSync(path.join(up, "tsconfig.tsbuildinfo")) ? path.dirname(up) : up, "charts");
}

export interface LocalChartProps {
  /** Folder name under the repository's `charts/`. */
  readonly name: string;
}

/**
 * A chart kept in this repository (`charts/<name>`), copied into the stack's
 * output folder as a cdktf asset, so the engine finds it beside the stack.
 * Its path carries a hash of its content: any change to the chart changes the
 * release's `chart` and so upgrades it on the next deploy.
 */
export class LocalChart extends Construct {
  /** Path for helm_release `chart`, relative to the stack's working directory. */
  readonly path: string;
  /** The chart's own version (Chart.yaml). */
  readonly version: string;
  readonly name: string;

  constructor(scope: Construct, id: string, props: LocalChartProps) {
    super(scope, id);
    const dir = path.join(chartsDir(), props.name);
    const chartFile = path.join(dir, "Chart.yaml");
    if (!fs.existsSync(chartFile))
      throw new PropsError({ path: this.node.path, message: `no chart at charts/${props.name}`, fix: "name a folder of charts/ that holds a Chart.yaml" });
    const chart = YAML.parse(fs.readFileSync(chartFile, "utf8"));
    this.name = chart.name;
    this.version = String(chart.version);
    this.path = new TerraformAsset(this, "files", { path: dir, type: AssetType.DIRECTORY }).path;
  }
}
