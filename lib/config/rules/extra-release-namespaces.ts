/** Extra releases: never into Kubernetes' or Talos' own namespaces, one Pod Security level per namespace. */
import { BUILTIN_NAMESPACES, UNMANAGED_NAMESPACES } from "../../platform/namespaces";
import { MeshRule, clustersOf } from "./rule";

export const extraReleaseNamespaces: MeshRule = (config, { err }) => {
  const clusters = clustersOf(config);
  for (const { c, path } of clusters) {
    const levels = new Map<string, { level: string; where: string }>(
      Object.entries(BUILTIN_NAMESPACES).map(([ns, level]) => [ns, { level, where: "a built-in component" }]),
    );
    c.platform.extraReleases.forEach((r, i) => {
      const p = `${path}.platform.extraReleases[${i}].namespace`;
      if (UNMANAGED_NAMESPACES.includes(r.namespace)) {
        err(p, `namespace ${r.namespace} belongs to Kubernetes/Talos and is not relabelled`, "install the release into a namespace of its own");
        return;
      }
      const seen = levels.get(r.namespace);
      if (seen && seen.level !== r.podSecurity) {
        err(
          `${path}.platform.extraReleases[${i}].podSecurity`,
          `namespace ${r.namespace} is ${seen.level} for ${seen.where}, not ${r.podSecurity}`,
          `use podSecurity: ${seen.level}, or another namespace`,
        );
      } else if (!seen) {
        levels.set(r.namespace, { level: r.podSecurity, where: `${path}.platform.extraReleases[${i}]` });
      }
    });
  }
};
