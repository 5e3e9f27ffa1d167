// `npm run status`: per cluster of the config, whether its nodes are Ready,
// Cilium and ClusterMesh are healthy (every peer connected on every agent)
// and each Helm release is deployed, read through the written kubeconfig
// (tools/status.ts says how each is read). One line per cluster, then what
// is wrong with its fix; exits 1 when any cluster is unhealthy.
import * as fs from "fs";
import * as path from "path";
import { Aggrik8sError } from "../lib/errors";
import { describeConfig, loadConfig } from "../lib/config/load";
import { KubeClient, KubeTarget, kubeconfigTargets } from "../tools/kube-api";
import { STATUS_CHECKS, StatusCheck, clusterStatus, expectations, formatStatus } from "../tools/status";
import { cli } from "./lib/cli";

const { values } = cli({
  name: "status",
  summary:
    "Per cluster: nodes Ready, Cilium and ClusterMesh healthy (peers connected), each Helm release deployed; read through the written kubeconfig. Exits 1 when a cluster is unhealthy.",
  options: {
    credentials: { type: "string", description: "the credentials directory (default: the config's credentials.dir)" },
    kubeconfig: { type: "string", description: "a kubeconfig with a context admin@<cluster> per cluster (default: <credentials>/kubeconfig)" },
    cluster: { type: "string", description: "only this cluster" },
    skip: { type: "string", description: `checks to skip, comma-separated: ${STATUS_CHECKS.join(",")}` },
    timeout: { type: "string", description: "seconds to wait for each API request (default 10)" },
  },
});

function fail(message: string, code = 2): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<number> {
  const skip = String(values.skip ?? "")
    .split(",")
    .filter(Boolean);
  const unknown = skip.filter((s) => !(STATUS_CHECKS as readonly string[]).includes(s));
  if (unknown.length) fail(`--skip ${unknown.join(",")}: no such check. Fix: name some of ${STATUS_CHECKS.join(", ")}`);
  const timeout = Number(values.timeout ?? 10);
  if (!(timeout > 0)) fail(`--timeout ${values.timeout} is not a positive number of seconds. Fix: e.g. --timeout 10`);

  const loaded = loadConfig({ env: process.env });
  process.stderr.write(`${describeConfig(loaded)}\n`);
  const wanted = expectations(loaded.config).filter((c) => values.cluster === undefined || c.name === values.cluster);
  if (wanted.length === 0)
    fail(`--cluster ${values.cluster}: no such cluster in the config (${loaded.config.clusters.map((c) => c.name).join(", ")}). Fix: name one of them`);

  const credentials = path.resolve(String(values.credentials ?? loaded.config.credentials.dir));
  const meshKubeconfig = values.kubeconfig ? path.resolve(String(values.kubeconfig)) : path.join(credentials, "kubeconfig");
  // The mesh kubeconfig, else each cluster's own (written by <cluster>-credentials).
  const sources = values.kubeconfig || fs.existsSync(meshKubeconfig) ? [meshKubeconfig] : wanted.map((c) => path.join(credentials, c.name, "kubeconfig"));
  const targets = new Map<string, KubeTarget>();
  for (const file of sources) {
    if (!fs.existsSync(file)) continue;
    for (const [name, t] of kubeconfigTargets(file)) targets.set(name, t);
  }
  if (targets.size === 0)
    fail(
      `no kubeconfig found (looked for ${sources.join(", ")}). Fix: deploy the credentials stacks (npm run deploy), or give --kubeconfig FILE or --credentials DIR`,
      1,
    );

  const results = await Promise.all(
    wanted.map(async (want) => {
      const context = `admin@${want.name}`;
      const target = targets.get(context);
      if (!target)
        return {
          cluster: want.name,
          healthy: false,
          checks: [
            {
              check: "nodes" as StatusCheck,
              outcome: "failed" as const,
              summary: "not reachable",
              problems: [
                `no context ${context} in ${sources.join(", ")}. Fix: deploy ${want.name}-credentials and mesh-credentials, or give the kubeconfig that has it`,
              ],
            },
          ],
        };
      return clusterStatus(new KubeClient(target, timeout * 1000), want, skip as StatusCheck[]);
    }),
  );
  for (const r of results) process.stdout.write(`${formatStatus(r)}\n`);
  const unhealthy = results.filter((r) => !r.healthy).length;
  process.stderr.write(`status: ${results.length - unhealthy} of ${results.length} clusters healthy\n`);
  return unhealthy ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    if (!(e instanceof Aggrik8sError)) throw e;
    process.stderr.write(`error: ${e.message}\n`);
    process.exit(1);
  },
);
