import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { allowInsecureTls } from "../lib/insecure-tls";
import { fromStackDir } from "../lib/project-path";
import { DEFAULT_STATE, StateConfig, configureBackend } from "../lib/state/backend";

/** Settings every stack shares. */
export interface Aggrik8sStackProps {
  /**
   * State backend (the config's `state`).
   * @default - local backend, `state/<stack>.tfstate` in the project directory (gitignored)
   */
  readonly state?: StateConfig;
  /**
   * The config turned TLS verification off for this stack's API (e.g.
   * `proxmox.insecure`): the `no-insecure` policy then lets it pass.
   * @default - false: `insecure` settings fail synth
   */
  readonly allowInsecureTls?: boolean;
}

/**
 * Base of every aggrik8s stack: its own state (one file, schema or object
 * per stack), so deploying or destroying one stack never touches another's.
 */
export class Aggrik8sStack extends TerraformStack {
  constructor(scope: Construct, name: string, props: Aggrik8sStackProps = {}) {
    super(scope, name);
    // Context must be set before the first child construct exists.
    if (props.allowInsecureTls) allowInsecureTls(this);
    const state = props.state ?? DEFAULT_STATE;
    configureBackend(this, { state, localDir: state.backend === "local" ? this.fromProjectDir(state.dir) : undefined });
  }

  /**
   * A path relative to the project directory (where the config's relative
   * paths start) as seen from this stack's working directory, where the
   * engine runs; absolute paths stay as they are.
   */
  fromProjectDir(projectRelative: string): string {
    return fromStackDir(projectRelative, this);
  }
}
