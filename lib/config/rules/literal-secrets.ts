/**
 * No literal secrets where the config takes free-form values: an extra
 * release's Helm `values` and every other free-form part of a cluster's
 * platform. Those are written into cdktf.out/ and every plan in clear text;
 * secrets go in `secretValues` (or a component's secret fields) as
 * {env: NAME} / {doppler: NAME}, read at deploy time.
 */
import { LiteralSecret, literalSecrets } from "../literal-secrets";
import { MeshRule, clustersOf } from "./rule";

const REFS = "{env: VARIABLE_NAME} (or {doppler: SECRET_NAME} with doppler.enabled)";

function message(found: LiteralSecret): string {
  switch (found.reason) {
    case "key-name":
      return `${JSON.stringify(found.key)} names a secret and its value is a literal string (not repeated here), which would land in cdktf.out/ and every plan in clear text`;
    case "high-entropy":
      return "holds a high-entropy string shaped like a key or token (not repeated here), which would land in cdktf.out/ and every plan in clear text";
    case "secret-reference":
      return "is a secret reference inside values, which Helm would receive as it is, never resolved";
  }
}

export const literalSecretsRule: MeshRule = (config, { err }) => {
  for (const { c, path } of clustersOf(config)) {
    c.platform.extraReleases.forEach((r, i) => {
      for (const found of literalSecrets(r.values, `${path}.platform.extraReleases[${i}].values`, { refsAreLiteral: true })) {
        err(
          found.path,
          message(found),
          `move it to secretValues of extraReleases[${i}] as ${JSON.stringify(found.valuePath)}: ${REFS}, which Helm gets as a sensitive value at deploy time`,
        );
      }
    });
    for (const [key, part] of Object.entries(c.platform)) {
      if (key === "extraReleases") continue;
      for (const found of literalSecrets(part, `${path}.platform.${key}`, { refsAreLiteral: false })) {
        err(
          found.path,
          message(found),
          `give a secret as ${REFS} in a field that takes one; free-form fields take none (an extra release's secret Helm values go in its secretValues)`,
        );
      }
    }
  }
};
