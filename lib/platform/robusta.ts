/**
 * Robusta: alert enrichment, reporting to the Robusta UI.
 *
 * Its signing key and account id are write-only Helm values (`set_wo`, keys
 * of maps). The UI sink's token is not: it sits in a list
 * (`sinksConfig[0]`), and the helm provider merges `set_wo` values into the
 * release's values map by map, replacing a list whole, so
 * `sinksConfig[0].robusta_sink.token` would leave a sink with its token only,
 * no name (terraform-provider-helm v3.1.1 resource_helm_release.go,
 * getWriteOnlyValues and mergeMaps). The token is a Kubernetes Secret of its
 * own (written write-only, before the release), given to the runner as an
 * environment variable, and the sink names it with Robusta's `{{ env.NAME }}`
 * syntax, which the runner resolves when it loads its config.
 *
 * @see https://docs.robusta.dev/master/setup-robusta/configuration-secrets.html
 * @see https://docs.robusta.dev/master/setup-robusta/installation/index.html
 */
import { z } from "zod";
import { SecretRefSchema, optIn } from "../schema-parts";
import { defineComponent } from "./component";

/** Robusta chart keys that are secrets: set write-only (set_wo), never in values; keys of maps only (never inside a list). */
export const ROBUSTA_SECRET_KEYS = {
  signingKey: "globalConfig.signing_key",
  accountId: "globalConfig.account_id",
} as const;

/** The Secret holding the UI sink's token, and the runner's environment variable that carries it. */
export const ROBUSTA_SINK_TOKEN = { secret: "robusta-ui-sink-token", key: "token", env: "ROBUSTA_UI_SINK_TOKEN" } as const;

export function robustaValues(props: { readonly clusterName: string }) {
  return {
    clusterName: props.clusterName,
    // Metrics come from Hubble and the OTel collector; Robusta's bundled Prometheus stack stays off.
    enablePrometheusStack: false,
    // The runner replaces `{{ env.NAME }}` with that variable when it loads the sinks.
    sinksConfig: [{ robusta_sink: { name: "robusta_ui_sink", token: `{{ env.${ROBUSTA_SINK_TOKEN.env} }}` } }],
    runner: {
      additional_env_vars: [{ name: ROBUSTA_SINK_TOKEN.env, valueFrom: { secretKeyRef: { name: ROBUSTA_SINK_TOKEN.secret, key: ROBUSTA_SINK_TOKEN.key } } }],
    },
  };
}

export const robusta = defineComponent({
  key: "robusta",
  schema: z
    .strictObject({
      enabled: optIn("a Robusta account and its keys"),
      signingKey: SecretRefSchema.default({ env: "ROBUSTA_SIGNING_KEY" }).describe("Robusta `globalConfig.signing_key`."),
      accountId: SecretRefSchema.default({ env: "ROBUSTA_ACCOUNT_ID" }).describe("Robusta `globalConfig.account_id`."),
      sinkToken: SecretRefSchema.default({ env: "ROBUSTA_UI_SINK_TOKEN" }).describe("Token of the Robusta UI sink."),
    })
    .prefault({})
    .describe("Robusta alert enrichment."),
  namespace: { name: "robusta", level: "baseline" },
  releases: (c, { clusterName }) => [
    {
      id: "robusta",
      name: "robusta",
      chart: "robusta",
      values: robustaValues({ clusterName }),
      secretValues: {
        [ROBUSTA_SECRET_KEYS.signingKey]: { ref: c.signingKey, description: "Robusta signing key" },
        [ROBUSTA_SECRET_KEYS.accountId]: { ref: c.accountId, description: "Robusta account id" },
      },
    },
  ],
  kubernetesSecrets: (c) => [
    { id: "robusta-ui-sink-token", name: ROBUSTA_SINK_TOKEN.secret, key: ROBUSTA_SINK_TOKEN.key, ref: c.sinkToken, description: "Robusta UI sink token" },
  ],
  memoryRequests: () => [
    { component: "robusta", workload: "runner", memoryMiB: 1024, placement: "cluster" },
    { component: "robusta", workload: "forwarder", memoryMiB: 512, placement: "cluster" },
  ],
});
