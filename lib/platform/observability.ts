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
