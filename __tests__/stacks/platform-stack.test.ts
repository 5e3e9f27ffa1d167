import { Testing } from "cdktf";
import { MeshConfig } from "../../lib/config/schema";
import { allComponentsOff, meshApp, parse, resolvedConfig, threeClusterConfig } from "../helpers";

function synthPlatform(config: MeshConfig, clusterIndex = 0) {
  const stack = meshApp(config).stacks.clusters[clusterIndex].platform;
  const synth = Testing.synth(stack);
  return { stack, synth, json: parse(synth) };
}

const releases = (json: any) => Object.fromEntries(Object.values(json.resource.helm_release ?? {}).map((r: any) => [r.name, r]));
const namespaces = (json: any) =>
  Object.fromEntries(
    Object.values(json.resource.kubernetes_namespace_v1 ?? {}).map((n: any) => [n.metadata.name, n.metadata.labels["pod-security.kubernetes.io/enforce"]]),
  );

describe("platform stack", () => {
  const { stack, synth, json } = synthPlatform(resolvedConfig());
  const r = releases(json);

  it("matches the snapshot", () => {
    expect(synth).toMatchSnapshot();
  });

  it("is named <cluster>-platform and installs every component by default, pinned", () => {
    expect(stack.node.id).toBe("talos-east-platform");
    expect(Object.fromEntries(Object.entries(r).map(([n, rel]: [string, any]) => [n, `${rel.chart}@${rel.version} in ${rel.namespace}`]))).toEqual({
      tetragon: "tetragon@1.7.0 in kube-system",
      "rook-ceph": "rook-ceph@v1.19.10 in ${kubernetes_namespace_v1.namespaces_rook-ceph_ns_539BF958.metadata[0].name}",
      "rook-ceph-cluster": "rook-ceph-cluster@v1.19.10 in ${kubernetes_namespace_v1.namespaces_rook-ceph_ns_539BF958.metadata[0].name}",
      "opentelemetry-collector": expect.stringMatching(/^opentelemetry-collector@0\.170\.0 in \$\{kubernetes_namespace_v1\.namespaces_opentelemetry_ns_/),
      robusta: expect.stringMatching(/^robusta@0\.47\.0 in /),
      kubescape: expect.stringMatching(/^kubescape-operator@1\.40\.3 in /),
      "metrics-server": "metrics-server@3.13.1 in kube-system",
    });
  });

  it("creates each namespace once with the Pod Security level Talos needs", () => {
    expect(namespaces(json)).toEqual({ "rook-ceph": "privileged", opentelemetry: "privileged", robusta: "baseline", kubescape: "privileged" });
    for (const rel of Object.values(r)) expect((rel as any).create_namespace).toBe(false);
  });

  it("puts Ceph OSDs on the workers' extra disk with replicas no larger than the worker count", () => {
    const values = JSON.parse(r["rook-ceph-cluster"].values[0]);
    // By the serial the VMs stack gives the disk, never by a kernel name such as sdb (probe order).
    expect(values.cephClusterSpec.storage).toEqual({
      useAllNodes: true,
      useAllDevices: false,
      devicePathFilter: "^/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_data-[0-9]+$",
    });
    expect(values.cephBlockPools[0].spec.replicated).toEqual({ size: 3, requireSafeReplicaSize: true });
    expect(values.cephClusterSpec.mon.count).toBe(3);
    // The requests the capacity check counts.
    expect(values.cephClusterSpec.resources).toEqual({
      mon: { requests: { memory: "1024Mi" } },
      mgr: { requests: { memory: "512Mi" } },
      osd: { requests: { memory: "4096Mi" } },
    });
    expect(r["rook-ceph-cluster"].depends_on).toEqual([expect.stringMatching(/^helm_release\.rook-ceph_release_/)]);
    const two = releases(synthPlatform(threeClusterConfig(), 1).json);
    const twoValues = JSON.parse(two["rook-ceph-cluster"].values[0]);
    expect([twoValues.cephBlockPools[0].spec.replicated.size, twoValues.cephClusterSpec.mon.count, twoValues.cephClusterSpec.mgr.count]).toEqual([2, 1, 2]);
  });

  it("takes every secret from a sensitive variable, never a literal", () => {
    expect(Object.entries(json.variable).map(([n, v]: [string, any]) => [n, v.sensitive])).toEqual([
      ["HONEYCOMB_API_KEY", true],
      ["ROBUSTA_ACCOUNT_ID", true],
      ["ROBUSTA_SIGNING_KEY", true],
      ["ROBUSTA_UI_SINK_TOKEN", true],
    ]);
    expect(r.robusta.set_sensitive).toEqual([
      { name: "globalConfig.signing_key", value: "${var.ROBUSTA_SIGNING_KEY}" },
      { name: "globalConfig.account_id", value: "${var.ROBUSTA_ACCOUNT_ID}" },
      { name: "sinksConfig[0].robusta_sink.token", value: "${var.ROBUSTA_UI_SINK_TOKEN}" },
    ]);
    const secret = Object.values(json.resource.kubernetes_secret_v1)[0] as any;
    expect(secret.data).toEqual({ "api-key": "${var.HONEYCOMB_API_KEY}" });
  });

  it("gives the collector its API key through the secret, escaping the collector's own ${env:...}", () => {
    const otel = r["opentelemetry-collector"];
    const values = JSON.parse(otel.values[0]);
    expect(values.extraEnvs).toEqual([{ name: "OTLP_API_KEY", valueFrom: { secretKeyRef: { name: "otel-exporter", key: "api-key" } } }]);
    // Terraform turns $${ into ${, so the collector receives ${env:OTLP_API_KEY}.
    expect(values.config.exporters.otlp_grpc.headers).toEqual({ "x-honeycomb-team": "$${env:OTLP_API_KEY}" });
    // Metrics carry the dataset header, or Honeycomb files them in unknown_metrics.
    expect(values.config.exporters["otlp_grpc/metrics"].headers).toEqual({
      "x-honeycomb-team": "$${env:OTLP_API_KEY}",
      "x-honeycomb-dataset": "talos-east-metrics",
    });
    expect(Object.fromEntries(Object.entries(values.config.service.pipelines).map(([k, v]: [string, any]) => [k, v.exporters]))).toEqual({
      traces: ["otlp_grpc"],
      metrics: ["otlp_grpc/metrics"],
      logs: ["otlp_grpc"],
    });
    expect(values.mode).toBe("daemonset");
    expect(otel.depends_on).toEqual([expect.stringMatching(/^kubernetes_secret_v1\.otel-exporter-secret/)]);
  });

  it("mounts tracefs into Tetragon (Talos does not)", () => {
    expect(JSON.parse(r.tetragon.values[0]).extraHostPathMounts).toEqual([{ name: "sys-kernel-tracing", mountPath: "/sys/kernel/tracing", readOnly: false }]);
  });

  it("switches each component off in the config", () => {
    const off = resolvedConfig((c) => {
      c.clusters[0].platform = allComponentsOff();
    });
    const { json: none } = synthPlatform(off);
    expect(none.resource).toBeUndefined();
    expect(none.variable).toBeUndefined();
  });

  it("installs the config's extra releases with their namespace level and secret values", () => {
    const { json: edge } = synthPlatform(threeClusterConfig(), 2);
    const gc = releases(edge).groundcover;
    expect(gc).toMatchObject({ repository: "https://helm.groundcover.com/", chart: "groundcover", version: "1.0.0" });
    expect(JSON.parse(gc.values[0])).toEqual({ global: { backend: { enabled: false } } });
    expect(gc.set_sensitive).toEqual([{ name: "global.groundcover_token", value: "${var.GROUNDCOVER_TOKEN}" }]);
    expect(namespaces(edge).groundcover).toBe("privileged");
    expect(releases(edge)["rook-ceph"]).toBeUndefined();
  });
});
