/**
 * What the Proxmox CSI plugin needs of a cluster's node labels (the Talos
 * proof reads them from each rendered machine config through Talos
 * machinery): each node's `topology.kubernetes.io/region` among the plugin's
 * regions (one per Proxmox API of its config) and its
 * `topology.kubernetes.io/zone` the Proxmox node its VM is on; no topology
 * labels where the plugin is off. Pure, so a unit test shows it can fail.
 */
export const REGION_LABEL = "topology.kubernetes.io/region";
export const ZONE_LABEL = "topology.kubernetes.io/zone";

/**
 * The problems of `labelsByNode` (node name -> its labels) against the
 * plugin's `regions` (undefined: the plugin is off) and `vmNodeOf` (node name
 * -> its VM's Proxmox node).
 */
export function topologyProblems(
  labelsByNode: Readonly<Record<string, Readonly<Record<string, string>>>>,
  csi: { readonly regions: readonly string[] } | undefined,
  vmNodeOf: Readonly<Record<string, string>>,
): string[] {
  const problems: string[] = [];
  for (const [node, labels] of Object.entries(labelsByNode)) {
    if (!csi) {
      if (labels[REGION_LABEL] !== undefined || labels[ZONE_LABEL] !== undefined)
        problems.push(`${node}: topology labels without the Proxmox CSI plugin: ${JSON.stringify(labels)}`);
      continue;
    }
    if (!csi.regions.includes(labels[REGION_LABEL]))
      problems.push(`${node}: region ${JSON.stringify(labels[REGION_LABEL])} is none of the plugin's (${csi.regions.join(", ")})`);
    if (labels[ZONE_LABEL] !== vmNodeOf[node]) problems.push(`${node}: zone ${JSON.stringify(labels[ZONE_LABEL])}, but its VM is on ${vmNodeOf[node]}`);
  }
  return problems;
}
