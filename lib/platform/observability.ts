/**
 * Values of the OpenTelemetry collector, Robusta and Kubescape charts.
 *
 * @see https://github.com/open-telemetry/opentelemetry-helm-charts/tree/main/charts/opentelemetry-collector
 * @see https://docs.robusta.dev/master/setup-robusta/installation/index.html
 * @see https://kubescape.io/docs/install-operator/
 */
import { terraformLiteral } from "../helm/chart-release";

/** Secret (created by the platform stack) and key the collector reads its exporter API key from. */
export const OTEL_API_KEY_SECRET = { name: "otel-exporter", key: "api-key" } as const;
const OTEL_API_KEY_ENV = "OTLP_API_KEY";

export function openTelemetryValues(props: { readonly clusterName: string; readonly otlpEndpoint: string }) {
  const pipeline = { exporters: ["otlp"] };
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
        otlp: { endpoint: props.otlpEndpoint, headers: { "x-honeycomb-team": terraformLiteral(`\${env:${OTEL_API_KEY_ENV}}`) } },
      },
      service: {
        pipelines: {
          traces: { ...pipeline, processors: ["memory_limiter", "resource", "batch"] },
          metrics: { ...pipeline, processors: ["memory_limiter", "resource", "batch"] },
          logs: { ...pipeline, processors: ["memory_limiter", "resource", "batch"] },
        },
      },
    },
  };
}

/** Robusta chart keys that are secrets: set with set_sensitive, never in values. */
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

export function kubescapeValues(props: { readonly clusterName: string }) {
  return { clusterName: props.clusterName, capabilities: { continuousScan: "enable" } };
}
