/** Rook's filesystem and object store pools hold at most one replica per worker (failure domain: host). */
import { MeshRule, clustersOf } from "./rule";

export const rookStores: MeshRule = (config, { err }) => {
  for (const { c, path } of clustersOf(config)) {
    const rook = c.platform.rookCeph;
    const workers = c.workers.nodes.length;
    if (!rook.enabled || workers === 0) continue;
    for (const store of ["filesystem", "objectStore"] as const) {
      const replicas = rook[store].replicas;
      if (rook[store].enabled && replicas !== undefined && replicas > workers) {
        err(
          `${path}.platform.rookCeph.${store}.replicas`,
          `replica count ${replicas} is larger than the worker count ${workers}`,
          `use at most ${workers}, or add workers`,
        );
      }
    }
  }
};
