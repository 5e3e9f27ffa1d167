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
