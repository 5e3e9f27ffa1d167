import { Testing } from "cdktf";
import { MeshConfig } from "../../lib/config/schema";
import { componentContext, enabledComponents } from "../../lib/platform/components";
import { CHARTS } from "../../lib/versions";
import { FixtureName, fixture, fixtureConfig } from "../fixtures";
import { allComponentsOff, meshApp, parse, resolvedConfig } from "../helpers";

function synthPlatform(config: MeshConfig, clusterIndex = 0) {
  const stack = meshApp(config).stacks.clusters[clusterIndex].platform;
  const synth = Testing.synth(stack);
  return { stack, synth, json: parse(synth) };
}

/** A platform stack of a fixture synthesis (fixtures.ts: one per run), by cluster index. */
const platformOf = (name: FixtureName, clusterIndex = 0) => {
  const stack = fixture(name).ofKind("platform", clusterIndex);
  return { stack, synth: stack.synth, json: fixture(name).json(stack.name) };
};

const releases = (json: any) => Object.fromEntries(Object.values(json.resource.helm_release ?? {}).map((r: any) => [r.name, r]));
const namespaces = (json: any) =>
  Object.fromEntries(
    Object.values(json.resource.kubernetes_namespace_v1 ?? {}).map((n: any) => [n.metadata.name, n.metadata.labels["pod-security.kubernetes.io/enforce"]]),
  );

describe("platform stack", () => {
  const { stack, synth, json } = platformOf("default");
  const r = releases(json);
  /** The default mesh with the components that need an outside account turned on. */
  const on = resolvedConfig((c) => (c.clusters[0].platform = { openTelemetry: { enabled: true }, robusta: { enabled: true } }));
  let onSynth: ReturnType<typeof synthPlatform> | undefined;
  const synthOn = () => (onSynth ??= synthPlatform(on));

  it("matches the snapshot", () => {
    expect(synth).toMatchSnapshot();
  });

  it("is named <cluster>-platform and installs the releases of every component the config turns on, nothing else", () => {
    expect(stack.name).toBe("talos-east-platform");
    // Expected from the component registry (components.ts), not a list kept here.
    const cluster = resolvedConfig().clusters[0];
    // Which releases a component makes does not depend on the Proxmox API it may talk to.
    const ctx = componentContext(cluster, []);
    const expected = enabledComponents(cluster.platform).flatMap((c) => c.releases(ctx).map((rel) => rel.name));
    expect(Object.keys(r).sort()).toEqual(expected.sort());
    expect(expected.length).toBeGreaterThan(0);
  });

  it("installs each pinned chart at its versions.json pin from its repository, in kube-system or its component's namespace", () => {
    const pins = Object.values(CHARTS);
    for (const [name, rel] of Object.entries(r) as [string, any][]) {
      const pin = pins.find((p) => p.chart === rel.chart);
      if (pin) expect({ name, repository: rel.repository, version: rel.version }).toEqual({ name, repository: pin.repository, version: pin.version });
      // A chart kept in this repository (charts/) has no repository and no version.
      else expect({ name, repository: rel.repository, version: rel.version, chart: rel.chart }).toEqual({ name, chart: expect.stringMatching(/\/charts\//) });
      expect({ name, namespace: rel.namespace }).toEqual({
        name,
        namespace: expect.stringMatching(/^(kube-system|\$\{kubernetes_namespace_v1\.namespaces_[a-z0-9-]+_ns_[0-9A-F]+\.metadata\[0\]\.name\})$/),
      });
    }
  });

  it("creates each namespace once with the Pod Security level its pods need", () => {
    expect(namespaces(json)).toEqual({ "cert-manager": "restricted", "rook-ceph": "privileged", gateway: "restricted", kubescape: "privileged" });
    for (const rel of Object.values(r)) expect((rel as any).create_namespace).toBe(false);
  });

  it("installs cert-manager with its CRDs, then the self-signed CA issuer, then the shared Gateway on its certificate", () => {
    expect(JSON.parse(r["cert-manager"].values[0])).toMatchObject({ crds: { enabled: true, keep: true } });
    expect(r["cluster-issuer"].depends_on).toEqual([expect.stringMatching(/^helm_release\.cert-manager_release_/)]);
    const issuer = JSON.parse(r["cluster-issuer"].values[0]).objects;
    expect(issuer.map((o: any) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "ClusterIssuer/aggrik8s-selfsigned",
      "Certificate/aggrik8s-ca",
      "ClusterIssuer/aggrik8s",
    ]);
    expect(issuer[2].spec).toEqual({ ca: { secretName: "aggrik8s-ca" } });
    expect(issuer[1].spec).toMatchObject({ isCA: true, secretName: "aggrik8s-ca", issuerRef: { name: "aggrik8s-selfsigned", kind: "ClusterIssuer" } });
    // The Gateway waits for cert-manager and the issuer (every release of the component that provides cert-manager).
    expect(r.gateway.depends_on).toEqual([
      expect.stringMatching(/^helm_release\.cert-manager_release_/),
      expect.stringMatching(/^helm_release\.cluster-issuer_release_/),
    ]);
    const [cert, gw] = JSON.parse(r.gateway.values[0]).objects;
    expect(cert).toMatchObject({
      kind: "Certificate",
      metadata: { name: "shared-gateway-tls", namespace: "gateway" },
      spec: {
        secretName: "shared-gateway-tls",
        dnsNames: ["*.talos-east.internal", "talos-east.internal"],
        issuerRef: { name: "aggrik8s", kind: "ClusterIssuer" },
      },
    });
    expect(gw).toMatchObject({ apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", metadata: { name: "shared", namespace: "gateway" } });
    expect(gw.spec.gatewayClassName).toBe("cilium");
    expect(gw.spec.addresses).toBeUndefined();
    expect(gw.spec.listeners).toEqual([
      {
        name: "https",
        protocol: "HTTPS",
        port: 443,
        hostname: "*.talos-east.internal",
        tls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", group: "", name: "shared-gateway-tls" }] },
        allowedRoutes: { namespaces: { from: "All" } },
      },
    ]);
    // An address from the pool, when the config names one.
    const pinned = releases(
      synthPlatform(resolvedConfig((c) => (c.clusters[0].platform = { gateway: { address: "10.10.0.200", domain: "apps.example.com" } }))).json,
    );
    const pinnedGw = JSON.parse(pinned.gateway.values[0]).objects[1];
    expect([pinnedGw.spec.addresses, pinnedGw.spec.listeners[0].hostname]).toEqual([[{ type: "IPAddress", value: "10.10.0.200" }], "*.apps.example.com"]);
  });

  it("installs Kubescape only after the release whose StorageClass is the default (Rook's block class here)", () => {
    expect(r.kubescape.depends_on).toEqual([
      expect.stringMatching(/^helm_release\.rook-ceph_release_/),
      expect.stringMatching(/^helm_release\.rook-ceph-cluster_release_/),
    ]);
    const values = JSON.parse(r["rook-ceph-cluster"].values[0]);
    expect(values.cephBlockPools[0].storageClass).toMatchObject({ name: "ceph-block", isDefault: true });
    expect(r["proxmox-csi-plugin"]).toBeUndefined();
  });

  it("adds Rook's filesystem (RWX) and object store (S3, bucket class), sized to the workers and switchable", () => {
    const values = JSON.parse(r["rook-ceph-cluster"].values[0]);
    expect(
      values.cephFileSystems.map((f: any) => [f.name, f.storageClass.name, f.spec.metadataPool.replicated.size, f.spec.dataPools[0].replicated.size]),
    ).toEqual([["ceph-filesystem", "ceph-filesystem", 3, 3]]);
    expect(values.cephFileSystems[0].spec.metadataServer).toMatchObject({ activeCount: 1, activeStandby: true, resources: { requests: { memory: "1024Mi" } } });
    expect(
      values.cephObjectStores.map((o: any) => [o.name, o.storageClass.name, o.spec.metadataPool.replicated.size, o.spec.dataPool.replicated.size]),
    ).toEqual([["ceph-objectstore", "ceph-bucket", 3, 3]]);
    expect(values.cephObjectStores[0].spec.gateway).toMatchObject({ port: 80, instances: 1, resources: { requests: { memory: "1024Mi" } } });
    // talos-west of the example: two workers, replicas 2.
    const west = JSON.parse(releases(platformOf("three-clusters", 1).json)["rook-ceph-cluster"].values[0]);
    expect([west.cephFileSystems[0].spec.dataPools[0].replicated, west.cephObjectStores[0].spec.dataPool.replicated]).toEqual([
      { size: 2, requireSafeReplicaSize: true },
      { size: 2, requireSafeReplicaSize: true },
    ]);
    const off = releases(
      synthPlatform(resolvedConfig((c) => (c.clusters[0].platform = { rookCeph: { filesystem: { enabled: false }, objectStore: { enabled: false } } }))).json,
    );
    const offValues = JSON.parse(off["rook-ceph-cluster"].values[0]);
    expect([offValues.cephFileSystems, offValues.cephObjectStores]).toEqual([[], []]);
  });

  it("puts the Proxmox CSI plugin where Rook is off: the default StorageClass, its own token in a write-only Secret it reads as a file, Kubescape after it", () => {
    const { json: edgeJson } = platformOf("three-clusters", 2);
    const edge = releases(edgeJson);
    const csi = edge["proxmox-csi-plugin"];
    expect(csi).toMatchObject({ repository: "oci://ghcr.io/sergelogvinov/charts", chart: "proxmox-csi-plugin", version: "0.5.9" });
    const values = JSON.parse(csi.values[0]);
    expect(values.config.clusters).toEqual([
      {
        url: "https://pve1.example.internal:8006/api2/json",
        insecure: false,
        token_id: "aggrik8s-csi@pve!csi",
        token_secret_file: "/etc/proxmox-csi-tokens/default",
        region: "proxmox",
      },
    ]);
    expect([values.extraVolumes, values.extraVolumeMounts]).toEqual([
      [
        {
          name: "proxmox-csi-tokens",
          projected: { sources: [{ secret: { name: "proxmox-csi-token-default", items: [{ key: "token_secret", path: "default" }] } }] },
        },
      ],
      [{ name: "proxmox-csi-tokens", mountPath: "/etc/proxmox-csi-tokens", readOnly: true }],
    ]);
    // No token in the release at all: the helm provider would replace config.clusters whole with a write-only list index.
    expect([csi.set_wo, csi.set_sensitive]).toEqual([undefined, undefined]);
    const [secret] = Object.values<any>(edgeJson.resource.kubernetes_secret_v1).filter((x) => x.metadata.name === "proxmox-csi-token-default");
    expect(secret).toMatchObject({ metadata: { namespace: expect.any(String) }, data_wo: { token_secret: "${var.PROXMOX_CSI_TOKEN_SECRET}" } });
    expect(csi.depends_on).toContainEqual(expect.stringMatching(/^kubernetes_secret_v1\.proxmox-csi-token-default/));
    expect(values.storageClass).toEqual([
      {
        name: "proxmox",
        storage: "local-lvm",
        reclaimPolicy: "Delete",
        volumeBindingMode: "WaitForFirstConsumer",
        fstype: "ext4",
        cache: "none",
        annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
      },
    ]);
    expect(edge.kubescape.depends_on).toEqual([expect.stringMatching(/^helm_release\.proxmox-csi_release_/)]);
    expect(edge["rook-ceph"]).toBeUndefined();
    // Switched on beside Rook, its class is not the default.
    const both = releases(synthPlatform(resolvedConfig((c) => (c.clusters[0].platform = { proxmoxCsi: { enabled: true } }))).json);
    expect(JSON.parse(both["proxmox-csi-plugin"].values[0]).storageClass[0].annotations).toBeUndefined();
  });

  it("gives the Proxmox CSI plugin one cluster entry per Proxmox API of the cluster, each with its own token (examples/two-hosts.yaml)", () => {
    for (const [i, c] of fixtureConfig("two-hosts").clusters.entries()) {
      const { json } = platformOf("two-hosts", i);
      const csi = releases(json)["proxmox-csi-plugin"];
      const values = JSON.parse(csi.values[0]);
      // The order follows the cluster's nodes (control planes first): red on pve-a then pve-b, blue the other way round.
      const hosts = i === 0 ? ["pve-a", "pve-b"] : ["pve-b", "pve-a"];
      const tokens = Object.values<any>(json.resource.kubernetes_secret_v1).filter((x) => x.metadata.name.startsWith("proxmox-csi-token-"));
      expect({
        cluster: c.name,
        clusters: values.config.clusters,
        sources: values.extraVolumes[0].projected.sources,
        secrets: Object.fromEntries(tokens.map((t) => [t.metadata.name, t.data_wo])),
      }).toEqual({
        cluster: c.name,
        clusters: hosts.map((h) => ({
          url: `https://${h}.home.internal:8006/api2/json`,
          insecure: false,
          token_id: "aggrik8s-csi@pve!csi",
          token_secret_file: `/etc/proxmox-csi-tokens/${h}`,
          region: h,
        })),
        sources: hosts.map((h) => ({ secret: { name: `proxmox-csi-token-${h}`, items: [{ key: "token_secret", path: h }] } })),
        secrets: Object.fromEntries(
          hosts.map((h) => [`proxmox-csi-token-${h}`, { token_secret: `\${var.${h.replace("-", "_").toUpperCase()}_CSI_TOKEN_SECRET}` }]),
        ),
      });
      expect(JSON.parse(csi.values[0]).storageClass[0]).toMatchObject({ volumeBindingMode: "WaitForFirstConsumer", storage: "local-lvm" });
    }
  });

  it("chooses the ACME issuer with DNS-01 where the config says, its token from a secret", () => {
    const { json: west } = platformOf("three-clusters", 1);
    const [issuer] = JSON.parse(releases(west)["cluster-issuer"].values[0]).objects;
    expect(issuer).toEqual({
      apiVersion: "cert-manager.io/v1",
      kind: "ClusterIssuer",
      metadata: { name: "aggrik8s" },
      spec: {
        acme: {
          email: "ops@example.com",
          server: "https://acme-v02.api.letsencrypt.org/directory",
          privateKeySecretRef: { name: "aggrik8s-acme-account" },
          solvers: [{ dns01: { cloudflare: { apiTokenSecretRef: { name: "acme-dns01", key: "api-token" } } } }],
        },
      },
    });
    const secret = Object.values(west.resource.kubernetes_secret_v1)[0] as any;
    expect(secret).toMatchObject({ metadata: { name: "acme-dns01" }, data_wo: { "api-token": "${var.CLOUDFLARE_API_TOKEN}" } });
    expect(west.variable.CLOUDFLARE_API_TOKEN.sensitive).toBe(true);
  });

  it("installs OLM v1 only when turned on, from its vendored chart with images at the release tag, after cert-manager", () => {
    expect(r.olmv1).toBeUndefined();
    const east = releases(platformOf("three-clusters", 0).json);
    expect(east.olmv1).toMatchObject({ chart: "../../../charts/vendor/olmv1", namespace: "kube-system" });
    expect(JSON.parse(east.olmv1.values[0]).options).toEqual({
      operatorController: { deployment: { image: "quay.io/operator-framework/operator-controller:v1.11.0" } },
      catalogd: { deployment: { image: "quay.io/operator-framework/catalogd:v1.11.0" } },
      certManager: { enabled: true },
    });
    expect(east.olmv1.depends_on).toEqual([
      expect.stringMatching(/^helm_release\.cert-manager_release_/),
      expect.stringMatching(/^helm_release\.cluster-issuer_release_/),
    ]);
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
    const two = releases(platformOf("three-clusters", 1).json);
    const twoValues = JSON.parse(two["rook-ceph-cluster"].values[0]);
    expect([twoValues.cephBlockPools[0].spec.replicated.size, twoValues.cephClusterSpec.mon.count, twoValues.cephClusterSpec.mgr.count]).toEqual([2, 1, 2]);
  });

  it("reads no secret by default: what needs an outside account is off", () => {
    expect(json.variable).toBeUndefined();
    expect(r.robusta).toBeUndefined();
    expect(r["opentelemetry-collector"]).toBeUndefined();
  });

  it("takes every secret from a sensitive variable, never a literal (OpenTelemetry and Robusta turned on)", () => {
    const { json } = synthOn();
    const r = releases(json);
    expect(Object.entries(json.variable).map(([n, v]: [string, any]) => [n, v.sensitive])).toEqual([
      ["HONEYCOMB_API_KEY", true],
      ["ROBUSTA_ACCOUNT_ID", true],
      ["ROBUSTA_SIGNING_KEY", true],
      ["ROBUSTA_UI_SINK_TOKEN", true],
    ]);
    expect(r.robusta.set_sensitive).toBeUndefined();
    // Write-only (set_wo): the secrets never enter state; a hash prefix of them is the revision.
    expect(r.robusta.set_wo_revision).toMatch(
      /^\$\{parseint\(substr\(sha256\(join\("\\n", \[join\("=", \["globalConfig.signing_key", var.ROBUSTA_SIGNING_KEY\]\), /,
    );
    expect(r.robusta.set_wo).toEqual([
      { name: "globalConfig.signing_key", value: "${var.ROBUSTA_SIGNING_KEY}" },
      { name: "globalConfig.account_id", value: "${var.ROBUSTA_ACCOUNT_ID}" },
    ]);
    const [secret, sinkToken] = Object.values(json.resource.kubernetes_secret_v1) as any[];
    // Write-only: the key never enters state; its hash prefix as the revision rewrites the secret when it changes.
    expect(secret.data_wo).toEqual({ "api-key": "${var.HONEYCOMB_API_KEY}" });
    expect(secret.data_wo_revision).toBe("${parseint(substr(sha256(var.HONEYCOMB_API_KEY), 0, 12), 16)}");
    expect(secret).not.toHaveProperty("data");
    expect(sinkToken).toMatchObject({ metadata: { name: "robusta-ui-sink-token" }, data_wo: { token: "${var.ROBUSTA_UI_SINK_TOKEN}" } });
  });

  it("gives Robusta's UI sink its token through a write-only Secret the runner reads as a variable, not a write-only value inside sinksConfig", () => {
    const { json } = synthOn();
    const robusta = releases(json).robusta;
    const values = JSON.parse(robusta.values[0]);
    // The sink keeps its name: the helm provider would have replaced sinksConfig whole with a write-only sinksConfig[0].robusta_sink.token.
    expect(values.sinksConfig).toEqual([{ robusta_sink: { name: "robusta_ui_sink", token: "{{ env.ROBUSTA_UI_SINK_TOKEN }}" } }]);
    expect(values.runner.additional_env_vars).toEqual([
      { name: "ROBUSTA_UI_SINK_TOKEN", valueFrom: { secretKeyRef: { name: "robusta-ui-sink-token", key: "token" } } },
    ]);
    const [id] = Object.entries<any>(json.resource.kubernetes_secret_v1).find(([, x]) => x.metadata.name === "robusta-ui-sink-token")!;
    expect(robusta.depends_on).toContain(`kubernetes_secret_v1.${id}`);
  });

  it("gives the collector its API key through the secret, escaping the collector's own ${env:...}", () => {
    const otel = releases(synthOn().json)["opentelemetry-collector"];
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
    const { json: edge } = platformOf("three-clusters", 2);
    const gc = releases(edge).groundcover;
    expect(gc).toMatchObject({ repository: "https://helm.groundcover.com/", chart: "groundcover", version: "1.0.0" });
    expect(JSON.parse(gc.values[0])).toEqual({ global: { backend: { enabled: false } } });
    expect(gc.set_wo).toEqual([{ name: "global.groundcover_token", value: "${var.GROUNDCOVER_TOKEN}" }]);
    expect(namespaces(edge).groundcover).toBe("privileged");
    expect(releases(edge)["rook-ceph"]).toBeUndefined();
  });
});
