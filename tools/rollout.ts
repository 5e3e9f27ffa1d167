/**
 * What a set of saved plans (`terraform show -json plan` of each stack) will
 * do to the nodes, in the order it happens, and the changes aggrik8s refuses:
 * the lines `npm run diff` prints after planning (and puts in the summary).
 *
 * - `<cluster>-talos`: each `talos_machine` change (OS upgrade with drain and
 *   reboot, config re-apply, re-created for a new VM, joining, leaving), in
 *   the order of the node chain (each node's depends_on).
 * - `<cluster>-cilium`: a Kubernetes upgrade (`talos_cluster`) and a Cilium
 *   upgrade; a Cilium jump of more than one minor is refused.
 * - `<cluster>-vms`: VM changes waiting for a power cycle; a VM removed in the
 *   same deploy as its node's talos_machine is refused (the VMs stack deploys
 *   first, so the VM would be gone before the node is reset), with the two steps.
 */
import { ciliumJumpRefusal, nodeRemovalRefusal } from "../lib/guards/refusals";
import { ClusterStackKind, parseStackName } from "../stacks/naming";

/** The parts of a plan's JSON (`terraform show -json`) read here. */
export interface PlanJson {
  readonly resource_changes?: readonly ResourceChange[];
  readonly configuration?: { readonly root_module?: { readonly resources?: readonly { readonly address: string; readonly depends_on?: readonly string[] }[] } };
}
export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly before?: Record<string, unknown> | null;
    readonly after?: Record<string, unknown> | null;
    readonly after_unknown?: Record<string, unknown> | null;
  };
}

export interface Rollout {
  /** One line per change, in order. */
  readonly lines: string[];
  /** Changes refused, each with its fix. */
  readonly refusals: string[];
}

/** `talos_machine.cluster_machine-<node>_<HASH>` -> `<node>`. */
const machineNode = (address: string) => address.replace(/^talos_machine\.(.*_)?machine-/, "").replace(/_[0-9A-F]+$/, "");
const tag = (image: unknown) => String(image ?? "").replace(/^.*:/, "");

/** The talos_machine addresses of a plan in roll order (each after the one it depends on). */
function chainOrder(plan: PlanJson, addresses: readonly string[]): string[] {
  const deps = new Map((plan.configuration?.root_module?.resources ?? []).map((r) => [r.address, r.depends_on ?? []]));
  // A node no longer in the configuration (being removed) comes after the chain.
  const depth = (a: string, seen = new Set<string>()): number => {
    if (!deps.has(a)) return Number.MAX_SAFE_INTEGER;
    const prev = (deps.get(a) ?? []).find((d) => d.startsWith("talos_machine."));
    return prev && !seen.has(prev) ? 1 + depth(prev, seen.add(a)) : 0;
  };
  return [...addresses].sort((a, b) => depth(a) - depth(b) || a.localeCompare(b));
}

function minorOf(version: unknown): [number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)\./.exec(String(version ?? ""));
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** The kinds of stack whose plans the rollout reads. */
export const ROLLOUT_KINDS: readonly ClusterStackKind[] = ["talos", "cilium", "vms"];

/**
 * The rollout of `plans` (by stack name), for a mesh of `clusters`: each
 * stack's kind comes from the registry (stacks/naming.ts), matched exactly,
 * so a name that only ends like a kind (a stack of no cluster of the mesh) is
 * not read as one.
 */
export function rollout(plans: Readonly<Record<string, PlanJson>>, clusters: readonly string[]): Rollout {
  const lines: string[] = [];
  const refusals: string[] = [];
  const leavingTalos = new Map<string, string>();
  const kind = (stack: string) => parseStackName(stack, clusters)?.kind;
  for (const [stack, plan] of Object.entries(plans)) {
    const changes = plan.resource_changes ?? [];
    if (kind(stack) === "talos") {
      const machines = changes.filter((c) => c.type === "talos_machine" && !(c.change.actions.length === 1 && c.change.actions[0] === "no-op"));
      const byAddress = new Map(machines.map((c) => [c.address, c]));
      chainOrder(
        plan,
        machines.map((c) => c.address),
      ).forEach((address, i) => {
        const { actions, before, after, after_unknown } = byAddress.get(address)!.change;
        const node = machineNode(address);
        const step = `${stack}: ${i + 1}. ${node}`;
        if (actions.includes("delete") && actions.includes("create")) lines.push(`${step}: re-created (its VM changed): config applied to the new VM`);
        else if (actions[0] === "create") lines.push(`${step}: joins (config applied, Talos installs and reboots it)`);
        else if (actions[0] === "delete") {
          lines.push(`${step}: reset (a control plane leaves etcd gracefully), then out of the cluster`);
          leavingTalos.set(node, stack);
        } else if (before?.image !== after?.image || after_unknown?.image)
          lines.push(`${step}: upgrades to Talos ${tag(after?.image)} (drain, reboot, uncordon when Ready)`);
        else lines.push(`${step}: config re-applied (a reboot only if the change needs one)`);
      });
    } else if (kind(stack) === "cilium") {
      for (const c of changes) {
        const { actions, before, after } = c.change;
        if (actions[0] !== "update") continue;
        if (c.type === "talos_cluster" && before?.kubernetes_version !== after?.kubernetes_version) {
          lines.push(
            `${stack}: Kubernetes ${before?.kubernetes_version} -> ${after?.kubernetes_version} (upgrade-k8s: control plane components one by one, then each node's kubelet)`,
          );
        }
        if (c.type === "helm_release" && after?.name === "cilium" && before?.version !== after?.version) {
          const [from, to] = [minorOf(before?.version), minorOf(after?.version)];
          if (from && to && (from[0] !== to[0] || Math.abs(from[1] - to[1]) > 1)) {
            refusals.push(
              ciliumJumpRefusal({
                stack,
                from: String(before?.version),
                to: String(after?.version),
                nextMinor: `${from[0]}.${from[1] + (to[1] > from[1] ? 1 : -1)}`,
              }),
            );
          } else lines.push(`${stack}: Cilium ${before?.version} -> ${after?.version} (Helm upgrade, atomic)`);
        }
      }
    }
  }
  for (const [stack, plan] of Object.entries(plans)) {
    if (kind(stack) !== "vms") continue;
    for (const c of (plan.resource_changes ?? []).filter((x) => x.type === "proxmox_virtual_environment_vm")) {
      const { actions, before, after } = c.change;
      const name = String(before?.name ?? after?.name ?? c.address);
      if (actions.length === 1 && actions[0] === "delete" && leavingTalos.has(name)) {
        refusals.push(nodeRemovalRefusal({ node: name, vmsStack: stack, talosStack: leavingTalos.get(name)! }));
      } else if (actions.length === 1 && actions[0] === "update") {
        lines.push(`${stack}: ${name}: VM changed in place; what needs a power cycle waits for the node's next one (reboot_after_update is off)`);
      }
    }
  }
  return { lines, refusals };
}
