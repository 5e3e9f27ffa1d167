// `npm run status` against stand-in Kubernetes API servers on 127.0.0.1 that
// serve API responses shaped as the Kubernetes API documents them
// (fixtures/kube-api/), one server per cluster, TLS with client certificates.
import { spawn } from "child_process";
import * as path from "path";
import { Testing, TerraformStack } from "cdktf";
import { allComponentsOff, defaultInput, meshApp, scratchDir, writeConfig } from "../helpers";
import { MeshConfigInput } from "../../lib/config/schema";
import { validateConfig } from "../../lib/config/load";
import { KubeClient, kubeconfigTargets } from "../../tools/kube-api";
import { METADATA_ONLY, clusterStatus, expectations, expectedReleases } from "../../tools/status";
import { Pki, StandIn, StandInApi, healthyCluster, makePki, startStandIn, writeKubeconfig } from "./kube-stand-in";

const root = path.join(__dirname, "..", "..");

/** Two clusters of one control plane each, with Cilium and metrics-server only. */
function twoClusterInput() {
  const input = defaultInput();
  for (const c of input.clusters) {
    c.controlPlane.nodes = c.controlPlane.nodes.slice(0, 1);
    c.workers = { nodes: [] };
    c.platform = { ...allComponentsOff(), metricsServer: { enabled: true } };
  }
  return input;
}

let pki: Pki;
let servers: StandIn[] = [];
let apis: Record<string, StandInApi>;

beforeAll(() => {
  pki = makePki();
});

beforeEach(async () => {
  apis = {
    "talos-east": healthyCluster("talos-east", ["talos-east-cp-1"], ["talos-west"]),
    "talos-west": healthyCluster("talos-west", ["talos-west-cp-1"], ["talos-east"]),
  };
  servers = [await startStandIn(pki, apis["talos-east"]), await startStandIn(pki, apis["talos-west"])];
});

afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

function kubeconfig(dir = scratchDir(), withCa = true): string {
  return writeKubeconfig(
    path.join(dir, "kubeconfig"),
    pki,
    [
      { name: "talos-east", server: servers[0].url },
      { name: "talos-west", server: servers[1].url },
    ],
    withCa,
  );
}

/** Runs the command (asynchronously: the stand-ins answer from this process). */
function status(args: string[], config = writeConfig(twoClusterInput())): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, "dist", "scripts", "status.js"), ...args], {
      cwd: root,
      env: { ...process.env, AGGRIK8S_CONFIG: config },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ status: code, stdout, stderr }));
  });
}

describe("npm run status", () => {
  it("says every cluster is healthy, one line each, and exits 0", async () => {
    const r = await status(["--kubeconfig", kubeconfig()]);
    expect({ code: r.status, stdout: r.stdout.trim().split("\n") }).toEqual({
      code: 0,
      stdout: [
        "talos-east: healthy: nodes 1/1 Ready, cilium 1/1 agents ready, clustermesh 1/1 peers ready on 1 agent, releases 5/5 deployed",
        "talos-west: healthy: nodes 1/1 Ready, cilium 1/1 agents ready, clustermesh 1/1 peers ready on 1 agent, releases 5/5 deployed",
      ],
    });
    expect(r.stderr.trim().split("\n").at(-1)).toBe("status: 2 of 2 clusters healthy");
  });

  it("reads the mesh kubeconfig in the credentials directory by default (--credentials)", async () => {
    const dir = scratchDir();
    kubeconfig(dir);
    const r = await status(["--credentials", dir]);
    expect(r.status).toBe(0);
  });

  it("falls back to each cluster's own kubeconfig when the mesh one is not written yet", async () => {
    const dir = scratchDir();
    writeKubeconfig(path.join(dir, "talos-east", "kubeconfig"), pki, [{ name: "talos-east", server: servers[0].url }]);
    writeKubeconfig(path.join(dir, "talos-west", "kubeconfig"), pki, [{ name: "talos-west", server: servers[1].url }]);
    expect((await status(["--credentials", dir])).status).toBe(0);
  });

  it("names what is wrong with each cluster, with the fix, and exits 1", async () => {
    // east: a node NotReady and a failed release; west: its peer not connected on its agent.
    const east = apis["talos-east"].routes as any;
    east["/api/v1/nodes"].items[0].status.conditions.find((c: any) => c.type === "Ready").status = "False";
    east["/api/v1/nodes"].items[0].status.conditions.find((c: any) => c.type === "Ready").reason = "KubeletNotReady";
    east["/api/v1/secrets?labelSelector=owner%3Dhelm"].items.push({
      kind: "PartialObjectMetadata",
      apiVersion: "meta.k8s.io/v1",
      metadata: {
        name: "sh.helm.release.v1.metrics-server.v2",
        namespace: "kube-system",
        labels: { name: "metrics-server", owner: "helm", status: "failed", version: "2" },
      },
    });
    const westAgent = Object.values(apis["talos-west"].agentStatus)[0] as any;
    Object.assign(westAgent["cluster-mesh"].clusters[0], { connected: false, ready: false, status: "connecting" });
    const r = await status(["--kubeconfig", kubeconfig()]);
    expect(r.status).toBe(1);
    expect(r.stdout.trim().split("\n")).toEqual([
      "talos-east: UNHEALTHY: nodes 0/1 Ready, cilium 1/1 agents ready, clustermesh 1/1 peers ready on 1 agent, releases 4/5 deployed",
      "  - node talos-east-cp-1 is not Ready (Ready=False KubeletNotReady: kubelet is posting ready status). Fix: kubectl describe node talos-east-cp-1; a node NotReady after Cilium is up is usually its kubelet or CNI (talosctl -n <ip> logs kubelet)",
      "  - release kube-system/metrics-server revision 2 is failed, not deployed. Fix: helm -n kube-system history metrics-server shows why; deploy again once the cause is fixed",
      "talos-west: UNHEALTHY: nodes 1/1 Ready, cilium 1/1 agents ready, clustermesh 0/1 peers ready on 1 agent, releases 5/5 deployed",
      "  - agent cilium-0x7k2 (node talos-west-cp-1): peer talos-east is not connected (connecting). Fix: check that this node reaches talos-east's nodes on its clustermesh NodePort and that both clusters trust the same mesh CA (docs/troubleshooting.md)",
    ]);
    expect(r.stderr.trim().split("\n").at(-1)).toBe("status: 0 of 2 clusters healthy");
  });

  it("names the Cilium stack for a missing release of it (the Gateway API CRDs, the LB-IPAM pool)", async () => {
    const east = apis["talos-east"].routes as any;
    const secrets = east["/api/v1/secrets?labelSelector=owner%3Dhelm"];
    secrets.items = secrets.items.filter((i: any) => !["gateway-api-crds", "cilium-lb-ipam"].includes(i.metadata.labels.name));
    const r = await status(["--kubeconfig", kubeconfig()]);
    expect(r.status).toBe(1);
    expect(r.stdout.trim().split("\n").slice(0, 3)).toEqual([
      "talos-east: UNHEALTHY: nodes 1/1 Ready, cilium 1/1 agents ready, clustermesh 1/1 peers ready on 1 agent, releases 3/5 deployed",
      "  - release kube-system/gateway-api-crds is not installed. Fix: deploy the stack that installs it (npm run deploy -- talos-east-cilium)",
      "  - release kube-system/cilium-lb-ipam is not installed. Fix: deploy the stack that installs it (npm run deploy -- talos-east-cilium)",
    ]);
  });

  it("fails a cluster whose API server is not reachable, and one missing from the kubeconfig", async () => {
    const file = kubeconfig();
    await servers[0].close();
    const input = twoClusterInput();
    input.clusters.push({ ...structuredClone(input.clusters[1]), name: "talos-north", id: 3 });
    const north = input.clusters[2];
    Object.assign(north.network, {
      nodeSubnet: "10.30.0.0/24",
      gateway: "10.30.0.1",
      vip: "10.30.0.10",
      podSubnet: "10.130.0.0/16",
      serviceSubnet: "10.230.0.0/16",
      loadBalancer: { pool: "10.30.0.200-10.30.0.219" },
    });
    north.controlPlane.nodes = [{ name: "north-cp-1", ip: "10.30.0.11", vmId: 3011, proxmoxNode: "pve1" }];
    north.clustermesh = { nodePort: 32381 };
    const r = await status(["--kubeconfig", file, "--skip", "clustermesh"], writeConfig(input));
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toBe("talos-east: UNHEALTHY: nodes unknown, cilium unknown, clustermesh skipped, releases unknown");
    expect(lines[1]).toMatch(
      new RegExp(
        `^  - nodes: ${servers[0].url.replace(/\./g, "\\.")} not reachable: connect ECONNREFUSED .*\\. Fix: check that ${servers[0].url.replace(/\./g, "\\.")} is reachable`,
      ),
    );
    expect(lines).toContain("talos-west: healthy: nodes 1/1 Ready, cilium 1/1 agents ready, clustermesh skipped, releases 5/5 deployed");
    expect(lines).toContain("talos-north: UNHEALTHY: not reachable");
    expect(lines).toContain(
      `  - no context admin@talos-north in ${file}. Fix: deploy talos-north-credentials and mesh-credentials, or give the kubeconfig that has it`,
    );
  });

  it("keeps TLS verification on: a kubeconfig without the cluster's CA is refused", async () => {
    const r = await status(["--kubeconfig", kubeconfig(scratchDir(), false), "--cluster", "talos-east"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/talos-east: UNHEALTHY/);
    expect(r.stdout).toMatch(/self-signed certificate in certificate chain|unable to (get|verify)/);
  });

  it.each([
    [["--skip", "hubble"], "error: --skip hubble: no such check. Fix: name some of nodes, cilium, clustermesh, releases"],
    [["--timeout", "soon"], "error: --timeout soon is not a positive number of seconds. Fix: e.g. --timeout 10"],
    [["--cluster", "talos-north"], "error: --cluster talos-north: no such cluster in the config (talos-east, talos-west). Fix: name one of them"],
  ])("refuses %j with exit 2", async (args, message) => {
    const r = await status([...args, "--kubeconfig", "/nonexistent"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it("says where it looked when no kubeconfig is written", async () => {
    const dir = scratchDir();
    const r = await status(["--credentials", dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `error: no kubeconfig found (looked for ${path.join(dir, "talos-east", "kubeconfig")}, ${path.join(dir, "talos-west", "kubeconfig")}). Fix: deploy the credentials stacks`,
    );
  });
});

describe("what status reads", () => {
  it("lists Helm's release secrets as metadata only (never the release payloads), with the client certificate", async () => {
    const targets = kubeconfigTargets(kubeconfig());
    const config = validateConfig(twoClusterInput(), "test").config;
    const result = await clusterStatus(new KubeClient(targets.get("admin@talos-east")!), expectations(config)[0]);
    expect(result.healthy).toBe(true);
    const secrets = servers[0].requests.filter((r) => r.path.startsWith("/api/v1/secrets"));
    expect(secrets).toEqual([{ method: "GET", path: "/api/v1/secrets?labelSelector=owner%3Dhelm", accept: METADATA_ONLY, clientCert: true }]);
    expect(servers[0].requests.every((r) => r.method === "GET")).toBe(true);
    expect(servers[0].requests.map((r) => r.path)).toContain(
      "/api/v1/namespaces/kube-system/pods/cilium-0x7k2/exec?container=cilium-agent&command=cilium-dbg&command=status&command=-o&command=json&stdout=true&stderr=true",
    );
  });

  it("expects Cilium, each enabled component's releases and the extra ones", async () => {
    const input = twoClusterInput();
    input.clusters[0].platform!.tetragon = { enabled: true };
    input.clusters[0].platform!.extraReleases = [
      { name: "podinfo", repository: "https://stefanprodan.github.io/podinfo", chart: "podinfo", version: "6.9.0", namespace: "apps" },
    ];
    const config = validateConfig(input, "test").config;
    expect(expectedReleases(config.clusters[0], config.proxmox)).toEqual([
      { namespace: "kube-system", name: "kubelet-serving-cert-approver", stack: "cilium" },
      { namespace: "kube-system", name: "gateway-api-crds", stack: "cilium" },
      { namespace: "kube-system", name: "cilium", stack: "cilium" },
      { namespace: "kube-system", name: "cilium-lb-ipam", stack: "cilium" },
      { namespace: "kube-system", name: "tetragon", stack: "platform" },
      { namespace: "kube-system", name: "metrics-server", stack: "platform" },
      { namespace: "apps", name: "podinfo", stack: "platform" },
    ]);
  });

  // The list must be the stacks' own: every helm_release the cluster's Cilium
  // and platform stacks synthesize, no more, for configs that switch the
  // Cilium stack's optional releases on and off.
  it.each<[string, (c: MeshConfigInput) => void]>([
    ["the default mesh", () => {}],
    [
      "Gateway API off and no LoadBalancer pool on east, an extra release on west",
      (c) => {
        c.clusters[0].platform = { gatewayApi: { enabled: false }, gateway: { enabled: false } };
        delete c.clusters[0].network.loadBalancer;
        c.clusters[1].platform = {
          extraReleases: [{ name: "podinfo", repository: "https://stefanprodan.github.io/podinfo", chart: "podinfo", version: "6.9.0", namespace: "apps" }],
        };
      },
    ],
  ])("expects exactly the releases the stacks synthesize: %s", (_name, edit) => {
    const input = defaultInput();
    edit(input);
    const config = validateConfig(input, "test").config;
    const { app } = meshApp(config);
    for (const cluster of config.clusters) {
      const synthesized = ["cilium", "platform"].flatMap((stack) => {
        const json = JSON.parse(Testing.synth(app.node.findChild(`${cluster.name}-${stack}`) as TerraformStack));
        // A release in a namespace the stack creates names it by reference.
        const namespaceOf = (ns: string) => {
          const ref = /^\$\{kubernetes_namespace_v1\.([^.]+)\.metadata\[0\]\.name\}$/.exec(ns);
          return ref ? [json.resource.kubernetes_namespace_v1[ref[1]].metadata].flat()[0].name : ns;
        };
        return Object.values<{ name: string; namespace: string }>(json.resource?.helm_release ?? {}).map((r) => ({
          namespace: namespaceOf(r.namespace),
          name: r.name,
          stack,
        }));
      });
      const key = (r: { namespace: string; name: string; stack: string }) => `${r.stack} ${r.namespace}/${r.name}`;
      expect(expectedReleases(cluster, config.proxmox).map(key).sort()).toEqual(synthesized.map(key).sort());
    }
  });
});
