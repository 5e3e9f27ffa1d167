import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { DEFAULT_STATE, StateConfig, configureBackend } from "../lib/state/backend";

/** Settings every stack shares. */
export interface Aggrik8sStackProps {
  /**
   * State backend (the config's `state`).
   * @default - local backend, `state/<stack>.tfstate` in the project directory (gitignored)
   */
  readonly state?: StateConfig;
}

/**
 * Base of every aggrik8s stack: its own state (one file, schema or object
 * per stack), so deploying or destroying one stack never touches another's.
 */
export class Aggrik8sStack extends TerraformStack {
  constructor(scope: Construct, name: string, props: Aggrik8sStackProps = {}) {
    super(scope, name);
    configureBackend(this, props.state ?? DEFAULT_STATE);
  }
}
