/**
 * The changes aggrik8s refuses, and their fix text: one wording for the
 * plan-time preconditions the stacks carry (so a plain `cdktf deploy`
 * refuses) and for `npm run diff`'s rollout summary (tools/rollout.ts).
 * The parts may be Terraform expressions (tokens), filled in at plan.
 */

/** A Cilium upgrade or downgrade of more than one minor (Cilium supports one minor at a time). */
export function ciliumJumpRefusal(p: { stack: string; from: string; to: string; nextMinor: string }): string {
  return `${p.stack}: Cilium ${p.from} -> ${p.to} jumps more than one minor, which Cilium does not support. Fix: set versions.cilium to the next minor first (${p.nextMinor}.x), deploy, then go on`;
}

/** A node removed from the config in one step: its VM would go (the VMs stack deploys first) before its Talos node is reset. */
export function nodeRemovalRefusal(p: { node: string; vmsStack: string; talosStack: string }): string {
  return `${p.node}: its VM (${p.vmsStack}) and its Talos node (${p.talosStack}) are removed in one deploy; the VMs stack deploys first, so the VM would be gone before the node is reset and leaves etcd. Fix: 1. put it back and set leaving: true on it, npm run deploy (the node resets and leaves); 2. delete it from the config, npm run deploy (its VM goes)`;
}
