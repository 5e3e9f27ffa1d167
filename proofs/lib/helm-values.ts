/**
 * Helm values as the helm provider builds them, for the chart proof. No cdktf
 * and no proof harness here, so a unit test reads it.
 */

/** Synthesized values, read by path. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- chart values of any shape
type Json = any;

/**
 * The map the helm provider builds from `set_wo` keys before merging it (strvals.ParseInto into an empty map):
 * dotted keys, `\.` a literal dot, `name[i]` a list index (a list of nulls up to it), each value a placeholder.
 */
export function writeOnlyValues(keys: readonly string[]): Json {
  const base: Json = {};
  for (const key of keys) {
    const segments = key.split(/(?<!\\)\./).map((x) => x.replace(/\\\./g, "."));
    let node: Json = base;
    segments.forEach((segment, i) => {
      const last = i === segments.length - 1;
      const m = /^(.*?)((?:\[\d+\])+)$/.exec(segment);
      const name = m ? m[1] : segment;
      const indices = m ? [...m[2].matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1])) : [];
      if (!indices.length) {
        if (last) node[name] = "placeholder";
        else node = node[name] = typeof node[name] === "object" && node[name] !== null ? node[name] : {};
        return;
      }
      let list: Json[] = (node[name] = Array.isArray(node[name]) ? node[name] : []);
      indices.forEach((index, j) => {
        while (list.length <= index) list.push(null);
        if (j < indices.length - 1) list = list[index] = Array.isArray(list[index]) ? list[index] : [];
        else if (last) list[index] = "placeholder";
        else node = list[index] = typeof list[index] === "object" && list[index] !== null ? list[index] : {};
      });
    });
  }
  return base;
}
