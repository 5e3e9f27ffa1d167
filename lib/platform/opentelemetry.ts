/**
 * The OpenTelemetry collector as a daemonset, exporting to Honeycomb (or any
 * OTLP/gRPC endpoint): traces and logs, and metrics with their dataset header.
 *
 * @see https://github.com/open-telemetry/opentelemetry-helm-charts/tree/main/charts/opentelemetry-collector
 */
import { z } from "zod";
import { SecretRefSchema, optIn } from "../schema-parts";
import { terraformLiteral } from "../helm/literal";
import { defineComponent } from "./component";

/** Secret (created by the platform stack) and key the collector reads its exporter API key from. */
export const OTEL_API_KEY_SECRET = { name: "otel-exporter", key: "api-key" } as const;
const OTEL_API_KEY_ENV = "OTLP_API_KEY";

/** Exporter of traces and logs: OTLP over gRPC (`otlp` is its deprecated alias). */
const TRACES_LOGS_EXPORTER = "otlp_grpc";
/** Metrics go through their own exporter: Honeycomb files metrics by the dataset header, or in `unknown_metrics`. */
const METRICS_EXPORTER = "otlp_grpc/metrics";

export interface OpenTelemetryValuesProps {
  readonly clusterName: string;
  /** OTLP/gRPC endpoint, `host:port`. */
  readonly otlpEndpoint: string;
  /** Honeycomb dataset for metrics (`x-honeycomb-dataset`). */
  readonly metricsDataset: string;
}

/**
 * Kubelet metrics are scraped over TLS, verified against the cluster CA: the
 * Talos patches turn on kubelet serving-certificate rotation and deploy an
 * approver, so each kubelet serves a certificate the CA signed for its IPs.
 */
export function openTelemetryValues(props: OpenTelemetryValuesProps) {
  const processors = ["memory_limiter", "resource", "batch"];
  const team = { "x-honeycomb-team": terraformLiteral(`\${env:${OTEL_API_KEY_ENV}}`) };
  return {
    mode: "daemonset",
    image: { repository: "otel/opentelemetry-collector-k8s" },
    presets: {
      logsCollection: { enabled: true },
      kubernetesAttributes: { enabled: true },
      kubeletMetrics: { enabled: true },
      hostMetrics: { enabled: true },
    },
    extraEnvs: [{ name: OTEL_API_KEY_ENV, valueFrom: { secretKeyRef: OTEL_API_KEY_SECRET } }],
    config: {
      processors: { resource: { attributes: [{ key: "k8s.cluster.name", value: props.clusterName, action: "upsert" }] } },
      exporters: {
        [TRACES_LOGS_EXPORTER]: { endpoint: props.otlpEndpoint, headers: team },
        [METRICS_EXPORTER]: { endpoint: props.otlpEndpoint, headers: { ...team, "x-honeycomb-dataset": props.metricsDataset } },
      },
      service: {
        pipelines: {
          traces: { exporters: [TRACES_LOGS_EXPORTER], processors },
          metrics: { exporters: [METRICS_EXPORTER], processors },
          logs: { exporters: [TRACES_LOGS_EXPORTER], processors },
        },
      },
    },
  };
}

export const openTelemetry = defineComponent({
  key: "openTelemetry",
  schema: z
    .strictObject({
      enabled: optIn("a Honeycomb account, or another OTLP endpoint, and its API key"),
      otlpEndpoint: z.string().default("api.honeycomb.io:443").describe("OTLP/gRPC endpoint the collector exports to."),
      apiKey: SecretRefSchema.default({ env: "HONEYCOMB_API_KEY" }).describe("API key sent as `x-honeycomb-team`."),
      metricsDataset: z
        .string()
        .min(1)
        .optional()
        .describe("Honeycomb dataset of the metrics (`x-honeycomb-dataset`); without it they land in `unknown_metrics`. Default: `<cluster name>-metrics`."),
    })
    .prefault({})
    .describe("OpenTelemetry collector (daemonset)."),
  // logsCollection mounts /var/log from the host.
  namespace: { name: "opentelemetry", level: "privileged" },
  kubernetesSecrets: (c) => [{ id: "otel-exporter-secret", ...OTEL_API_KEY_SECRET, ref: c.apiKey, description: "OTLP exporter API key" }],
  releases: (c, { clusterName }) => [
    {
      id: "opentelemetry-collector",
      name: "opentelemetry-collector",
      chart: "openTelemetryCollector",
      values: openTelemetryValues({ clusterName, otlpEndpoint: c.otlpEndpoint, metricsDataset: c.metricsDataset ?? `${clusterName}-metrics` }),
    },
  ],
  memoryRequests: () => [{ component: "opentelemetry-collector", workload: "daemonset (chart requests none)", memoryMiB: 0, placement: "every-node" }],
});
