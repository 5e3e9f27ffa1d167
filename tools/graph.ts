/**
 * A Mermaid diagram of an app's stacks and their dependencies (the order
 * `cdktf deploy '*'` follows), grouped by cluster. Generated from the
 * constructed app, so it shows what the code builds, not what a doc says.
 */
import { App, TerraformStack } from "cdktf";

export function stackGraphMermaid(app: App, clusters: readonly string[]): string {
  const stacks = app.node.findAll().filter(TerraformStack.isStack);
  const id = (s: TerraformStack) => s.node.id.replace(/[^A-Za-z0-9_]/g, "_");
  const owner = (s: TerraformStack) => clusters.find((c) => s.node.id.startsWith(`${c}-`));
  const lines = ["flowchart LR"];
  for (const s of stacks.filter((x) => !owner(x))) lines.push(`  ${id(s)}["${s.node.id}"]`);
  for (const c of clusters) {
    const own = stacks.filter((s) => owner(s) === c);
    if (own.length === 0) continue;
    lines.push(`  subgraph ${c.replace(/[^A-Za-z0-9_]/g, "_")}["cluster ${c}"]`);
    for (const s of own) lines.push(`    ${id(s)}["${s.node.id}"]`);
    lines.push("  end");
  }
  for (const s of stacks) for (const d of s.dependencies as TerraformStack[]) lines.push(`  ${id(d)} --> ${id(s)}`);
  return ["```mermaid", ...lines, "```"].join("\n");
}

/**
 * The longest chain of stacks, by count, in deploy order: what a deploy of
 * every stack waits for one after another (VM boot, Talos install, Cilium
 * rollout run in sequence along it; everything off it runs alongside).
 */
export function criticalPath(app: App): string[] {
  const stacks = app.node.findAll().filter(TerraformStack.isStack);
  const longest = new Map<TerraformStack, string[]>();
  const visit = (s: TerraformStack): string[] => {
    const known = longest.get(s);
    if (known) return known;
    const before = (s.dependencies as TerraformStack[]).map(visit).sort((a, b) => b.length - a.length)[0] ?? [];
    const path = [...before, s.node.id];
    longest.set(s, path);
    return path;
  };
  return stacks.map(visit).sort((a, b) => b.length - a.length)[0] ?? [];
}
