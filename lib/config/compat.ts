/**
 * The compatibility table the config's versions are checked against.
 *
 * Talos -> Kubernetes: the range Talos itself enforces, from
 * `pkg/machinery/compatibility/talos1XX` of siderolabs/talos (1.13 from
 * pkg/machinery v1.13.9: MinimumKubernetesVersion 1.31.0,
 * MaximumKubernetesVersion 1.36.99). Outside it Talos refuses the config, so
 * it is an error here.
 *
 * Cilium -> Kubernetes: the minors Cilium e2e-tests each release on, from
 * its own Documentation/network/kubernetes/compatibility.rst: v1.19.6 lists
 * 1.32, 1.33, 1.34, 1.35. 1.20 moves the window up one minor (derived).
 * Cilium calls other versions untested, not unsupported, so outside the
 * window is a warning.
 *
 * The pinned Kubernetes (versions.json platform.kubernetes, 1.35.10) is the
 * newest patch of the newest minor inside both: Talos 1.13 and Cilium 1.19.
 *
 * Cilium versions: only those whose chart `values.schema.json` the repo
 * validates generated values against (shared/data/cilium-chart).
 */

export interface KubernetesRange {
  /** Lowest Kubernetes MAJOR.MINOR. */
  readonly min: string;
  /** Highest Kubernetes MAJOR.MINOR. */
  readonly max: string;
}

export const TALOS_KUBERNETES: Readonly<Record<string, KubernetesRange>> = {
  "1.10": { min: "1.28", max: "1.33" },
  "1.11": { min: "1.29", max: "1.34" },
  "1.12": { min: "1.30", max: "1.35" },
  "1.13": { min: "1.31", max: "1.36" },
};

export const CILIUM_KUBERNETES_TESTED: Readonly<Record<string, KubernetesRange>> = {
  "1.19": { min: "1.32", max: "1.35" },
  "1.20": { min: "1.33", max: "1.36" },
};

/** `v1.12.4` or `1.34.1` -> `1.12` / `1.34`. */
export function minorOf(version: string): string {
  return version.replace(/^v/, "").split(".").slice(0, 2).join(".");
}

function minorNumber(minor: string): number {
  const [major, m] = minor.split(".").map(Number);
  return major * 1000 + m;
}

/** Whether MAJOR.MINOR `minor` is inside `range`. */
export function inRange(minor: string, range: KubernetesRange): boolean {
  const n = minorNumber(minor);
  return n >= minorNumber(range.min) && n <= minorNumber(range.max);
}

/** Markdown table of the above, for the README (kept in step by a test). */
export function compatibilityMarkdown(): string {
  const rows = [
    "| component | version | Kubernetes | outside the range |",
    "| --- | --- | --- | --- |",
    ...Object.entries(TALOS_KUBERNETES).map(([t, r]) => `| Talos | ${t}.x | ${r.min} - ${r.max} | error (Talos refuses) |`),
    ...Object.entries(CILIUM_KUBERNETES_TESTED).map(([c, r]) => `| Cilium | ${c}.x | ${r.min} - ${r.max} | warning (untested upstream) |`),
  ];
  return rows.join("\n");
}
