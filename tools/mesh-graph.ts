import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, TerraformStack } from "cdktf";
import { loadConfig } from "../lib/config/load";
import { DeploySchedule, criticalPath, deploySchedule, stackGraphMermaid } from "./graph";
import { buildMesh } from "../stacks";

/** The stacks of the mesh the environment's config describes, built by the same buildMesh as synth and prepared (cross-stack edges in place). */
function withMeshApp<T>(env: Readonly<Record<string, string | undefined>>, read: (app: App, clusters: string[]) => T): T {
  const { config } = loadConfig({ env });
  // Only the construct tree is read; the app is never synthesized, but App creates its outdir.
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "aggrik8s-graph-"));
  try {
    const app = new App({ outdir, stackTraces: false });
    buildMesh(app, config);
    // Cross-stack references become stack dependencies only when stacks are prepared (the first step of synth).
    app.node
      .findAll()
      .filter(TerraformStack.isStack)
      .forEach((s) => s.prepareStack());
    return read(
      app,
      config.clusters.map((c) => c.name),
    );
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The Mermaid stack graph of the mesh. */
export function meshGraph(env: Readonly<Record<string, string | undefined>>): string {
  return withMeshApp(env, stackGraphMermaid);
}

/** The mesh's longest chain of stacks (what a deploy waits for one after another). */
export function meshCriticalPath(env: Readonly<Record<string, string | undefined>>): string[] {
  return withMeshApp(env, (app) => criticalPath(app));
}

/** How the mesh's deploy fans out: mesh-wide stacks before, one job per cluster chain, mesh-wide stacks after. */
export function meshSchedule(env: Readonly<Record<string, string | undefined>>): DeploySchedule {
  return withMeshApp(env, deploySchedule);
}
