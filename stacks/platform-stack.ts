import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { Construct } from "constructs";
import { ClusterConfig } from "../lib/config/schema";
import { DopplerSettings } from "../lib/doppler/access";
import { ClusterCredentials, KubernetesAccess } from "../lib/kubernetes/credentials";
import { ChartRelease } from "../lib/helm/chart-release";
import { PodSecurityNamespaces } from "../lib/kubernetes/pod-security-namespace";
import { OTEL_API_KEY_SECRET, ROBUSTA_SECRET_KEYS, kubescapeValues, openTelemetryValues, robustaValues } from "../lib/platform/observability";
import { tetragonValues } from "../lib/platform/tetragon";
import { ROOK_NAMESPACE, rookClusterValues, rookOperatorValues } from "../lib/platform/rook-ceph";
import { StackSecrets } from "../lib/secrets/stack-secrets";
import { CHARTS } from "../lib/versions";
import { Aggrik8sStack, Aggrik8sStackProps } from "./base";

export interface PlatformStackProps extends Aggrik8sStackProps {
  readonly clusterName: string;
  /** Workers with a Ceph disk: Rook's storage nodes. */
  readonly workerCount: number;
  /** The cluster's `platform` config: which components, with which settings. */
  readonly platform: ClusterConfig["platform"];
  /** From the cluster's Talos stack (cross-stack references). */
  readonly credentials: ClusterCredentials;
  /** Doppler, for `{doppler: NAME}` secrets. @default - none */
  readonly doppler?: DopplerSettings;
}

/**
 * The day-2 platform of one cluster, each component switchable in the config:
 * Tetragon, Rook/Ceph, the OpenTelemetry collector, Robusta, Kubescape and
 * the config's extra releases. Deployed after the cluster's Cilium stack,
 * so pods have a network.
 */
export class PlatformStack extends Aggrik8sStack {
  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    new KubernetesAccess(this, "access", { credentials: props.credentials });
    const secrets = new StackSecrets(this, "secrets", { doppler: props.doppler });
    const namespaces = new PodSecurityNamespaces(this, "namespaces");
    const p = props.platform;
    const clusterName = props.clusterName;

    if (p.tetragon.enabled) {
      // kube-system exists, and Talos already runs it privileged.
      new ChartRelease(this, "tetragon", { name: "tetragon", chart: CHARTS.tetragon, namespace: "kube-system", values: tetragonValues() });
    }

    if (p.rookCeph.enabled) {
      const workers = props.workerCount;
      const namespace = namespaces.get(ROOK_NAMESPACE, "privileged");
      const operator = new ChartRelease(this, "rook-ceph", { name: "rook-ceph", chart: CHARTS.rookCeph, namespace, values: rookOperatorValues() });
      new ChartRelease(this, "rook-ceph-cluster", {
        name: "rook-ceph-cluster", chart: CHARTS.rookCephCluster, namespace,
        values: rookClusterValues({ storageNodes: workers, replicas: p.rookCeph.replicas ?? Math.min(3, workers) }),
        // OSD preparation on fresh disks takes a while.
        timeoutSeconds: 1800,
        dependsOn: [operator.release],
      });
    }

    if (p.openTelemetry.enabled) {
      // logsCollection mounts /var/log from the host.
      const namespace = namespaces.get("opentelemetry", "privileged");
      const key = new SecretV1(this, "otel-exporter-secret", {
        metadata: { name: OTEL_API_KEY_SECRET.name, namespace },
        data: { [OTEL_API_KEY_SECRET.key]: secrets.value(p.openTelemetry.apiKey, "OTLP exporter API key") },
      });
      new ChartRelease(this, "opentelemetry-collector", {
        name: "opentelemetry-collector", chart: CHARTS.openTelemetryCollector, namespace,
        values: openTelemetryValues({ clusterName, otlpEndpoint: p.openTelemetry.otlpEndpoint, metricsDataset: p.openTelemetry.metricsDataset ?? `${clusterName}-metrics` }),
        dependsOn: [key],
      });
    }

    if (p.robusta.enabled) {
      const r = p.robusta;
      new ChartRelease(this, "robusta", {
        name: "robusta", chart: CHARTS.robusta, namespace: namespaces.get("robusta", "baseline"),
        values: robustaValues({ clusterName }),
        sensitiveValues: {
          [ROBUSTA_SECRET_KEYS.signingKey]: secrets.value(r.signingKey, "Robusta signing key"),
          [ROBUSTA_SECRET_KEYS.accountId]: secrets.value(r.accountId, "Robusta account id"),
          [ROBUSTA_SECRET_KEYS.sinkToken]: secrets.value(r.sinkToken, "Robusta UI sink token"),
        },
      });
    }

    if (p.kubescape.enabled) {
      // The node agent reads host processes and files.
      new ChartRelease(this, "kubescape", {
        name: "kubescape", chart: CHARTS.kubescape, namespace: namespaces.get("kubescape", "privileged"), values: kubescapeValues({ clusterName }),
      });
    }

    p.extraReleases.forEach((r) => {
      new ChartRelease(this, `extra-${r.name}`, {
        name: r.name, chart: { repository: r.repository, chart: r.chart, version: r.version }, namespace: namespaces.get(r.namespace, r.podSecurity),
        values: r.values,
        sensitiveValues: Object.fromEntries(
          Object.entries(r.secretValues).map(([key, ref]) => [key, secrets.value(ref, `${r.name} ${key}`)]),
        ),
      });
    });
  }
}
