import * as path from "path";
import { App, TerraformStack } from "cdktf";
import { IConstruct } from "constructs";

/**
 * Context the synth runner sets: the project directory (where the config's
 * relative paths start) and the directory the app writes to. Without it (a
 * bare `Testing.app()`), the output is taken to be `<project>/cdktf.out`.
 */
export const PROJECT_DIR_CONTEXT = "aggrik8s:projectDir";
export const OUTPUT_DIR_CONTEXT = "aggrik8s:outputDir";

/**
 * A path relative to the project directory, as seen from `scope`'s stack
 * working directory (`<output>/stacks/<name>/`, where the engine runs), so
 * `cdktf --output elsewhere` still reaches the state and credential folders
 * the config names. Absolute paths stay as they are.
 */
export function fromStackDir(projectRelative: string, scope: IConstruct): string {
  if (path.isAbsolute(projectRelative)) return projectRelative;
  const projectDir = scope.node.tryGetContext(PROJECT_DIR_CONTEXT) as string | undefined;
  const outputDir = scope.node.tryGetContext(OUTPUT_DIR_CONTEXT) as string | undefined;
  if (!projectDir || !outputDir) return path.join("..", "..", "..", projectRelative);
  const stackDir = path.join(outputDir, "stacks", TerraformStack.of(scope).node.id);
  return path.relative(stackDir, path.resolve(projectDir, projectRelative));
}

/** Sets the context above on an app: call before any stack exists. */
export function setProjectPaths(app: App, projectDir: string, outputDir: string): void {
  app.node.setContext(PROJECT_DIR_CONTEXT, projectDir);
  app.node.setContext(OUTPUT_DIR_CONTEXT, outputDir);
}
