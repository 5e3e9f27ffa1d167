import { LocalBackend, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { fromStackDir } from "../lib/project-path";

/** Settings every stack shares. */
export interface Aggrik8sStackProps {
  /**
   * Directory of the local backend's state files, one `<stack>.tfstate` each.
   * @default - "state" in the project directory (gitignored)
   */
  readonly stateDir?: string;
}

/**
 * Base of every aggrik8s stack: one state file per stack in a gitignored
 * directory, so deploying or destroying one stack never touches another's state.
 */
export class Aggrik8sStack extends TerraformStack {
  constructor(scope: Construct, name: string, props: Aggrik8sStackProps = {}) {
    super(scope, name);
    // Relative to the stack's working directory cdktf.out/stacks/<name>/, so state
    // survives `rm -rf cdktf.out` and never lands inside it.
    new LocalBackend(this, { path: fromStackDir(`${props.stateDir ?? "state"}/${name}.tfstate`) });
  }
}
