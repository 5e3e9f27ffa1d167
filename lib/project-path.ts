import * as path from "path";

/**
 * A path relative to the project directory, as seen from a stack's working
 * directory (cdktf.out/stacks/<name>/), where the engine runs. Absolute paths
 * stay as they are.
 */
export function fromStackDir(projectRelative: string): string {
  return path.isAbsolute(projectRelative) ? projectRelative : path.join("..", "..", "..", projectRelative);
}
