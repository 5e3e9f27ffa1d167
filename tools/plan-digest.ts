/**
 * A digest of what a saved plan changes, so a plan made again later (in the
 * deploy job, after approval) can be checked against the one reviewed without
 * keeping the plan file: plans hold prior state and variables in clear text,
 * their digests nothing readable. Made from `terraform show -json <plan>`:
 * every resource and output change (address, actions, before, after, what is
 * unknown), sorted; the plan's timestamp, variables and the engine's
 * bookkeeping are left out, so two plans of the same change have one digest.
 *
 * @see https://developer.hashicorp.com/terraform/internals/json-format#plan-representation
 */
import { createHash } from "crypto";

interface ShownPlan {
  resource_changes?: { address: string; change: { actions: string[]; before?: unknown; after?: unknown; after_unknown?: unknown } }[];
  output_changes?: Record<string, { actions: string[]; before?: unknown; after?: unknown; after_unknown?: unknown }>;
}

/** Keys sorted at every level, so equal values serialise equally. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, x]) => [k, canonical(x)]),
    );
  return v;
}

/** sha256 (hex) of the changes in `terraform show -json` output of a saved plan. */
export function planDigest(showJson: string): string {
  const plan = JSON.parse(showJson) as ShownPlan;
  const changes = {
    resources: (plan.resource_changes ?? [])
      .map((r) => ({ address: r.address, actions: r.change.actions, before: r.change.before, after: r.change.after, unknown: r.change.after_unknown }))
      .sort((a, b) => a.address.localeCompare(b.address)),
    outputs: plan.output_changes ?? {},
  };
  return createHash("sha256")
    .update(JSON.stringify(canonical(changes)))
    .digest("hex");
}

/** The digests file: `<sha256>  <stack>` per line (sha256sum's layout). */
export function formatDigests(digests: Readonly<Record<string, string>>): string {
  return Object.entries(digests)
    .map(([stack, d]) => `${d}  ${stack}\n`)
    .join("");
}

export function parseDigests(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split("\n")
      .map((l) => /^([0-9a-f]{64}) {2}(\S+)$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[2], m[1]]),
  );
}
