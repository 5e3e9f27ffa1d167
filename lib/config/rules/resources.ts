/** VM sizes against the Talos minimums (error) and recommendations (warning): a pool-wide value is reported once for the pool, a per-node override for that node. */
import { MeshRule, RESOURCE_LIMITS, clustersOf } from "./rule";

export const resources: MeshRule = (config, { err, warn }) => {
  const clusters = clustersOf(config);
  for (const { c, path } of clusters) {
    for (const role of ["controlPlane", "workers"] as const) {
      const pool = c[role];
      const limits = RESOURCE_LIMITS[role === "controlPlane" ? "controlPlane" : "worker"];
      const label = role === "controlPlane" ? "a control plane" : "a worker";
      for (const field of ["cores", "memoryGiB"] as const) {
        const unit = field === "cores" ? " cores" : " GiB";
        const groups = new Map<string, { value: number; names: string[] }>();
        pool.nodes.forEach((node, i) => {
          const own = node[field] !== undefined;
          const at = own ? `${path}.${role}.nodes[${i}].${field}` : `${path}.${role}.${field}`;
          const group = groups.get(at) ?? { value: node[field] ?? pool[field], names: [] };
          group.names.push(node.name);
          groups.set(at, group);
        });
        for (const [at, { value, names }] of groups) {
          const who = names.join(", ");
          if (value < limits.minimum[field]) {
            err(
              at,
              `${value}${unit} (${who}) is below the Talos minimum for ${label}, ${limits.minimum[field]}${unit}`,
              `give it at least ${limits.minimum[field]}${unit}`,
            );
          } else if (value < limits.recommended[field]) {
            warn(
              at,
              `${value}${unit} (${who}) is below the Talos recommendation for ${label}, ${limits.recommended[field]}${unit}`,
              `give it ${limits.recommended[field]}${unit} for production`,
            );
          }
        }
      }
    }
  }
};
