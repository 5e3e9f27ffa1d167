/**
 * Robusta: alert enrichment, reporting to the Robusta UI.
 *
 * @see https://docs.robusta.dev/master/setup-robusta/installation/index.html
 */
import { z } from "zod";
import { SecretRefSchema, optIn } from "../schema-parts";
import { defineComponent } from "./component";

/** Robusta chart keys that are secrets: set write-only (set_wo), never in values. */
export const ROBUSTA_SECRET_KEYS = {
  signingKey: "globalConfig.signing_key",
  accountId: "globalConfig.account_id",
  sinkToken: "sinksConfig[0].robusta_sink.token",
} as const;

export function robustaValues(props: { readonly clusterName: string }) {
  return {
    clusterName: props.clusterName,
    // Metrics come from Hubble and the OTel collector; Robusta's bundled Prometheus stack stays off.
    enablePrometheusStack: false,
    sinksConfig: [{ robusta_sink: { name: "robusta_ui_sink" } }],
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
        [ROBUSTA_SECRET_KEYS.sinkToken]: { ref: c.sinkToken, description: "Robusta UI sink token" },
      },
    },
  ],
  memoryRequests: () => [
    { component: "robusta", workload: "runner", memoryMiB: 1024, placement: "cluster" },
    { component: "robusta", workload: "forwarder", memoryMiB: 512, placement: "cluster" },
  ],
});
