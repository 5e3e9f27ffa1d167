/**
 * `npm run status`: how each cluster of the mesh is doing, read through its
 * kubeconfig from the Kubernetes API alone (no kubectl, helm or cilium CLI):
 *
 * - nodes: every node Ready (the `Ready` condition), and every node the
 *   config names registered;
 * - cilium: the `cilium` DaemonSet ready on every node it schedules to, and
 *   the `cilium-operator` Deployment available;
 * - clustermesh: the `clustermesh-apiserver` Deployment available, and on
 *   every Cilium agent every peer the config names connected and ready. The
 *   API keeps no object with the agents' view of their peers (no CRD holds
 *   it), so this runs `cilium-dbg status -o json` in each agent's
 *   `cilium-agent` container through the API's `pods/exec` subresource (what
 *   `kubectl exec` does; the binary is part of the agent image, the cilium
 *   CLI is not needed) and reads its `cluster-mesh.clusters[]`
 *   (`name`, `connected`, `ready`, `status`: Cilium's RemoteCluster model);
 * - releases: every release the config installs (the Cilium stack's, each enabled
 *   component's, the extra ones) deployed, and no release failed: Helm keeps
 *   one Secret per release revision (`sh.helm.release.v1.<name>.v<n>`,
 *   labels `owner=helm`, `name`, `version`, `status`), of which only the
 *   metadata is read (`as=PartialObjectMetadataList`), never the payload.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/cluster-resources/node-v1/ (NodeStatus conditions)
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/daemon-set-v1/
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#receiving-resources-as-tables (metadata-only lists)
 * @see https://helm.sh/docs/topics/advanced/#storage-backends (release secrets)
 * @see https://github.com/cilium/cilium/blob/v1.19.0/api/v1/openapi.yaml (StatusResponse.cluster-mesh, RemoteCluster)
 */
import { ciliumStackReleases } from "../lib/cilium/releases";
import { ciliumStackSwitches } from "../stacks";
import { ClusterConfig, MeshConfig } from "../lib/config/schema";
import { componentContext, enabledComponents } from "../lib/platform/components";
import { clusterConnections } from "../lib/proxmox/connections";
import { KubeApiError, KubeClient } from "./kube-api";

/** The checks, in the order they run and print. */
export const STATUS_CHECKS = ["nodes", "cilium", "clustermesh", "releases"] as const;
export type StatusCheck = (typeof STATUS_CHECKS)[number];

export interface CheckResult {
  readonly check: StatusCheck;
  /** `skipped` when asked to skip it. */
  readonly outcome: "ok" | "failed" | "skipped";
  /** A few words for the cluster's summary line, e.g. `nodes 6/6 Ready`. */
  readonly summary: string;
  /** What is wrong, each with its fix. */
  readonly problems: readonly string[];
}

export interface ClusterStatus {
  readonly cluster: string;
  readonly healthy: boolean;
  readonly checks: readonly CheckResult[];
}

/** A Helm release as the platform and Cilium stacks install it. */
export interface ExpectedRelease {
  readonly namespace: string;
  readonly name: string;
  /** The cluster's stack that installs it (`<cluster>-<stack>`). */
  readonly stack: "cilium" | "platform";
}

/**
 * Every Helm release the stacks install in `cluster`: the Cilium stack's
 * (from lib/cilium/releases.ts, which the stack creates them from), each
 * enabled component's, the extra ones.
 */
export function expectedReleases(cluster: ClusterConfig, proxmox: MeshConfig["proxmox"]): ExpectedRelease[] {
  const ctx = componentContext(cluster, clusterConnections(proxmox, cluster));
  return [
    ...ciliumStackReleases(ciliumStackSwitches(cluster)).map((r) => ({ namespace: r.namespace, name: r.name, stack: "cilium" as const })),
    ...enabledComponents(cluster.platform).flatMap((c) =>
      c.releases(ctx).map((r) => ({ namespace: c.namespace?.name ?? "kube-system", name: r.name, stack: "platform" as const })),
    ),
    ...cluster.platform.extraReleases.map((r) => ({ namespace: r.namespace, name: r.name, stack: "platform" as const })),
  ];
}

/** What a cluster is expected to have, from the config. */
export interface ClusterExpectation {
  readonly name: string;
  /** Node names the config gives (Talos hostnames). */
  readonly nodes: readonly string[];
  /** The other clusters of the mesh: its ClusterMesh peers. */
  readonly peers: readonly string[];
  readonly releases: readonly ExpectedRelease[];
}

export function expectations(config: MeshConfig): ClusterExpectation[] {
  return config.clusters.map((c) => ({
    name: c.name,
    nodes: [...c.controlPlane.nodes, ...c.workers.nodes].map((n) => n.name),
    peers: config.clusters.filter((p) => p.name !== c.name).map((p) => p.name),
    releases: expectedReleases(c, config.proxmox),
  }));
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}
interface NodeList {
  items: { metadata: { name: string }; status?: { conditions?: Condition[] } }[];
}
interface DaemonSet {
  status?: { desiredNumberScheduled?: number; numberReady?: number; numberAvailable?: number; updatedNumberScheduled?: number };
}
interface Deployment {
  spec?: { replicas?: number };
  status?: { availableReplicas?: number; readyReplicas?: number };
}
interface PodList {
  items: { metadata: { name: string }; spec?: { nodeName?: string }; status?: { phase?: string } }[];
}
interface MetadataList {
  items: { metadata: { name: string; namespace?: string; labels?: Record<string, string> } }[];
}
/** The part of `cilium-dbg status -o json` read here. */
interface AgentStatus {
  "cluster-mesh"?: { clusters?: { name?: string; connected?: boolean; ready?: boolean; status?: string; "num-failures"?: number; "last-failure"?: string }[] };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The `cilium-dbg` binary of the agent image and its status as JSON. */
export const AGENT_STATUS_COMMAND = ["cilium-dbg", "status", "-o", "json"] as const;

async function nodesCheck(api: KubeClient, want: ClusterExpectation): Promise<CheckResult> {
  const list = await api.get<NodeList>("/api/v1/nodes");
  const problems: string[] = [];
  const ready = list.items.filter((n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
  for (const n of list.items.filter((x) => !ready.includes(x))) {
    const c = n.status?.conditions?.find((x) => x.type === "Ready");
    problems.push(
      `node ${n.metadata.name} is not Ready (${c ? `Ready=${c.status}${c.reason ? ` ${c.reason}` : ""}${c.message ? `: ${c.message}` : ""}` : "no Ready condition"}). Fix: kubectl describe node ${n.metadata.name}; a node NotReady after Cilium is up is usually its kubelet or CNI (talosctl -n <ip> logs kubelet)`,
    );
  }
  const registered = new Set(list.items.map((n) => n.metadata.name));
  const missing = want.nodes.filter((n) => !registered.has(n));
  if (missing.length)
    problems.push(
      `node${missing.length === 1 ? "" : "s"} of the config not registered: ${missing.join(", ")}. Fix: check the VM is running and Talos installed (talosctl -n <ip> dmesg); the node registers once its kubelet starts`,
    );
  const total = Math.max(list.items.length, want.nodes.length);
  return { check: "nodes", outcome: problems.length ? "failed" : "ok", summary: `nodes ${ready.length}/${total} Ready`, problems };
}

async function ciliumCheck(api: KubeClient, want: ClusterExpectation): Promise<CheckResult> {
  const problems: string[] = [];
  let summary = "cilium agents missing";
  try {
    const ds = await api.get<DaemonSet>("/apis/apps/v1/namespaces/kube-system/daemonsets/cilium");
    const desired = ds.status?.desiredNumberScheduled ?? 0;
    const ready = ds.status?.numberReady ?? 0;
    const available = ds.status?.numberAvailable ?? 0;
    summary = `cilium ${ready}/${desired} agents ready`;
    if (desired === 0 || ready < desired || available < desired)
      problems.push(
        `the cilium DaemonSet has ${ready} of ${desired} agents ready (${available} available). Fix: kubectl -n kube-system get pods -l k8s-app=cilium, and the logs of one not ready (-c cilium-agent)`,
      );
  } catch (e) {
    if (!(e instanceof KubeApiError && e.status === 404)) throw e;
    problems.push(`no cilium DaemonSet in kube-system. Fix: deploy the cluster's cilium stack (npm run deploy -- ${want.name}-cilium)`);
  }
  const operator = await deploymentProblem(api, "cilium-operator", "the cilium stack");
  if (operator) problems.push(operator);
  return { check: "cilium", outcome: problems.length ? "failed" : "ok", summary, problems };
}

/** Why a kube-system Deployment is not available, or undefined when it is. */
async function deploymentProblem(api: KubeClient, name: string, stack: string): Promise<string | undefined> {
  try {
    const d = await api.get<Deployment>(`/apis/apps/v1/namespaces/kube-system/deployments/${name}`);
    const want = d.spec?.replicas ?? 1;
    const available = d.status?.availableReplicas ?? 0;
    return available >= want && want > 0
      ? undefined
      : `the ${name} Deployment has ${available} of ${want} replicas available. Fix: kubectl -n kube-system describe deployment ${name}`;
  } catch (e) {
    return e instanceof KubeApiError && e.status === 404
      ? `no ${name} Deployment in kube-system. Fix: deploy ${stack} (npm run deploy)`
      : `reading the ${name} Deployment failed: ${errorText(e)}`;
  }
}

async function clustermeshCheck(api: KubeClient, want: ClusterExpectation): Promise<CheckResult> {
  if (want.peers.length === 0) return { check: "clustermesh", outcome: "ok", summary: "clustermesh: no peers (one cluster)", problems: [] };
  const problems: string[] = [];
  const server = await deploymentProblem(api, "clustermesh-apiserver", "the cilium stack");
  if (server) problems.push(server);
  const pods = await api.get<PodList>(`/api/v1/namespaces/kube-system/pods?${new URLSearchParams({ labelSelector: "k8s-app=cilium" })}`);
  const running = pods.items.filter((p) => p.status?.phase === "Running");
  if (running.length === 0) problems.push("no cilium agent pod is Running, so no agent can be asked about its peers. Fix: see the cilium check");
  // Peers ready on every agent: ClusterMesh is per agent, each connects to every peer itself.
  const readyOn = new Map<string, number>(want.peers.map((p) => [p, 0]));
  await Promise.all(
    running.map(async (pod) => {
      const where = `agent ${pod.metadata.name}${pod.spec?.nodeName ? ` (node ${pod.spec.nodeName})` : ""}`;
      let status: AgentStatus;
      try {
        const r = await api.exec("kube-system", pod.metadata.name, "cilium-agent", AGENT_STATUS_COMMAND);
        if (r.status.status && r.status.status !== "Success") throw new Error(`${AGENT_STATUS_COMMAND.join(" ")}: ${r.status.message ?? r.status.status}`);
        status = JSON.parse(r.stdout) as AgentStatus;
      } catch (e) {
        problems.push(
          `${where}: could not read its ClusterMesh status: ${errorText(e)}. Fix: the kubeconfig's user needs pods/exec in kube-system (the Talos admin has it); retry once the agent is Running`,
        );
        return;
      }
      const seen = status["cluster-mesh"]?.clusters ?? [];
      for (const peer of want.peers) {
        const r = seen.find((c) => c.name === peer);
        if (r?.connected && r.ready) readyOn.set(peer, (readyOn.get(peer) ?? 0) + 1);
        else
          problems.push(
            `${where}: peer ${peer} ${r ? `is ${r.connected ? "connected but not ready" : "not connected"}${r.status ? ` (${r.status})` : ""}${r["last-failure"] && !r["last-failure"].startsWith("0001-") ? `, last failure ${r["last-failure"]}` : ""}` : "is not in its ClusterMesh config"}. Fix: ${
              r
                ? `check that this node reaches ${peer}'s nodes on its clustermesh NodePort and that both clusters trust the same mesh CA (docs/troubleshooting.md)`
                : `deploy this cluster's cilium stack again so its peers follow the config (npm run deploy -- ${want.name}-cilium)`
            }`,
          );
      }
    }),
  );
  const ready = want.peers.filter((p) => running.length > 0 && readyOn.get(p) === running.length).length;
  return {
    check: "clustermesh",
    outcome: problems.length ? "failed" : "ok",
    summary: `clustermesh ${ready}/${want.peers.length} peers ready on ${plural(running.length, "agent")}`,
    problems,
  };
}

/** Helm's storage for its release records: one Secret per revision, asked for as metadata only. */
export const RELEASE_SECRETS_PATH = `/api/v1/secrets?${new URLSearchParams({ labelSelector: "owner=helm" })}`;
export const METADATA_ONLY = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";

async function releasesCheck(api: KubeClient, want: ClusterExpectation): Promise<CheckResult> {
  const list = await api.get<MetadataList>(RELEASE_SECRETS_PATH, METADATA_ONLY);
  // The newest revision of each release is its state.
  const latest = new Map<string, { revision: number; status: string }>();
  for (const s of list.items) {
    const l = s.metadata.labels ?? {};
    if (!l.name || !s.metadata.namespace) continue;
    const key = `${s.metadata.namespace}/${l.name}`;
    const revision = Number(l.version ?? 0);
    if ((latest.get(key)?.revision ?? -1) < revision) latest.set(key, { revision, status: l.status ?? "unknown" });
  }
  const problems: string[] = [];
  for (const r of want.releases) {
    const key = `${r.namespace}/${r.name}`;
    if (!latest.has(key)) problems.push(`release ${key} is not installed. Fix: deploy the stack that installs it (npm run deploy -- ${want.name}-${r.stack})`);
  }
  for (const [key, r] of [...latest].sort(([a], [b]) => a.localeCompare(b)))
    if (r.status !== "deployed")
      problems.push(
        `release ${key} revision ${r.revision} is ${r.status}, not deployed. Fix: helm -n ${key.split("/")[0]} history ${key.split("/")[1]} shows why; deploy again once the cause is fixed`,
      );
  const deployed = want.releases.filter((r) => latest.get(`${r.namespace}/${r.name}`)?.status === "deployed").length;
  const others = [...latest.keys()].filter((k) => !want.releases.some((r) => `${r.namespace}/${r.name}` === k)).length;
  return {
    check: "releases",
    outcome: problems.length ? "failed" : "ok",
    summary: `releases ${deployed}/${want.releases.length} deployed${others ? ` (+${others} not from the config)` : ""}`,
    problems,
  };
}

const CHECKS: Record<StatusCheck, (api: KubeClient, want: ClusterExpectation) => Promise<CheckResult>> = {
  nodes: nodesCheck,
  cilium: ciliumCheck,
  clustermesh: clustermeshCheck,
  releases: releasesCheck,
};

/** Runs every check not skipped against one cluster; a check that cannot reach the API fails with the reason. */
export async function clusterStatus(api: KubeClient, want: ClusterExpectation, skip: readonly StatusCheck[] = []): Promise<ClusterStatus> {
  const checks: CheckResult[] = [];
  for (const check of STATUS_CHECKS) {
    if (skip.includes(check)) {
      checks.push({ check, outcome: "skipped", summary: `${check} skipped`, problems: [] });
      continue;
    }
    try {
      checks.push(await CHECKS[check](api, want));
    } catch (e) {
      checks.push({
        check,
        outcome: "failed",
        summary: `${check} unknown`,
        problems: [
          `${check}: ${errorText(e)}. Fix: ${
            e instanceof KubeApiError && e.status === undefined
              ? `check that ${api.target.server} is reachable from here and its certificate is trusted by the kubeconfig's CA`
              : e instanceof KubeApiError && (e.status === 401 || e.status === 403)
                ? `the kubeconfig's user (context ${api.target.context}) needs read access; use the admin kubeconfig the credentials stacks write`
                : "see the message"
          }`,
        ],
      });
    }
  }
  return { cluster: want.name, healthy: checks.every((c) => c.outcome !== "failed"), checks };
}

/** One line per cluster, then its problems indented. */
export function formatStatus(s: ClusterStatus): string {
  return [
    `${s.cluster}: ${s.healthy ? "healthy" : "UNHEALTHY"}: ${s.checks.map((c) => c.summary).join(", ")}`,
    ...s.checks.flatMap((c) => c.problems.map((p) => `  - ${p}`)),
  ].join("\n");
}
