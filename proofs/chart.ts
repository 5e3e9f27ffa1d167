// Renders every Helm release the mesh installs with the real chart at its
// pinned version (`helm template`, helm built from its Go module), with the
// values aggrik8s synthesizes, and checks what the cluster would receive:
// Cilium's agent capabilities and clustermesh-apiserver service, Tetragon's
// tracefs mount, the OTel collector's exporters and kubelet scrape, Rook's
// OSD disk selection, and that Robusta and Kubescape render with our values;
// cert-manager with its CRDs, the ClusterIssuer and the shared Gateway (the
// repository's objects chart) checked against the CRDs they need, the Proxmox
// CSI plugin, Rook's filesystem and object store, OLM v1 (its vendored chart
// compared with its release source); one default StorageClass per cluster; and
// every pod within its namespace's Pod Security level. The default mesh,
// examples/three-clusters.yaml (which turns on what the default leaves off)
// and examples/two-hosts.yaml (the CSI plugin on two Proxmox APIs) are
// rendered. Write-only values reach helm merged as the helm provider merges
// them (a values file of their own: lists replaced whole). A chart with a
// values.schema.json (Cilium) validates the values as it renders.
// Cilium's agent config (cilium-config) must carry every setting of ours, the
// default mesh with WireGuard on is rendered too, and each LB-IPAM pool must be
// usable, the config's, and clear of the mesh's addresses (proofs/lib/cilium-checks.ts).
//
// The charts come from $AGGRIK8S_CHART_SRC (release sources, as in
// ../shared/data/charts-src): versions.json charts.*.source names the archive.
//
//   npm run proof:chart -- [--keep]
import Ajv, { ValidateFunction } from "ajv";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { lbIpam, poolRange } from "../lib/cilium/lb-ipam";
import { DEFAULT_MESH } from "../lib/config/default-mesh";
import { loadConfig } from "../lib/config/load";
import { MeshConfig } from "../lib/config/schema";
import { CLUSTER_ISSUER } from "../lib/platform/cert-manager";
import { OLM_NAMESPACE, OLM_NAMESPACE_LEVEL } from "../lib/platform/olm";
import { everyComponentOn, memoryRequests } from "../lib/platform/capacity";
import { ROOK_DAEMON_MEMORY_MIB } from "../lib/platform/rook-ceph";
import { cli } from "../scripts/lib/cli";
import { helm, prepareChart as sharedPrepareChart } from "./lib/charts";
import { PoolExpectation, ciliumConfigProblems, lbPoolProblems } from "./lib/cilium-checks";
import { writeOnlyValues } from "./lib/helm-values";
import { releaseComponents } from "./lib/release-components";
import { engine, goTool, proof, repoRoot, run, synthesizeMesh, offline, engineEnv, versions as pins } from "./lib/proof";

/**
 * Synthesized stack JSON, rendered Kubernetes objects and chart values: read
 * here by path, in the shapes of the engine, the API and each chart (not
 * ours), as the tests read synthesized JSON.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- external shapes, read by path (above)
type Json = any;

const { values: flags } = cli({
  name: "proof:chart",
  summary:
    "Renders every Helm release of the default mesh, examples/three-clusters.yaml and examples/two-hosts.yaml with its pinned chart (helm template) and checks what the cluster would receive; the charts from $AGGRIK8S_CHART_SRC.",
  options: { keep: { type: "boolean", description: "keep the scratch directory (printed) for inspection" } },
});
const p = proof("chart-proof", flags.keep ? ["--keep"] : []);
function log(m: string): void {
  p.log(m);
}
function die(m: string): never {
  return p.die(m);
}
/** versions.json, with the parts this proof reads beyond the shared ones. */
const versions = pins as typeof pins & {
  readonly vendoredCharts: Record<
    string,
    { readonly version: string; readonly path: string; readonly github: string; readonly source: { readonly archive: string; readonly path: string } }
  >;
  readonly manifests: Record<string, { readonly version: string; readonly path: string }>;
  readonly images: { readonly talosBackup: { readonly repository: string; readonly tag: string } };
  readonly crds?: { readonly gatewayApi?: { readonly version: string; readonly source: { readonly archive: string; readonly path: string } } };
};

const chartSrcEnv = process.env.AGGRIK8S_CHART_SRC;
if (!chartSrcEnv || !fs.existsSync(chartSrcEnv)) die("set AGGRIK8S_CHART_SRC to the folder of chart release sources (e.g. ../shared/data/charts-src)");
const chartSrc: string = chartSrcEnv;

function helmBin(): string {
  try {
    return goTool("helm");
  } catch {
    return die("building helm failed");
  }
}

function untar(archive: string, into: string): string {
  fs.mkdirSync(into, { recursive: true });
  const r = run("tar", ["-xzf", archive, "-C", into]);
  if (r.status !== 0) die(`cannot unpack ${archive}: ${r.stderr}`);
  const [top] = fs.readdirSync(into);
  return path.join(into, top);
}

/** Unpacks a pinned chart and makes its dependencies local, the way its release workflow packages it (proofs/lib/charts.ts, shared with the apply proof). */
function prepareChart(key: string, scratch: string): string | undefined {
  try {
    return sharedPrepareChart(key, chartSrc, scratch);
  } catch (e) {
    return die(e instanceof Error ? e.message : String(e));
  }
}

/** The applied mesh-ca: its outputs, the CA certificate and (from its scratch state) the CA key. */
interface MeshCa {
  readonly outputs: Record<string, string>;
  readonly caCertPem: string;
  readonly caKeyPem: string;
  readonly dir: string;
}
interface Stack {
  readonly name: string;
  readonly dir: string;
}

/**
 * The mesh-ca stack as synthesized, applied for real (tls provider, scratch
 * local state): its outputs are the CA and every cluster's ClusterMesh
 * certificates, as each Cilium stack reads them through remote state.
 */
function applyMeshCa(stack: Stack, scratch: string, label: string): MeshCa {
  const dir = path.join(scratch, `mesh-ca-${label}`);
  fs.mkdirSync(dir);
  const json: Json = JSON.parse(fs.readFileSync(path.join(stack.dir, "cdk.tf.json"), "utf8"));
  delete json.terraform.backend;
  fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(json));
  const bin = engine();
  const env = engineEnv();
  if (!offline(["tls"])) log("tls provider not in the offline mirror: the engine fetches it from the registry");
  for (const cmd of [
    ["init", "-input=false", "-no-color"],
    ["apply", "-auto-approve", "-input=false", "-no-color"],
  ]) {
    const r = run(bin, cmd, { cwd: dir, env });
    if (r.status !== 0) die(`mesh-ca: ${cmd[0]} failed:\n${r.stderr}${r.stdout}`);
  }
  const out = run(bin, ["output", "-json"], { cwd: dir, env });
  if (out.status !== 0) die(`mesh-ca: output failed:\n${out.stderr}`);
  const outputs: Record<string, string> = Object.fromEntries(
    Object.entries(JSON.parse(out.stdout) as Record<string, { value: string }>).map(([k, o]) => [k, o.value]),
  );
  const [caKey] = Object.values(json.resource.tls_private_key as Record<string, Json>).filter((k) => k["//"].metadata.path === "mesh-ca/ca/key");
  if (!caKey) die("mesh-ca: no CA key (mesh-ca/ca/key) in the stack");
  // The CA key itself is never an output (that is the point); read it from the scratch state to search for it.
  const state: Json = JSON.parse(fs.readFileSync(path.join(dir, "terraform.tfstate"), "utf8"));
  const key = state.resources.find((r: Json) => r.type === "tls_private_key" && r.name === caKey["//"].metadata.uniqueId).instances[0].attributes
    .private_key_pem;
  return { outputs, caCertPem: outputs.ca_certificate_pem, caKeyPem: key, dir };
}

/** A cross-stack reference to a mesh-ca output, resolved from the applied mesh-ca. */
function meshCaValue(ref: string, meshCa: MeshCa, where: string): string {
  const m = /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-mesh-ca\.outputs\.([^}]+)\}$/.exec(ref);
  if (!m || !(m[1] in meshCa.outputs)) die(`${where}: ${ref} is not a mesh-ca output`);
  return meshCa.outputs[m[1]];
}

/** The kubernetes secrets a Cilium stack writes (write-only data), as the cluster would hold them. */
function stackSecrets(json: Json, meshCa: MeshCa, stackName: string): Json[] {
  return Object.entries((json.resource?.kubernetes_secret_v1 ?? {}) as Record<string, Json>).map(([id, s]) => ({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: s.metadata.name, namespace: s.metadata.namespace },
    type: s.type,
    data: Object.fromEntries(
      Object.entries((s.data_wo ?? s.data ?? {}) as Record<string, string>).map(([k, v]) => [
        k,
        Buffer.from(meshCaValue(v, meshCa, `${stackName} ${id}`)).toString("base64"),
      ]),
    ),
  }));
}

/** Every string in an object, and the base64-decoded form of those that decode. */
function stringsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") {
    out.push(value);
    if (/^[A-Za-z0-9+/=\s]{16,}$/.test(value)) out.push(Buffer.from(value, "base64").toString("latin1"));
  } else if (value && typeof value === "object") for (const v of Object.values(value)) stringsOf(v, out);
  return out;
}

/** The base64 body of a PEM block, newlines removed: what any copy of the key contains. */
const pemBody = (pem: string) =>
  pem
    .replace(/-----[A-Z ]+-----/g, "")
    .replace(/\s+/g, "")
    .slice(0, 64);

/** Runs openssl; returns its status and output. */
function openssl(args: readonly string[], cwd: string): { ok: boolean; out: string } {
  const r = run("openssl", args, { cwd });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}`.trim() };
}

/**
 * What the ClusterMesh part of a cluster's objects (chart render plus the
 * stack's secrets) must show: no copy of the mesh CA key; the chart mounts
 * the secrets the stack writes and renders none of its own; the config names
 * every other cluster; the server certificate chains to the mesh CA for every
 * name a peer dials, and the remote certificate is this cluster's client.
 */
function clustermeshProblems(clusterName: string, objects: readonly Json[], peers: readonly string[], meshCa: MeshCa, scratch: string): string[] {
  const problems: string[] = [];
  const body = pemBody(meshCa.caKeyPem);
  const holders = objects.filter((o) => stringsOf(o).some((t) => t.replace(/\s+/g, "").includes(body)));
  for (const o of holders) problems.push(`${o.kind} ${o.metadata?.name} holds the mesh CA key`);
  const secret = (name: string): Json => objects.find((o) => o.kind === "Secret" && o.metadata?.name === name);
  const config = secret("cilium-clustermesh");
  const named = Object.keys(config?.data ?? {}).sort();
  if (JSON.stringify(named) !== JSON.stringify([...peers].sort()))
    problems.push(`cilium-clustermesh names ${JSON.stringify(named)}, not the peers ${JSON.stringify(peers)}`);
  const dir = fs.mkdtempSync(path.join(scratch, `tls-${clusterName}-`));
  fs.writeFileSync(path.join(dir, "mesh-ca.pem"), meshCa.caCertPem);
  for (const [kind, purpose, cn] of [
    ["server", "sslserver", "clustermesh-apiserver.cilium.io"],
    ["admin", "sslclient", `admin-${clusterName}`],
    ["remote", "sslclient", `remote-${clusterName}`],
    ["local", "sslclient", `local-${clusterName}`],
  ] as const) {
    const s = secret(`clustermesh-apiserver-${kind}-cert`);
    if (!s) {
      problems.push(`no clustermesh-apiserver-${kind}-cert secret`);
      continue;
    }
    const file = (k: string) => {
      const f = path.join(dir, `${kind}-${k}`);
      fs.writeFileSync(f, Buffer.from(s.data[k] ?? "", "base64"));
      return f;
    };
    const [crt, ca] = [file("tls.crt"), file("ca.crt")];
    if (fs.readFileSync(ca, "utf8").trim() !== meshCa.caCertPem.trim()) problems.push(`${kind} secret's ca.crt is not the mesh CA certificate`);
    // Chains to the mesh CA (the applied one, not the secret's own ca.crt), for its purpose; the server for every peer-dialled name.
    const names: string[][] = kind === "server" ? [...peers, clusterName].map((p) => ["-verify_hostname", `${p}.mesh.cilium.io`]) : [[]];
    for (const n of names) {
      const v = openssl(["verify", "-CAfile", path.join(dir, "mesh-ca.pem"), "-purpose", purpose, ...n, crt], dir);
      if (!v.ok) problems.push(`${kind} certificate does not verify against the mesh CA${n.length ? ` for ${n[1]}` : ""}: ${v.out}`);
    }
    const subject = openssl(["x509", "-in", crt, "-noout", "-subject", "-nameopt", "multiline"], dir).out;
    if (!subject.includes(`commonName                = ${cn}`)) problems.push(`${kind} certificate subject is not CN=${cn}: ${subject}`);
    const keyPub = openssl(["pkey", "-in", file("tls.key"), "-pubout"], dir).out;
    if (!keyPub.includes("PUBLIC KEY") || keyPub !== openssl(["x509", "-in", crt, "-noout", "-pubkey"], dir).out)
      problems.push(`${kind} key does not match its certificate`);
    if (s.metadata.namespace !== "kube-system") problems.push(`${kind} secret outside kube-system`);
  }
  // The chart consumes exactly these secrets (mounted by name) and renders none of them itself.
  const mounted = new Set(
    objects
      .filter((o) => ["Deployment", "DaemonSet"].includes(o.kind))
      .flatMap((o): Json[] => o.spec.template.spec.volumes ?? [])
      .flatMap((v) => [v.secret?.secretName, ...(v.projected?.sources ?? []).map((src: Json) => src.secret?.name)])
      .filter(Boolean),
  );
  for (const kind of ["server", "admin", "remote", "local"]) {
    const name = `clustermesh-apiserver-${kind}-cert`;
    if (!mounted.has(name)) problems.push(`the chart mounts no ${name}`);
    if (objects.filter((o) => o.kind === "Secret" && o.metadata?.name === name).length !== 1)
      problems.push(`${name} is not exactly one secret (the chart rendered its own?)`);
  }
  return problems;
}

/**
 * A release's values as Helm would receive them, with Terraform references replaced by placeholders.
 * The write-only values (`set_wo`) are merged as the helm provider merges them: parsed into a map of their own
 * and merged into the values map by map, a list replaced whole (terraform-provider-helm v3.1.1
 * resource_helm_release.go, getWriteOnlyValues and mergeMaps). Helm's own `-f` merge of a second values file is
 * that same merge (helm pkg/cli/values/options.go mergeMaps), so they go to helm as `writeOnly`, a values file of
 * their own; `set_sensitive` goes through `--set`, which the provider applies as Helm does.
 */
function releaseValues(release: Json, namespaces: Record<string, string>): { values: Json; namespace: string; sets: string[]; writeOnly: Json } {
  const PLACEHOLDER = "cGxhY2Vob2xkZXI="; // base64 of "placeholder": fits fields that want base64 too
  // Terraform's escape $${ stands for a literal ${ (the collector's own ${env:...}); every other ${...} is a reference.
  const text = (release.values ?? ["{}"])[0].replace(/\$?\$\{[^}]*\}/g, (m: string) => (m.startsWith("$$") ? m.slice(1) : PLACEHOLDER));
  const ns = release.namespace.replace(/^\$\{kubernetes_namespace_v1\.([^.]+)\.metadata\[0\]\.name\}$/, (_: string, id: string) => namespaces[id]);
  const values = JSON.parse(text);
  // Write-only and sensitive values are not in the JSON: Helm gets a placeholder for each.
  const sets = (release.set_sensitive ?? []).flatMap((s: Json) => ["--set", `${s.name}=placeholder`]);
  const writeOnly = writeOnlyValues((release.set_wo ?? []).map((s: Json) => s.name));
  return { values, namespace: ns, sets, writeOnly };
}

const docsOf = (yamlText: string): Json[] =>
  YAML.parseAllDocuments(yamlText)
    .map((d) => d.toJS())
    .filter(Boolean);
/** The pod template's spec of a workload (a CronJob's is inside its Job template). */
const podSpecOf = (d: Json): Json => (d.kind === "CronJob" ? d.spec.jobTemplate.spec.template.spec : d.spec.template.spec);
const find = (docs: readonly Json[], kind: string, name?: string): Json => docs.find((d) => d.kind === kind && (!name || d.metadata?.name === name));

/** A Secret a stack writes: its name and the keys of its (write-only) data. */
interface WrittenSecret {
  readonly name: string;
  readonly keys: readonly string[];
}

/** A chart's check: the problems of its rendering, given the values, its cluster's worker count and the Secrets its stack writes. */
type Check = (docs: readonly Json[], values: Json, cluster: { readonly workers: number; readonly secrets: readonly WrittenSecret[] }) => string[];

/** What each chart's rendering must show; returns the problems. */
const CHECKS: Record<string, Check> = {
  // Talos writes the talosconfig into a Secret named after its ServiceAccount (key `config`) and owns it; talos-backup reads TALOSCONFIG.
  "etcd-backup": (docs) => {
    const problems: string[] = [];
    const sa = docs.find((d) => d.apiVersion === "talos.dev/v1alpha1" && d.kind === "ServiceAccount");
    if (JSON.stringify(sa?.spec?.roles) !== JSON.stringify(["os:etcd:backup"]))
      problems.push(`the Talos ServiceAccount asks for ${JSON.stringify(sa?.spec?.roles)}`);
    if (docs.some((d) => d.kind === "Secret")) problems.push("a Secret is rendered: Talos refuses to write the talosconfig into a Secret it does not own");
    const job = find(docs, "CronJob", "talos-backup");
    const pod = job ? podSpecOf(job) : undefined;
    const c = pod?.containers?.[0];
    const env = Object.fromEntries((c?.env ?? []).map((e: Json) => [e.name, e]));
    const volume = (pod?.volumes ?? []).find((v: Json) => v.secret?.secretName === sa?.metadata?.name);
    const mount = (c?.volumeMounts ?? []).find((m: Json) => m.name === volume?.name);
    if (!mount || env.TALOSCONFIG?.value !== `${mount.mountPath}/config`)
      problems.push(`TALOSCONFIG ${env.TALOSCONFIG?.value} is not the config key of the Secret ${sa?.metadata?.name} as mounted`);
    const image = `${versions.images.talosBackup.repository}:${versions.images.talosBackup.tag}`;
    if (c?.image !== image) problems.push(`image ${c?.image}, not the pinned ${image}`);
    for (const name of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"])
      if (!env[name]?.valueFrom?.secretKeyRef || env[name]?.value !== undefined) problems.push(`${name} is not read from a Secret`);
    for (const name of ["BUCKET", "AWS_REGION", "CLUSTER_NAME", "AGE_X25519_PUBLIC_KEY"]) if (!env[name]?.value) problems.push(`${name} is empty`);
    if (job?.spec?.concurrencyPolicy !== "Forbid") problems.push("two backup Jobs may run at once");
    return problems;
  },
  cilium: (docs, values) => {
    const problems: string[] = [];
    const ds = find(docs, "DaemonSet", "cilium");
    const agent = ds?.spec.template.spec.containers.find((c: Json) => c.name === "cilium-agent");
    const caps = agent?.securityContext?.capabilities?.add ?? [];
    if (JSON.stringify(caps) !== JSON.stringify(values.securityContext.capabilities.ciliumAgent)) problems.push(`agent capabilities ${JSON.stringify(caps)}`);
    if (caps.includes("SYS_MODULE")) problems.push("agent asks for SYS_MODULE, which Talos refuses");
    const svc = find(docs, "Service", "clustermesh-apiserver");
    const port = svc?.spec.ports?.[0];
    if (svc?.spec.type !== "NodePort" || port?.nodePort !== values.clustermesh.apiserver.service.nodePort)
      problems.push(`clustermesh-apiserver service ${JSON.stringify(svc?.spec)}`);
    const apiserver = find(docs, "Deployment", "clustermesh-apiserver");
    if (apiserver?.spec.replicas !== values.clustermesh.apiserver.replicas) problems.push(`clustermesh-apiserver replicas ${apiserver?.spec.replicas}`);
    // authMode cluster: one etcd user per peer, listed for the apiserver.
    const users = find(docs, "ConfigMap", "clustermesh-remote-users");
    const peers: string[] = (values.clustermesh.config.clusters ?? []).map((c: Json) => c.name).sort();
    const listed: string[] = (YAML.parse(users?.data?.["users.yaml"] ?? "{}")?.users ?? []).map((u: Json) => u.name).sort();
    if (JSON.stringify(listed) !== JSON.stringify(peers.map((peer) => `remote-${peer}`)))
      problems.push(`etcd users ${JSON.stringify(listed)} are not one per peer (authMode cluster)`);
    // Hubble's certificates are re-issued by the CronJob from a CA certgen creates in the cluster
    // (cilium-ca, this cluster's only): the chart renders no CA of its own and is handed none.
    const certgen = find(docs, "CronJob", "hubble-generate-certs")?.spec.jobTemplate.spec.template.spec.containers[0];
    const args: string[] = certgen?.args ?? [];
    if (!args.includes("--ca-generate=true") || !args.includes("--ca-reuse-secret") || !args.includes("--ca-secret-name=cilium-ca"))
      problems.push(`Hubble certificates are not re-issued by the CronJob from an in-cluster CA (certgen args ${JSON.stringify(args)})`);
    if (find(docs, "CronJob", "hubble-generate-certs")?.spec.schedule !== values.hubble.tls.auto.schedule)
      problems.push("the Hubble certificate CronJob does not run on the configured schedule");
    if (find(docs, "Secret", "cilium-ca")) problems.push("the chart renders cilium-ca itself (a CA handed to it in values)");
    // Every setting of ours reaches the agent's config (cilium-config) with its value.
    problems.push(...ciliumConfigProblems(docs, values));
    return problems;
  },
  // Runs before any CNI: host network, the API through KubePrism, not-Ready nodes tolerated; otherwise the upstream objects.
  "kubelet-serving-cert-approver": (docs) => {
    const problems = [];
    const spec = find(docs, "Deployment", "kubelet-serving-cert-approver")?.spec.template.spec;
    if (spec?.hostNetwork !== true) problems.push("approver is not on the host network (no pod network before the CNI)");
    if (!spec?.tolerations?.some((t: Json) => t.key === "node.kubernetes.io/not-ready" && t.operator === "Exists" && !t.effect))
      problems.push(`approver does not tolerate not-Ready nodes: ${JSON.stringify(spec?.tolerations)}`);
    const env = Object.fromEntries((spec?.containers[0].env ?? []).map((e: Json) => [e.name, e.value]));
    if (env.KUBERNETES_SERVICE_HOST !== "localhost" || env.KUBERNETES_SERVICE_PORT !== "7445")
      problems.push(`approver does not reach the API through KubePrism: ${JSON.stringify(env)}`);
    const pin = versions.manifests.kubeletServingCertApprover;
    const upstream = docsOf(fs.readFileSync(path.join(repoRoot, pin.path), "utf8"));
    const ids = (ds: readonly Json[]) => ds.map((d) => `${d.kind}/${d.metadata.namespace ?? ""}/${d.metadata.name}`).sort();
    if (JSON.stringify(ids(docs)) !== JSON.stringify(ids(upstream))) problems.push(`objects ${ids(docs)} are not the upstream's ${ids(upstream)}`);
    const image = spec?.containers[0].image;
    if (image !== `ghcr.io/alex1989hu/kubelet-serving-cert-approver:${pin.version.replace(/^v/, "")}`) problems.push(`image ${image} is not the pinned tag`);
    return problems;
  },
  tetragon: (docs) => {
    const spec = find(docs, "DaemonSet")?.spec.template.spec;
    const volume = spec?.volumes?.find((v: Json) => v.hostPath?.path === "/sys/kernel/tracing");
    const mounted = spec?.containers.some((c: Json) => c.volumeMounts?.some((m: Json) => m.name === volume?.name && m.mountPath === "/sys/kernel/tracing"));
    return volume && mounted ? [] : ["no /sys/kernel/tracing host mount in the Tetragon container"];
  },
  "opentelemetry-collector": (docs) => {
    const cm = docs.find((d) => d.kind === "ConfigMap" && d.data?.relay);
    if (!cm) return ["no collector ConfigMap"];
    const config: Json = YAML.parse(cm.data.relay);
    const problems: string[] = [];
    if (config.exporters.otlp) problems.push("the deprecated otlp exporter is configured");
    if (!config.exporters["otlp_grpc/metrics"]?.headers?.["x-honeycomb-dataset"]) problems.push("metrics exporter has no x-honeycomb-dataset header");
    if (JSON.stringify(config.service.pipelines.metrics.exporters) !== JSON.stringify(["otlp_grpc/metrics"]))
      problems.push(`metrics exporters ${JSON.stringify(config.service.pipelines.metrics.exporters)}`);
    const kubelet = config.receivers.kubeletstats;
    if (!kubelet) problems.push("no kubeletstats receiver");
    if (kubelet?.insecure_skip_verify) problems.push("kubelet scrape skips TLS verification");
    if (config.exporters.otlp_grpc?.headers?.["x-honeycomb-team"] !== "${env:OTLP_API_KEY}") problems.push("API key header is not read from the environment");
    return problems;
  },
  "metrics-server": (docs) => {
    const args: string[] = find(docs, "Deployment")?.spec.template.spec.containers.find((c: Json) => c.name === "metrics-server")?.args ?? [];
    return args.some((a) => a.includes("kubelet-insecure-tls")) ? ["metrics-server skips kubelet TLS verification"] : [];
  },
  "rook-ceph-cluster": (docs, values, { workers }) => {
    const problems: string[] = [];
    const cluster = find(docs, "CephCluster");
    const filter = cluster?.spec.storage?.devicePathFilter;
    if (filter !== values.cephClusterSpec.storage.devicePathFilter || cluster.spec.storage.deviceFilter)
      problems.push(`CephCluster storage ${JSON.stringify(cluster?.spec.storage)}`);
    // Filesystem and object store as configured, no pool wider than the workers (failure domain: host).
    const pools: Json[] = [];
    for (const fs of values.cephFileSystems as Json[]) {
      const got = find(docs, "CephFilesystem", fs.name);
      if (!got) problems.push(`no CephFilesystem ${fs.name}`);
      else pools.push(got.spec.metadataPool, ...got.spec.dataPools);
      const sc = find(docs, "StorageClass", fs.storageClass.name);
      if (sc?.provisioner !== "rook-ceph.cephfs.csi.ceph.com" || sc.parameters.fsName !== fs.name)
        problems.push(`StorageClass ${fs.storageClass.name} ${JSON.stringify(sc)}`);
    }
    for (const os of values.cephObjectStores as Json[]) {
      const got = find(docs, "CephObjectStore", os.name);
      if (!got) problems.push(`no CephObjectStore ${os.name}`);
      else pools.push(got.spec.metadataPool, got.spec.dataPool);
      const sc = find(docs, "StorageClass", os.storageClass.name);
      if (sc?.provisioner !== "rook-ceph.ceph.rook.io/bucket" || sc.parameters.objectStoreName !== os.name)
        problems.push(`bucket StorageClass ${JSON.stringify(sc)}`);
    }
    for (const p of pools)
      if (!p.replicated || p.replicated.size > workers) problems.push(`a pool of ${JSON.stringify(p)} is not replicated at most ${workers} times`);
    return problems;
  },
  "cert-manager": (docs) => {
    const crds: string[] = docs.filter((d) => d.kind === "CustomResourceDefinition").map((d) => d.metadata.name);
    const problems = ["certificates.cert-manager.io", "clusterissuers.cert-manager.io"].filter((n) => !crds.includes(n)).map((n) => `no CRD ${n}`);
    const controller: string[] = find(docs, "Deployment", "cert-manager")?.spec.template.spec.containers[0].args ?? [];
    if (!controller.includes("--leader-election-namespace=cert-manager")) problems.push(`controller args ${JSON.stringify(controller)}`);
    return problems;
  },
  "cluster-issuer": (docs) => {
    const issuer = find(docs, "ClusterIssuer", CLUSTER_ISSUER);
    if (!issuer) return [`no ClusterIssuer ${CLUSTER_ISSUER}`];
    if (issuer.spec.ca) {
      const ca = find(docs, "Certificate", issuer.spec.ca.secretName);
      if (!ca?.spec.isCA || ca.spec.secretName !== issuer.spec.ca.secretName || ca.metadata.namespace !== "cert-manager")
        return [`CA certificate ${JSON.stringify(ca)}`];
      if (find(docs, "ClusterIssuer", ca.spec.issuerRef.name)?.spec.selfSigned === undefined) return ["the CA certificate's issuer is not self-signed"];
    } else if (!issuer.spec.acme?.solvers?.[0]?.dns01) return [`issuer ${JSON.stringify(issuer.spec)} is neither a CA nor ACME with DNS-01`];
    return [];
  },
  gateway: (docs) => {
    const gw = find(docs, "Gateway");
    const cert = find(docs, "Certificate");
    const problems: string[] = [];
    if (gw?.spec.gatewayClassName !== "cilium") problems.push(`gatewayClassName ${gw?.spec.gatewayClassName}`);
    const https = gw?.spec.listeners.find((l: Json) => l.protocol === "HTTPS" && l.port === 443);
    if (!https) problems.push("no HTTPS listener on 443");
    else if (https.tls.certificateRefs[0].name !== cert?.spec.secretName) problems.push("the HTTPS listener's certificate is not the Certificate's secret");
    else if (!cert.spec.dnsNames.includes(https.hostname)) problems.push(`the certificate does not cover ${https.hostname}`);
    if (cert?.spec.issuerRef.name !== CLUSTER_ISSUER || cert.spec.issuerRef.kind !== "ClusterIssuer")
      problems.push(`certificate issuer ${JSON.stringify(cert?.spec.issuerRef)}`);
    return problems;
  },
  robusta: (docs, _values, { secrets }) => {
    const problems: string[] = [];
    // The runner's config as the chart renders it, after the provider's merge of the write-only values.
    const config = YAML.parse(
      Buffer.from(find(docs, "Secret", "robusta-playbooks-config-secret")?.data?.["active_playbooks.yaml"] ?? "", "base64").toString() || "{}",
    );
    const sinks: Json[] = config.sinks_config ?? [];
    const ui = sinks.find((x) => x.robusta_sink)?.robusta_sink;
    if (sinks.length !== 1 || ui?.name !== "robusta_ui_sink") problems.push(`sinks_config ${JSON.stringify(sinks)}: not the one named UI sink`);
    // Its token: Robusta's {{ env.NAME }}, that variable of the runner from a Secret key the platform stack writes.
    const env = /^\{\{ env\.([A-Z0-9_]+) \}\}$/.exec(ui?.token ?? "")?.[1];
    const runner = docs
      .filter((d) => d.kind === "Deployment")
      .flatMap((d): Json[] => d.spec.template.spec.containers)
      .find((c) => c.name === "runner");
    const ref = (runner?.env ?? []).find((e: Json) => e.name === env)?.valueFrom?.secretKeyRef;
    if (!env) problems.push(`the UI sink's token ${JSON.stringify(ui?.token)} is not read from the runner's environment`);
    else if (!ref || !secrets.some((x) => x.name === ref.name && x.keys.includes(ref.key)))
      problems.push(
        `the runner's ${env} ${ref ? `is Secret ${ref.name} key ${ref.key}, which the platform stack does not write` : "does not come from a Secret"}`,
      );
    return problems;
  },
  "proxmox-csi-plugin": (docs, values, { secrets }) => {
    const problems: string[] = [];
    const config = YAML.parse(Buffer.from(find(docs, "Secret")?.data?.["config.yaml"] ?? "", "base64").toString() || "{}");
    // One entry per Proxmox API, each reading its own token from a file of a Secret the platform stack writes (write-only).
    const rendered: Json[] = config.clusters ?? [];
    if (rendered.length !== values.config.clusters.length || rendered.length === 0)
      problems.push(`the config secret has ${rendered.length} clusters, the values ${values.config.clusters.length}`);
    const controller = docs.find((d) => d.kind === "Deployment" && d.metadata.name.endsWith("-controller"))?.spec.template.spec;
    const plugin = controller?.containers.find((c: Json) => (c.args ?? []).some((a: string) => a.startsWith("--cloud-config=")));
    // File path -> the Secret and key behind it, through the plugin container's mounts of projected or secret volumes.
    const files: Record<string, { secret: string; key: string }> = {};
    for (const m of plugin?.volumeMounts ?? []) {
      const v = controller.volumes.find((x: Json) => x.name === m.name);
      const sources: Json[] = v?.projected?.sources ?? (v?.secret ? [{ secret: { name: v.secret.secretName, items: v.secret.items } }] : []);
      for (const src of sources)
        for (const item of src.secret?.items ?? []) files[path.posix.join(m.mountPath, item.path)] = { secret: src.secret.name, key: item.key };
    }
    values.config.clusters.forEach((want: Json, i: number) => {
      const cluster = rendered[i] ?? {};
      if (cluster.token_secret !== undefined) problems.push(`clusters[${i}] of the config secret holds a token itself`);
      const file = files[cluster.token_secret_file];
      const written = file && secrets.find((s) => s.name === file.secret && s.keys.includes(file.key));
      if (cluster.token_id !== want.token_id || !written)
        problems.push(
          `clusters[${i}] reads its token from ${cluster.token_secret_file}, ${file ? `Secret ${file.secret} key ${file.key}, which the platform stack does not write` : "which no volume of the plugin container mounts"}`,
        );
      if (cluster.region !== want.region || cluster.url !== want.url || !/\/api2\/json$/.test(cluster.url ?? ""))
        problems.push(`clusters[${i}]: region ${cluster.region} url ${cluster.url}`);
    });
    const tokenFiles: string[] = rendered.map((c) => c.token_secret_file);
    if (new Set(rendered.map((c) => c.region)).size !== rendered.length) problems.push(`regions not distinct: ${rendered.map((c) => c.region)}`);
    if (new Set(tokenFiles.map((f) => files[f]?.secret)).size !== rendered.length)
      problems.push(`the APIs do not each have a token of their own: ${tokenFiles}`);
    const sc = find(docs, "StorageClass", values.storageClass[0].name);
    if (
      sc?.provisioner !== "csi.proxmox.sinextra.dev" ||
      sc.parameters.storage !== values.storageClass[0].storage ||
      sc.volumeBindingMode !== "WaitForFirstConsumer"
    )
      problems.push(`StorageClass ${JSON.stringify(sc)}`);
    return problems;
  },
  olmv1: (docs) => {
    const problems: string[] = [];
    const tag = versions.vendoredCharts.olmv1.version;
    for (const d of docs.filter((x) => x.kind === "Deployment"))
      for (const c of d.spec.template.spec.containers)
        if (!c.image.endsWith(`:${tag}`)) problems.push(`${d.metadata.name} runs ${c.image}, not the release tag ${tag}`);
    if (!docs.some((d) => d.kind === "Deployment")) problems.push("no Deployment");
    if (!find(docs, "Certificate")) problems.push("no cert-manager Certificate (WebhookProviderCertManager)");
    // The chart makes its own namespace; the level lib/platform/olm.ts states (and the apply proof enforces) must be the one it renders.
    const enforce = find(docs, "Namespace", OLM_NAMESPACE)?.metadata?.labels?.["pod-security.kubernetes.io/enforce"];
    if (enforce !== OLM_NAMESPACE_LEVEL)
      problems.push(`namespace ${OLM_NAMESPACE} enforces ${enforce ?? "nothing"}, not ${OLM_NAMESPACE_LEVEL} (OLM_NAMESPACE_LEVEL)`);
    return problems;
  },
};

/** Images, host access and privileges each Pod Security level refuses (kubernetes.io/docs/concepts/security/pod-security-standards), for one pod spec. */
const BASELINE_CAPS = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);
function podSecurityProblems(spec: Json, level: string): string[] {
  if (level === "privileged") return [];
  const problems: string[] = [];
  const containers: Json[] = [...(spec.initContainers ?? []), ...spec.containers];
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) problems.push("host namespaces");
  if ((spec.volumes ?? []).some((v: Json) => v.hostPath)) problems.push("a hostPath volume");
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    if (sc.privileged) problems.push(`${c.name} privileged`);
    if ((c.ports ?? []).some((port: Json) => port.hostPort)) problems.push(`${c.name} hostPort`);
    const added: string[] = sc.capabilities?.add ?? [];
    if (added.some((a) => !BASELINE_CAPS.has(a))) problems.push(`${c.name} adds ${added}`);
    if (level !== "restricted") continue;
    if (sc.allowPrivilegeEscalation !== false) problems.push(`${c.name} may escalate privileges`);
    if (!(sc.capabilities?.drop ?? []).includes("ALL")) problems.push(`${c.name} keeps its capabilities`);
    if (added.some((a) => a !== "NET_BIND_SERVICE")) problems.push(`${c.name} adds ${added}`);
    if (!(sc.runAsNonRoot ?? spec.securityContext?.runAsNonRoot)) problems.push(`${c.name} may run as root`);
    const seccomp = sc.seccompProfile?.type ?? spec.securityContext?.seccompProfile?.type;
    if (!["RuntimeDefault", "Localhost"].includes(seccomp)) problems.push(`${c.name} seccomp ${seccomp}`);
  }
  return [...new Set(problems)];
}

/** CRD schemas by apiVersion and kind, strict: a field the CRD does not know is an error (the API server would drop it). */
function crdValidator(crds: readonly Json[]): (obj: Json) => string[] {
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  const tighten = (schema: Json): Json => {
    if (!schema || typeof schema !== "object") return schema;
    const out = { ...schema };
    // OpenAPI's nullable, which JSON Schema spells as a type.
    if (out.nullable) {
      delete out.nullable;
      if (out.type) out.type = [out.type, "null"];
    }
    if (out.properties) {
      out.properties = Object.fromEntries(Object.entries(out.properties).map(([k, v]) => [k, tighten(v)]));
      if (out.additionalProperties === undefined && !out["x-kubernetes-preserve-unknown-fields"]) out.additionalProperties = false;
    }
    if (out.items) out.items = tighten(out.items);
    if (out.additionalProperties && typeof out.additionalProperties === "object") out.additionalProperties = tighten(out.additionalProperties);
    for (const k of ["allOf", "anyOf", "oneOf"]) if (out[k]) out[k] = out[k].map(tighten);
    return out;
  };
  const byKind = new Map<string, Json>();
  for (const crd of crds) for (const v of crd.spec.versions) byKind.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, v.schema.openAPIV3Schema);
  const compiled = new Map<string, ValidateFunction>();
  return (obj) => {
    const key = `${obj.apiVersion}/${obj.kind}`;
    if (!byKind.has(key)) return [`no CRD here defines ${obj.apiVersion} ${obj.kind}`];
    if (!compiled.has(key)) {
      const schema = tighten(byKind.get(key));
      // apiVersion, kind and metadata are the API server's, not the CRD's.
      schema.properties = { ...schema.properties, apiVersion: { type: "string" }, kind: { type: "string" }, metadata: { type: "object" } };
      compiled.set(key, ajv.compile(schema));
    }
    const validate = compiled.get(key)!;
    return validate(obj)
      ? []
      : (validate.errors ?? []).map(
          (e) => `${obj.kind} ${obj.metadata.name}${e.instancePath} ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ""}`,
        );
  };
}

/**
 * The CRDs Talos `version` applies itself when a control plane turns on
 * Kubernetes Talos API access (`serviceaccounts.talos.dev`), as Talos builds
 * them: its own template (internal/app/machined/pkg/controllers/k8s/internal/k8stemplates/crds.go,
 * `TalosServiceAccountCRDTemplate`), printed as JSON by a small Go program
 * placed inside a copy of Talos' module from the Go module proxy (an internal
 * package can be imported only from within its parent), built without the
 * module's local replace of pkg/machinery (the module zip lacks that path).
 */
function talosCrds(version: string, scratch: string): Json[] {
  const r = run("go", ["mod", "download", "-json", `github.com/siderolabs/talos@${version}`], { cwd: os.tmpdir() });
  if (r.status !== 0) die(`go mod download github.com/siderolabs/talos@${version} failed: ${r.stderr || r.stdout}`);
  const src = path.join(scratch, "talos-src");
  fs.cpSync(JSON.parse(r.stdout).Dir, src, { recursive: true });
  // The module cache is read-only.
  run("chmod", ["-R", "u+w", src]);
  const env = { ...process.env, GOWORK: "off", GOFLAGS: "-mod=mod" };
  const edit = run("go", ["mod", "edit", "-dropreplace=github.com/siderolabs/talos/pkg/machinery"], { cwd: src, env });
  if (edit.status !== 0) die(`go mod edit in Talos ${version} failed: ${edit.stderr}`);
  const pkg = path.join(src, "internal", "app", "machined", "pkg", "controllers", "k8s", "aggrik8s-crds");
  fs.mkdirSync(pkg);
  fs.writeFileSync(
    path.join(pkg, "main.go"),
    [
      "package main",
      "",
      'import (\n\t"encoding/json"\n\t"os"\n\n\t"github.com/siderolabs/talos/internal/app/machined/pkg/controllers/k8s/internal/k8stemplates"\n)',
      "",
      "func main() {",
      "\tif err := json.NewEncoder(os.Stdout).Encode(k8stemplates.TalosServiceAccountCRDTemplate()); err != nil {",
      "\t\tos.Exit(1)",
      "\t}",
      "}",
      "",
    ].join("\n"),
  );
  const out = run("go", ["run", "./internal/app/machined/pkg/controllers/k8s/aggrik8s-crds"], { cwd: src, env });
  if (out.status !== 0) die(`printing Talos ${version}'s ServiceAccount CRD failed: ${out.stderr.slice(-3000)}`);
  const crd = JSON.parse(out.stdout);
  log(`Talos ${version}'s own CRD ${crd.metadata.name} (its k8stemplates, built from its Go module): talos.dev objects are checked against it`);
  return [crd];
}

/** The CRDs of Cilium `version`, from its Go module (`go mod download`; pkg/k8s/apis/cilium.io/client/crds). */
function ciliumCrds(version: string): Json[] {
  const r = run("go", ["mod", "download", "-json", `github.com/cilium/cilium@v${version}`], { cwd: os.tmpdir() });
  if (r.status !== 0) die(`go mod download github.com/cilium/cilium@v${version} failed: ${r.stderr || r.stdout}`);
  const dir = path.join(JSON.parse(r.stdout).Dir, "pkg", "k8s", "apis", "cilium.io", "client", "crds");
  return fs.readdirSync(dir).flatMap((v) => fs.readdirSync(path.join(dir, v)).map((f) => YAML.parse(fs.readFileSync(path.join(dir, v, f), "utf8"))));
}

/** Gateway API's standard CRDs at the version the pinned Cilium supports, from their release source. */
function gatewayApiCrds(scratch: string): Json[] {
  const pin = versions.crds?.gatewayApi ?? { version: "v1.4.1", source: { archive: "gateway-api-{version}.tar.gz", path: "config/crd/standard" } };
  const archive = [pin.version, pin.version.replace(/^v/, "")]
    .map((v) => path.join(chartSrc, pin.source.archive.replace("{version}", v)))
    .find((f) => fs.existsSync(f));
  if (!archive) die(`no Gateway API CRD source ${pin.source.archive} (${pin.version}) in ${chartSrc}`);
  const top = untar(archive, path.join(scratch, "gateway-api"));
  const dir = path.join(top, pin.source.path);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .flatMap((f) => docsOf(fs.readFileSync(path.join(dir, f), "utf8")))
    .filter((d) => d.kind === "CustomResourceDefinition");
}

/** A vendored chart must be its release source, unedited. */
function vendoredProblems(name: string, scratch: string): string[] {
  const pin = versions.vendoredCharts[name];
  const top = untar(path.join(chartSrc, pin.source.archive.replace("{version}", pin.version)), path.join(scratch, "vendored", name));
  const r = run("diff", ["-r", path.join(top, pin.source.path), path.join(repoRoot, pin.path)]);
  return r.status === 0 ? [] : [`${pin.path} differs from ${pin.github} ${pin.version} ${pin.source.path}:\n${r.stdout.slice(0, 2000)}`];
}

/** MiB of a Kubernetes memory quantity. */
function mebibytes(q: string | number | undefined): number {
  if (q === undefined) return 0;
  const m = String(q).match(/^([0-9.]+)(Ki|Mi|Gi|k|M|G)?$/);
  if (!m) return die(`unreadable memory quantity ${q}`);
  const factors: Record<string, number> = { Ki: 1 / 1024, Mi: 1, Gi: 1024, k: 1000 / 1048576, M: 1e6 / 1048576, G: 1e9 / 1048576 };
  const factor = factors[m[2]] ?? 1 / 1048576;
  return Math.round(Number(m[1]) * factor);
}

/** Memory requested by the rendered workloads: once per cluster (Deployments x replicas) and per node (DaemonSets). */
/** Memory in MiB: once per cluster, and on every node. */
interface Requests {
  cluster: number;
  perNode: number;
}
function renderedRequests(docs: readonly Json[]): Requests {
  const total = { cluster: 0, perNode: 0 };
  for (const d of docs) {
    if (!["Deployment", "StatefulSet", "DaemonSet", "CronJob"].includes(d.kind)) continue;
    // A CronJob runs one Job at a time here (concurrencyPolicy: Forbid): its pod counts once.
    const mib: number = podSpecOf(d).containers.reduce((a: number, c: Json) => a + mebibytes(c.resources?.requests?.memory), 0);
    if (d.kind === "DaemonSet") total.perNode += mib;
    else total.cluster += mib * (d.spec.replicas ?? 1);
  }
  return total;
}

/** API groups the API server serves itself (no CRD to check their objects against). */
const BUILT_IN_GROUPS = new Set([
  "rbac.authorization.k8s.io",
  "networking.k8s.io",
  "storage.k8s.io",
  "scheduling.k8s.io",
  "admissionregistration.k8s.io",
  "apiextensions.k8s.io",
  "certificates.k8s.io",
  "coordination.k8s.io",
  "discovery.k8s.io",
  "node.k8s.io",
  "policy",
]);

/** The capacity table's chart-rendered requests of a component (Rook's operator-made daemons excluded). */
function tableRequests(platform: Parameters<typeof memoryRequests>[0], component: string): Requests {
  const total = { cluster: 0, perNode: 0 };
  // Made by Rook's operator from the CephCluster, CephFilesystem and CephObjectStore specs, not by the chart.
  const operatorMade = new Set<string>(Object.keys(ROOK_DAEMON_MEMORY_MIB));
  for (const r of memoryRequests(platform, 3).filter((x) => x.component === component && !(component === "rook-ceph" && operatorMade.has(x.workload)))) {
    if (r.placement === "every-node") total.perNode += r.memoryMiB;
    else if (r.placement === "cluster") total.cluster += r.memoryMiB * (r.replicas ?? 1);
  }
  return total;
}

/**
 * What a cluster's config says of its LB-IPAM pool: its range, and the
 * addresses of the mesh it must not hold (every node IP, VIP and gateway:
 * clusters may share a LAN). Undefined when the cluster has no pool.
 */
function poolExpectation(config: MeshConfig, clusterName: string): PoolExpectation | undefined {
  const c = config.clusters.find((x) => x.name === clusterName);
  const lb = c && lbIpam(c);
  if (!lb) return undefined;
  const r = poolRange(lb.pool);
  const taken: Record<string, string> = {};
  for (const o of config.clusters) {
    taken[o.network.gateway] = `${o.name}'s gateway`;
    if (o.network.vip) taken[o.network.vip] = `${o.name}'s VIP`;
    for (const n of [...o.controlPlane.nodes, ...o.workers.nodes]) taken[n.ip] = `node ${n.name}'s IP`;
  }
  return { first: r.first, last: r.last, taken };
}

function main(): void {
  const bin = helmBin();
  const scratch = p.scratch;
  // The default mesh with WireGuard on (encryption.type, the one switch): only its Cilium stacks are rendered.
  const wireguardFile = path.join(scratch, "wireguard.yaml");
  fs.writeFileSync(wireguardFile, YAML.stringify({ ...DEFAULT_MESH, encryption: { type: "wireguard" } }));
  const chartDirs: Record<string, string | null> = {};
  const chartDir = (k: string): string => chartDirs[k] ?? die(`no chart folder for ${k}`);
  // A canary's render: the chart with other values, the way the checks render it; a failed render ends the proof.
  const renderCanary = (release: string, dir: string, namespace: string, args: string[]): Json[] => {
    const r = helm(bin, ["template", release, dir, "--namespace", namespace, "--kube-version", versions.platform.kubernetes, ...args]);
    if (r.status !== 0) die(`canary render failed: ${r.stderr}`);
    return docsOf(r.stdout);
  };
  const chartKey = (release: Json) =>
    Object.keys(versions.charts).find((k) => versions.charts[k].chart === release.chart && versions.charts[k].repository === release.repository);
  // The default mesh, and the example, which turns on what the default leaves off (OTel, Robusta, OLM, the Proxmox CSI plugin).
  const meshes = [
    { label: "default", env: { AGGRIK8S_CONFIG: "" } },
    { label: "example", env: { AGGRIK8S_CONFIG: path.join(repoRoot, "examples", "three-clusters.yaml") } },
    // Two standalone Proxmox hosts: the CSI plugin with one API (and token) per host.
    { label: "two-hosts", env: { AGGRIK8S_CONFIG: path.join(repoRoot, "examples", "two-hosts.yaml") } },
    { label: "wireguard", env: { AGGRIK8S_CONFIG: wireguardFile }, only: "cilium" },
  ];
  // Each Cilium rendering's WireGuard switch in cilium-config, the last Cilium and LB-IPAM renderings (for the canaries), pools checked.
  const wireguardSeen: { mesh: string; cluster: string; on: boolean }[] = [];
  let lastCiliumRender: { values: Json; namespace: string; dir: string; writeOnlyFile: string; sets: string[]; what: string } | undefined;
  let lastLbIpam: { values: Json; namespace: string; dir: string; want: PoolExpectation; what: string } | undefined;
  let poolsChecked = 0;
  let poolClusters = 0;
  let meshChecked = 0;
  let meshClusters = 0;
  let lastCsi: { values: Json; namespace: string; dir: string; secrets: readonly WrittenSecret[] } | undefined;
  let lastCilium: { values: Json; namespace: string; json: Json; stack: Stack; dir: string; cluster: string; peers: string[]; meshCa: MeshCa } | undefined;
  let failures = 0;
  let rendered = 0;
  const renderedByComponent: Record<string, Requests> = {};
  const skipped: string[] = [];
  const crds = gatewayApiCrds(scratch);
  const gatewayApi = [...crds];
  // Cilium's own CRDs (its operator registers them at runtime), from the pinned Cilium's Go module: the LB-IPAM objects are checked against them.
  crds.push(...ciliumCrds(versions.platform.cilium));
  // The CRDs Talos installs itself (the talos.dev ServiceAccount of its Kubernetes API access), as the pinned Talos builds them.
  crds.push(...talosCrds(versions.platform.talos, scratch));
  const objectChecks: { what: string; docs: Json[] }[] = [];
  const vendored = new Set<string>();
  for (const mesh of meshes as { label: string; env: Record<string, string>; only?: string }[]) {
    const stacks = synthesizeMesh(path.join(scratch, `out-${mesh.label}`), mesh.env);
    // The config the mesh was synthesized from, for what the renderings must agree with (the LB-IPAM pools).
    const meshConfig = loadConfig({ env: mesh.env, cwd: repoRoot }).config;
    poolClusters += meshConfig.clusters.filter((c) => lbIpam(c)).length;
    const meshCa = applyMeshCa(stacks.find((s) => s.name === "mesh-ca") ?? die(`${mesh.label}: no mesh-ca stack synthesized`), scratch, mesh.label);
    const clusterNames = stacks.filter((s) => s.kind === "cilium").map((s) => s.cluster!);
    meshClusters += clusterNames.length;
    const workersOf: Record<string, number> = Object.fromEntries(
      stacks
        .filter((s) => s.kind === "vms")
        .map((s) => {
          const vms: Record<string, Json> = JSON.parse(fs.readFileSync(path.join(s.dir, "cdk.tf.json"), "utf8")).resource.proxmox_virtual_environment_vm ?? {};
          return [s.cluster!, Object.values(vms).filter((v) => (v.tags ?? []).includes("role-worker")).length];
        }),
    );
    for (const stack of stacks) {
      if (mesh.only && stack.kind !== mesh.only) continue;
      const json: Json = JSON.parse(fs.readFileSync(path.join(stack.dir, "cdk.tf.json"), "utf8"));
      const nsResources = Object.entries((json.resource?.kubernetes_namespace_v1 ?? {}) as Record<string, Json>);
      const namespaces: Record<string, string> = Object.fromEntries(nsResources.map(([id, n]) => [id, n.metadata.name]));
      // Pod Security level by namespace name: the stack's namespaces, Talos' kube-system (privileged).
      const levels: Record<string, string> = {
        "kube-system": "privileged",
        ...Object.fromEntries(nsResources.map(([, n]) => [n.metadata.name, n.metadata.labels["pod-security.kubernetes.io/enforce"]])),
      };
      const cluster = stack.cluster ?? "";
      const stackDocs: Json[] = [];
      const byComponent: Record<string, Requests> = {};
      // Which capacity-table component each release of this stack counts under, from the registries that make them.
      const clusterConfig = meshConfig.clusters.find((c) => c.name === cluster);
      const componentOf = new Map<string, string>();
      try {
        for (const r of clusterConfig ? releaseComponents(clusterConfig, meshConfig.proxmox) : [])
          if (r.stack === stack.kind) componentOf.set(r.release, r.component);
      } catch (e) {
        die(`${mesh.label} ${stack.name}: ${e instanceof Error ? e.message : String(e)}`);
      }
      for (const release of Object.values((json.resource?.helm_release ?? {}) as Record<string, Json>)) {
        const local = release.repository === undefined;
        const key = local ? `local:${path.relative(repoRoot, path.resolve(stack.dir, release.chart))}` : chartKey(release);
        if (!key) {
          log(`SKIP ${mesh.label} ${stack.name} ${release.name}: ${release.chart} is not a pinned chart (an extra release), no source to render`);
          continue;
        }
        if (!local && versions.charts[key].version !== release.version && key !== "cilium")
          die(`${stack.name} ${release.name}: version ${release.version} is not the pin`);
        const pinKey = local ? key : `${key}@${release.version}`;
        if (chartDirs[pinKey] === null) continue;
        if (!chartDirs[pinKey] && local) {
          const dir = path.resolve(stack.dir, release.chart);
          // A chart of charts/, or the copy of one cdktf made beside the stack (a LocalChart asset).
          if (!dir.startsWith(path.join(repoRoot, "charts") + path.sep) && !dir.startsWith(path.join(stack.dir, "assets") + path.sep))
            die(`${stack.name} ${release.name}: local chart ${dir} is outside charts/`);
          // A vendored chart must be its release source, unedited.
          const name = Object.keys(versions.vendoredCharts).find((n) => versions.vendoredCharts[n].path === path.relative(repoRoot, dir));
          if (name && !vendored.has(name)) {
            vendored.add(name);
            const problems = vendoredProblems(name, scratch);
            if (problems.length) failures++;
            log(
              `${problems.length ? "FAIL" : "PASS"} vendored chart ${name}: ${problems.length ? problems.join("; ") : `the same as its release source (${versions.vendoredCharts[name].github} ${versions.vendoredCharts[name].version})`}`,
            );
          }
          chartDirs[pinKey] = dir;
        }
        if (!chartDirs[pinKey]) {
          chartDirs[pinKey] = prepareChart(key, path.join(scratch, pinKey)) ?? null;
          if (chartDirs[pinKey] === null) {
            skipped.push(`${release.chart} ${release.version}`);
            log(`SKIP ${release.chart} ${release.version}: no release source in ${chartSrc} (versions.json charts.${key}.source); not rendered here`);
            continue;
          }
          if (
            fs.existsSync(path.join(chartDir(pinKey), "requirements.yaml")) ||
            (YAML.parse(fs.readFileSync(path.join(chartDir(pinKey), "Chart.yaml"), "utf8")).dependencies ?? []).some(
              (d: Json) => d.repository?.startsWith("file://") && !fs.existsSync(path.join(chartDir(pinKey), "charts", d.name, "Chart.yaml")),
            )
          ) {
            const dep = helm(bin, ["dependency", "build", chartDir(pinKey)]);
            if (dep.status !== 0) die(`${key}: helm dependency build failed: ${dep.stderr}`);
          }
        }
        const { values, namespace, sets, writeOnly } = releaseValues(release, namespaces);
        const valuesFile = path.join(scratch, `${mesh.label}-${stack.name}-${release.name}.json`);
        fs.writeFileSync(valuesFile, JSON.stringify(values));
        const writeOnlyFile = path.join(scratch, `${mesh.label}-${stack.name}-${release.name}.write-only.json`);
        fs.writeFileSync(writeOnlyFile, JSON.stringify(writeOnly));
        const r = helm(bin, [
          "template",
          release.name,
          chartDir(pinKey),
          "--namespace",
          namespace,
          "--kube-version",
          versions.platform.kubernetes,
          "-f",
          valuesFile,
          "-f",
          writeOnlyFile,
          ...sets,
        ]);
        rendered++;
        const what = `${mesh.label} ${stack.name} ${release.name} (${local ? key : `${release.chart} ${release.version}`})`;
        if (r.status !== 0) {
          failures++;
          log(`FAIL ${what}: helm template failed:\n${r.stderr.trim()}`);
          continue;
        }
        const docs = docsOf(r.stdout);
        stackDocs.push(...docs);
        crds.push(...docs.filter((d) => d.kind === "CustomResourceDefinition"));
        // Custom objects of the repository's objects chart: checked against their CRDs once every chart has rendered.
        // (CRDs themselves, and core objects such as the clustermesh-apiserver Service, have no CRD to check against.)
        const custom = docs.filter(
          (d) => d.kind !== "CustomResourceDefinition" && String(d.apiVersion).includes(".") && !BUILT_IN_GROUPS.has(String(d.apiVersion).split("/")[0]),
        );
        if (local && !key.includes("vendor") && custom.length) objectChecks.push({ what, docs: custom });
        // The vendored Gateway API CRDs must be the release source's, unedited.
        if (release.name === "gateway-api-crds") {
          const want = Object.fromEntries(gatewayApi.map((d) => [d.metadata.name, JSON.stringify(d)]));
          const got = docs.filter((d) => d.kind === "CustomResourceDefinition");
          const same = got.length === Object.keys(want).length && got.every((d) => want[d.metadata.name] === JSON.stringify(d));
          if (!same) failures++;
          log(
            `${same ? "PASS" : "FAIL"} ${what}: the ${got.length} CRDs ${same ? "equal" : "differ from"} the release source (${versions.crds?.gatewayApi?.version})`,
          );
        }
        const component = componentOf.get(release.name);
        if (component === undefined) {
          failures++;
          log(
            `FAIL ${what}: release ${release.name} belongs to no capacity-table component (neither a Cilium stack release of lib/cilium/releases.ts nor a release of an enabled component of lib/platform/components.ts): its requests would be compared with nothing`,
          );
        } else {
          const got = renderedRequests(docs);
          const sum = (byComponent[component] ??= { cluster: 0, perNode: 0 });
          sum.cluster += got.cluster;
          sum.perNode += got.perNode;
        }
        // The Secrets the stack writes (write-only data: their keys only), for the charts that read them.
        const secrets: WrittenSecret[] = Object.values<Json>(json.resource?.kubernetes_secret_v1 ?? {}).map((x) => ({
          name: x.metadata.name,
          keys: Object.keys(x.data_wo ?? x.data ?? {}),
        }));
        const problems = (CHECKS[release.name] ?? (() => []))(docs, values, { workers: workersOf[cluster], secrets });
        if (release.chart === "proxmox-csi-plugin") lastCsi = { values, namespace, dir: chartDir(pinKey), secrets };
        if (release.name === "cilium-lb-ipam") {
          // The pool Cilium's operator gets: usable, the config's, clear of the mesh's addresses.
          const want = poolExpectation(meshConfig, values.cluster);
          problems.push(...(want ? lbPoolProblems(docs, want) : [`the LB-IPAM chart is installed, but ${values.cluster} has no pool in the config`]));
          poolsChecked++;
          if (want) lastLbIpam = { values, namespace, dir: chartDir(pinKey), want, what };
        }
        if (release.chart === "cilium") {
          wireguardSeen.push({
            mesh: mesh.label,
            cluster: values.cluster.name,
            on: find(docs, "ConfigMap", "cilium-config")?.data?.["enable-wireguard"] === "true",
          });
          lastCiliumRender = { values, namespace, dir: chartDir(pinKey), writeOnlyFile, sets, what };
        }
        if (release.chart === "cilium") {
          // The cluster's objects: what the chart renders plus the secrets the stack writes.
          const peers = clusterNames.filter((c) => c !== values.cluster.name);
          const objects = [...docs, ...stackSecrets(json, meshCa, stack.name)];
          const tlsProblems = clustermeshProblems(values.cluster.name, objects, peers, meshCa, scratch);
          problems.push(...tlsProblems);
          meshChecked++;
          if (!tlsProblems.length)
            log(
              `PASS ${mesh.label} ${stack.name} ClusterMesh TLS: ${objects.length} objects, none holds the mesh CA key; config names ${peers.join(", ")}; its own four certificates, each verified against the mesh CA (server for every peer's name)`,
            );
          lastCilium = { values, namespace, json, stack, dir: chartDir(pinKey), cluster: values.cluster.name, peers, meshCa };
        }
        // Every pod within the Pod Security level of the namespace it lands in (a namespace the chart makes carries its own label).
        const ownLevels: Record<string, string | undefined> = Object.fromEntries(
          docs.filter((d) => d.kind === "Namespace").map((d) => [d.metadata.name, d.metadata.labels?.["pod-security.kubernetes.io/enforce"]]),
        );
        for (const d of docs.filter((x) => ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"].includes(x.kind))) {
          const ns = d.metadata.namespace ?? namespace;
          const level = ownLevels[ns] ?? levels[ns];
          if (!level) problems.push(`${d.kind} ${d.metadata.name} lands in ${ns}, a namespace with no Pod Security level here`);
          else
            for (const p of podSecurityProblems(podSpecOf(d), level)) problems.push(`${d.kind} ${d.metadata.name} breaks Pod Security ${level} in ${ns}: ${p}`);
        }
        if (problems.length) failures++;
        log(
          `${problems.length ? "FAIL" : "PASS"} ${what}: ${docs.length} objects${problems.length ? `: ${problems.join("; ")}` : CHECKS[release.name] ? ", checked" : ""}`,
        );
      }
      // The first rendering of each component is compared with the capacity table.
      for (const [component, got] of Object.entries(byComponent)) renderedByComponent[component] ??= got;
      if (stack.kind === "platform") {
        // A PersistentVolumeClaim without a class (kubescape's) binds only through the default StorageClass: exactly one per cluster.
        const defaults = stackDocs
          .filter((d) => d.kind === "StorageClass" && d.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true")
          .map((d) => d.metadata.name);
        const one = defaults.length === 1;
        if (!one) failures++;
        log(
          `${one ? "PASS" : "FAIL"} ${mesh.label} ${stack.name}: ${one ? `one default StorageClass, ${defaults[0]}` : `default StorageClasses ${JSON.stringify(defaults)}`}`,
        );
      }
    }
  }
  const validate = crdValidator(crds);
  for (const { what, docs } of objectChecks) {
    const problems = docs.flatMap(validate);
    if (problems.length) failures++;
    log(
      `${problems.length ? "FAIL" : "PASS"} ${what}: ${docs.map((d) => d.kind).join(", ")} ${problems.length ? `refused by their CRDs: ${problems.join("; ")}` : "accepted by their CRDs' schemas (unknown fields refused)"}`,
    );
  }
  // The CRD check can fail: a Gateway listener with a misspelt field (certificateRef) must be refused.
  const misspelt = validate({
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "Gateway",
    metadata: { name: "canary" },
    spec: { gatewayClassName: "cilium", listeners: [{ name: "https", protocol: "HTTPS", port: 443, tls: { mode: "Terminate", certificateRef: [] } }] },
  });
  const caught = misspelt.some((p) => p.includes("certificateRef"));
  if (!caught) failures++;
  log(`${caught ? "PASS" : "FAIL"} canary: a Gateway with a misspelt listener field ${caught ? `is refused (${misspelt[0]})` : "was accepted"}`);

  // The capacity table (lib/platform/capacity.ts) must say what the charts request.
  const all = everyComponentOn();
  for (const [component, got] of Object.entries(renderedByComponent)) {
    const want = tableRequests(all, component);
    const same = want.cluster === got.cluster && want.perNode === got.perNode;
    if (!same) failures++;
    log(
      `${same ? "PASS" : "FAIL"} capacity table, ${component}: charts request ${got.cluster} MiB per cluster and ${got.perNode} MiB per node${same ? ", as the table says" : `; the table says ${want.cluster} and ${want.perNode}: update lib/platform/capacity.ts`}`,
    );
  }

  // The WireGuard variant: encryption.type wireguard turns it on in every cluster's agent config; without it, in none.
  {
    const wg = wireguardSeen.filter((w) => w.mesh === "wireguard");
    const others = wireguardSeen.filter((w) => w.mesh !== "wireguard");
    const ok = wg.length > 0 && wg.every((w) => w.on) && others.every((w) => !w.on);
    if (!ok) failures++;
    log(
      `${ok ? "PASS" : "FAIL"} WireGuard variant: enable-wireguard ${JSON.stringify(Object.fromEntries(wireguardSeen.map((w) => [`${w.mesh} ${w.cluster}`, w.on])))}${ok ? ": on in every cluster of the wireguard mesh, off elsewhere" : ""}`,
    );
  }
  // The cilium-config check can fail: Cilium rendered with another cluster id and Gateway API and WireGuard flipped must be reported, key by key.
  {
    if (!lastCiliumRender) return die("no Cilium release was rendered");
    const { values, namespace, dir, writeOnlyFile, sets, what } = lastCiliumRender;
    const flipped = {
      ...values,
      cluster: { ...values.cluster, id: (values.cluster.id % 255) + 1 },
      gatewayAPI: { enabled: !values.gatewayAPI.enabled },
      encryption: values.encryption.enabled ? { enabled: false } : { enabled: true, type: "wireguard" },
    };
    const file = path.join(scratch, "canary-cilium-config.json");
    fs.writeFileSync(file, JSON.stringify(flipped));
    const docs = renderCanary("cilium", dir, namespace, ["-f", file, "-f", writeOnlyFile, ...sets]);
    const reported = ciliumConfigProblems(docs, values);
    const caught = ["cluster-id", "enable-gateway-api", "enable-wireguard"].every((k) => reported.some((x) => x.startsWith(`cilium-config ${k} `)));
    if (!caught) failures++;
    log(
      `${caught ? "PASS" : "FAIL"} canary: ${what} rendered with cluster id, Gateway API and WireGuard changed ${caught ? `is reported: ${reported.join("; ")}` : `was not reported (${reported.join("; ") || "nothing"})`}`,
    );
  }
  // The pool check can fail: the LB-IPAM chart rendered with a pool written backwards, and with one holding an address in use, must be refused.
  if (poolsChecked !== poolClusters || poolsChecked === 0 || !lastLbIpam) {
    failures++;
    log(`FAIL LB-IPAM pools checked for ${poolsChecked} of ${poolClusters} clusters with a pool`);
  } else {
    const { values, namespace, dir, want, what } = lastLbIpam;
    const [block] = values.pool.blocks;
    const usedIp = Object.keys(want.taken)[0];
    const canaries: [string, Json[], string][] = [
      ["a pool written backwards", [{ start: block.stop, stop: block.start }], "ends before it starts"],
      [`a pool holding ${usedIp} (${want.taken[usedIp]})`, [{ start: usedIp, stop: usedIp }], `holds ${usedIp}`],
    ];
    for (const [name, blocks, expected] of canaries) {
      const file = path.join(scratch, "canary-pool.json");
      fs.writeFileSync(file, JSON.stringify({ ...values, pool: { blocks } }));
      const docs = renderCanary("cilium-lb-ipam", dir, namespace, ["-f", file]);
      const reported = lbPoolProblems(docs, want);
      const caught = reported.some((x) => x.includes(expected));
      if (!caught) failures++;
      log(`${caught ? "PASS" : "FAIL"} canary: ${what} with ${name} ${caught ? `is refused: ${reported.join("; ")}` : "was accepted"}`);
    }
  }
  if (meshChecked !== meshClusters) {
    failures++;
    log(`FAIL ClusterMesh TLS checked for ${meshChecked} of ${meshClusters} clusters`);
  }
  // The key check can fail: the shape before (the mesh CA's certificate and key as tls.ca, the chart generating) must be refused.
  {
    if (!lastCilium) return die("no Cilium release was rendered");
    const { values, dir, json, stack, cluster, namespace, peers, meshCa } = lastCilium;
    const old = { ...values, tls: { ca: { cert: Buffer.from(meshCa.caCertPem).toString("base64") } } };
    old.clustermesh = {
      ...values.clustermesh,
      apiserver: { ...values.clustermesh.apiserver, tls: { authMode: "cluster", auto: { enabled: true, method: "helm" } } },
    };
    const file = path.join(scratch, "canary-shared-ca.json");
    fs.writeFileSync(file, JSON.stringify(old));
    const docs = renderCanary("cilium", dir, namespace, ["-f", file, "--set", `tls.ca.key=${Buffer.from(meshCa.caKeyPem).toString("base64")}`]);
    const objects = [...docs, ...stackSecrets(json, meshCa, stack.name)];
    const caught = clustermeshProblems(cluster, objects, peers, meshCa, scratch).filter((p) => p.includes("holds the mesh CA key"));
    log(
      `${caught.length ? "PASS" : "FAIL"} canary: the shared-CA shape (tls.ca.key in the release) ${caught.length ? `is refused: ${caught.join("; ")}` : "was not refused"}`,
    );
    if (!caught.length) failures++;
  }
  // The write-only merge is the provider's: the CSI token as it was before (a write-only config.clusters[i].token_secret, no
  // file), merged as the helm provider merges it, leaves entries with a token only, and the check must say so.
  {
    if (!lastCsi) return die("no Proxmox CSI plugin release was rendered");
    const { values, namespace, dir, secrets } = lastCsi;
    const old = { ...values, config: { clusters: values.config.clusters.map(({ token_secret_file: _file, ...entry }: Json) => entry) } };
    delete old.extraVolumes;
    delete old.extraVolumeMounts;
    const file = path.join(scratch, "canary-csi-token-in-list.json");
    const woFile = path.join(scratch, "canary-csi-token-in-list.write-only.json");
    fs.writeFileSync(file, JSON.stringify(old));
    fs.writeFileSync(woFile, JSON.stringify(writeOnlyValues(values.config.clusters.map((_: Json, i: number) => `config.clusters[${i}].token_secret`))));
    const docs = renderCanary("proxmox-csi-plugin", dir, namespace, ["-f", file, "-f", woFile]);
    const problems = CHECKS["proxmox-csi-plugin"](docs, values, { workers: 0, secrets });
    const caught = problems.some((x) => x.includes("url undefined"));
    log(
      `${caught ? "PASS" : "FAIL"} canary: the CSI token as a write-only value inside config.clusters ${caught ? `is refused (the provider's merge drops the entries' other fields: ${problems.find((x) => x.includes("url undefined"))})` : "was not refused"}`,
    );
    if (!caught) failures++;
  }
  // The checks can fail: Cilium with the chart's own capability list (SYS_MODULE in it) must be refused.
  const ciliumKey = `cilium@${versions.charts.cilium.version}`;
  const defaults = YAML.parse(fs.readFileSync(path.join(chartDir(ciliumKey), "values.yaml"), "utf8"));
  const canary = helm(bin, ["template", "cilium", chartDir(ciliumKey), "--namespace", "kube-system", "--kube-version", versions.platform.kubernetes]);
  const canaryProblems = CHECKS.cilium(
    docsOf(canary.stdout),
    { ...defaults, securityContext: { capabilities: { ciliumAgent: [] } } },
    { workers: 0, secrets: [] },
  );
  const refused = canaryProblems.some((p) => p.includes("SYS_MODULE"));
  log(`${refused ? "PASS" : "FAIL"} canary: the chart's default values ${refused ? "are refused (SYS_MODULE)" : "were not refused"}`);
  if (!refused) failures++;
  // ... and its Hubble certificates, signed once by Helm (method helm, the default), must be refused too.
  const onceOnly = canaryProblems.some((p) => p.includes("Hubble certificates are not re-issued"));
  log(`${onceOnly ? "PASS" : "FAIL"} canary: the chart's once-only Hubble certificates ${onceOnly ? "are refused" : "were not refused"}`);
  if (!onceOnly) failures++;
  // And the approver's: its upstream manifest as published (no overlay) must be refused.
  const upstreamApprover = docsOf(fs.readFileSync(path.join(repoRoot, versions.manifests.kubeletServingCertApprover.path), "utf8"));
  const approverProblems = CHECKS["kubelet-serving-cert-approver"](upstreamApprover, {}, { workers: 0, secrets: [] });
  const approverRefused = approverProblems.some((p) => p.includes("host network")) && approverProblems.some((p) => p.includes("not-Ready"));
  log(
    `${approverRefused ? "PASS" : "FAIL"} canary: the approver's upstream manifest without the overlay ${approverRefused ? "is refused (no host network, no not-Ready toleration)" : "was not refused"}`,
  );
  if (!approverRefused) failures++;
  if (failures) die(`${failures} check(s) failed`);
  log(
    `passed: ${rendered} releases rendered with the pinned charts${skipped.length ? `; not rendered, no source here: ${[...new Set(skipped)].join(", ")}` : ""}`,
  );
}

main();
