/**
 * `npm run deploy`'s check for a node removed from the config in one step,
 * made from each Talos stack's current state, before anything is applied.
 *
 * The VMs stack deploys before the Talos stack, so a node deleted from the
 * config at once would lose its VM before its `talos_machine` resets it (and a
 * control plane leaves etcd). `npm run diff` refuses that from the saved plans
 * (tools/rollout.ts); a plain deploy plans inside cdktf, so it reads the Talos
 * stack's state instead: a `talos_machine` there for a node the config no
 * longer lists at all (not even as `leaving: true`) is that removal. A node
 * that went through step 1 (`leaving: true`, deployed) has no
 * `talos_machine` left in state, so step 2 passes; a stack never deployed has
 * no state, so a first deploy passes.
 *
 * State addresses are mapped to nodes through the Talos stack's construct ids
 * (`TalosStack.machineAddress`), never by reading a name off the address alone.
 */
import { StateError } from "../lib/errors";
import { nodeRemovalRefusal } from "../lib/guards/refusals";
import { TalosStack } from "../stacks/talos-stack";
import { clusterStackName } from "../stacks/naming";

/** One cluster of the config, as far as the check reads it. */
export interface ClusterNodes {
  /** The cluster's name (its stacks are `<name>-vms`, `<name>-talos`). */
  readonly name: string;
  /** Every node the config lists for it, control planes and workers, leaving or not. */
  readonly nodes: readonly string[];
}

export interface NodeRemovalInput {
  readonly clusters: readonly ClusterNodes[];
  /** The stacks this deploy applies. Only clusters whose VMs stack is among them are checked (only that stack removes a VM). */
  readonly deploying: readonly string[];
  /**
   * Each Talos stack's current state addresses (`terraform state list`), by
   * stack name; absent (or undefined) when the stack has no state yet.
   */
  readonly states: Readonly<Record<string, readonly string[] | undefined>>;
}

export interface NodeRemovalCheck {
  /** One per node removed in one step, with its fix (the same text as `npm run diff`'s). */
  readonly refusals: string[];
  /** `talos_machine` addresses in state that belong to no node name (a construct path that moved): named, not refused. */
  readonly unmapped: string[];
}

/** The Talos stacks the check must read for a deploy of `deploying`. */
export function talosStacksToRead(clusters: readonly ClusterNodes[], deploying: readonly string[]): string[] {
  return clusters.filter((c) => deploying.includes(clusterStackName(c.name, "vms"))).map((c) => clusterStackName(c.name, "talos"));
}

/**
 * The node a `talos_machine` address of `talosStack` belongs to: the name its
 * logical id carries between the machine id's prefix and the hash, accepted
 * only when the address computed for that name is the same address.
 */
export function nodeOfMachineAddress(talosStack: string, address: string): string | undefined {
  // The address of a one-letter probe shows where the name sits in the id.
  const probe = TalosStack.machineAddress(talosStack, "x");
  const prefix = probe.slice(0, probe.lastIndexOf("x_"));
  if (!address.startsWith(prefix)) return undefined;
  const candidate = address.slice(prefix.length).replace(/_[^_]*$/, "");
  return candidate && TalosStack.machineAddress(talosStack, candidate) === address ? candidate : undefined;
}

export function nodeRemovalCheck(input: NodeRemovalInput): NodeRemovalCheck {
  const refusals: string[] = [];
  const unmapped: string[] = [];
  for (const cluster of input.clusters) {
    const vmsStack = clusterStackName(cluster.name, "vms");
    const talosStack = clusterStackName(cluster.name, "talos");
    if (!input.deploying.includes(vmsStack)) continue;
    const addresses = input.states[talosStack];
    if (!addresses) continue;
    const listed = new Set(cluster.nodes.map((n) => TalosStack.machineAddress(talosStack, n)));
    for (const address of addresses.filter((a) => a.startsWith("talos_machine.") && !listed.has(a))) {
      const node = nodeOfMachineAddress(talosStack, address);
      if (node === undefined) unmapped.push(`${talosStack}: ${address}`);
      else refusals.push(nodeRemovalRefusal({ node, vmsStack, talosStack }));
    }
  }
  return { refusals, unmapped };
}

/** How the engine's `state list` of one stack ended (a `spawnSync` result). */
export interface StateListRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Set when the engine could not be started at all. */
  readonly error?: Error;
  readonly signal?: NodeJS.Signals | null;
}

/** Which stack's `state list` it was, to name in an error. */
export interface StateListOf {
  readonly stack: string;
  /** The engine binary that ran it. */
  readonly engine: string;
  /** The stack's synthesized directory, where the engine ran. */
  readonly dir: string;
  readonly backend: "local" | "pg" | "s3" | "http";
}

/**
 * The engine's summary when the backend holds no state for the stack. The
 * engine exits 1 with it for every backend kind, on a first deploy: OpenTofu
 * 1.12's `state list` (internal/command/state_list.go) reports
 * diagErrStateNotFound ("No state file was found", internal/command/views/state.go)
 * whenever the state manager holds no state after RefreshState. Local: no
 * state file (internal/states/statemgr/filesystem.go). pg and s3: their
 * StateMgr writes an empty state only for a workspace Workspaces() does not
 * list, and Workspaces() always lists "default", the stacks' workspace
 * (internal/backend/remote-state/{pg,s3}/backend_state.go); a missing row or
 * object reads as no state (pg/client.go sql.ErrNoRows, s3/client.go
 * NoSuchKey, and http/client.go a 404, all nil payloads, which
 * internal/states/remote/state.go refreshState keeps as nil). Terraform's
 * state commands print the same sentence ("No state file was found!").
 */
const NO_STATE = /No state file was found/;

/** The engine's output as one line: colours and diagnostic box drawing dropped, blank lines gone, cut short. */
function oneLine(text: string): string {
  const plain = text
    // eslint-disable-next-line no-control-regex -- the engine colours its diagnostics unless told not to
    .replace(/\u001b\[[0-9;]*m/g, "")
    .split("\n")
    .map((l) => l.replace(/^[\s│╷╵]+/, "").trim())
    .filter(Boolean)
    .join(" ");
  return plain.length > 600 ? `${plain.slice(0, 600)}...` : plain;
}

/** What makes each backend's state readable (lib/state/backend.ts: every credential comes from the environment). */
const READABLE: Record<StateListOf["backend"], string> = {
  local: "its state file under state.dir readable",
  pg: "PostgreSQL reachable at state.connStr with PGPASSWORD set",
  s3: "the bucket reachable with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY set",
  http: "the state server reachable with TF_HTTP_PASSWORD set",
};

/**
 * A Talos stack's state addresses from its `state list`: undefined when the
 * backend holds no state for it yet (a first deploy: nothing to refuse). Any
 * other failure is an error, never an empty list: a check that passed on an
 * unreadable state would let a one-step node removal through.
 * @throws StateError naming the stack, the engine's own words and what to fix
 */
export function stateListAddresses(of: StateListOf, run: StateListRun): string[] | undefined {
  if (run.status === 0) return run.stdout.split("\n").filter(Boolean);
  const output = `${run.stderr}${run.stdout}`;
  if (run.status === 1 && NO_STATE.test(output)) return undefined;
  const how = run.error
    ? `could not be run (${run.error.message})`
    : run.status === null
      ? `was stopped by ${run.signal ?? "a signal"}`
      : `exited ${run.status}${output.trim() ? `: ${oneLine(output)}` : " and printed nothing"}`;
  throw new StateError({
    path: of.stack,
    message: `its state could not be read to check for nodes removed in one step: \`${of.engine} state list\` ${how}`,
    fix: `make the state readable (${READABLE[of.backend]}; with OpenTofu, AGGRIK8S_STATE_PASSPHRASE the passphrase it was written with), check with \`${of.engine} state list\` in ${of.dir}, then deploy again`,
  });
}
