// The refusal a plain `cdktf deploy` makes, through the real engine and a
// real API server: the Cilium stack's release refuses a jump of more than one
// minor from the version the cluster runs. The guard's data source (the
// `cilium` DaemonSet, read at plan) and the release's precondition are taken
// verbatim from the synthesized default mesh and planned by the pinned engine
// with the pinned kubernetes provider (offline mirror) against a local
// control plane (the apply proof's kit, on loopback only), on which a
// `cilium` DaemonSet runs a given agent image: none yet, allowed versions,
// refused ones. A refusal must carry exactly the text `npm run diff` prints
// for the same change (lib/guards/refusals.ts).
//
//   npm run proof:guards [-- --keep]
import * as fs from "fs";
import * as path from "path";
import { ciliumJumpRefusal } from "../lib/guards/refusals";
import { PLATFORM, PROVIDERS } from "../lib/versions";
import { cli } from "../scripts/lib/cli";
import { LocalCluster } from "./apply/control-plane";
import { engine, engineEnv, proof, repoRoot, run, synthesize } from "./lib/proof";

const { values: flags } = cli({
  name: "proof:guards",
  summary:
    "Plans the Cilium release's minor-jump precondition, verbatim from the synthesized default mesh, with the real engine and kubernetes provider against a local control plane running Cilium agents of various versions, and checks which plans are refused, with npm run diff's text.",
  options: { keep: { type: "boolean", description: "keep the scratch directory (printed) for inspection" } },
});
const p = proof("guards-proof", flags.keep ? ["--keep"] : []);
/** The parts of a synthesized stack read here. */
interface StackJson {
  readonly resource: {
    readonly helm_release: Record<string, { readonly name: string; readonly version: string; readonly lifecycle?: { readonly precondition?: unknown[] } }>;
  };
  readonly data: { readonly kubernetes_resources: Record<string, unknown> };
}

/** A `cilium` DaemonSet in kube-system whose agent runs `image` (the chart's container names). */
const daemonSet = (image: string) => ({
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name: "cilium", namespace: "kube-system" },
  spec: {
    selector: { matchLabels: { "k8s-app": "cilium" } },
    template: {
      metadata: { labels: { "k8s-app": "cilium" } },
      spec: {
        initContainers: [{ name: "clean-cilium-state", image }],
        containers: [{ name: "cilium-agent", image }],
        // No node runs it: only the object is read.
        nodeSelector: { "aggrik8s.io/none": "true" },
      },
    },
  },
});

async function main() {
  const kit = run("bash", [path.join(repoRoot, "proofs", "kit", "build.sh")], { stdio: ["ignore", "pipe", "inherit"] });
  if (kit.status !== 0) p.die("building the control-plane kit failed (output above)");
  const stacks = synthesize("main.ts", path.join(p.scratch, "out"), { AGGRIK8S_CONFIG: "" });
  const name = "talos-east-cilium";
  const dir = stacks.find((s) => s.name === name)?.dir ?? p.die(`no stack ${name}`);
  const stack: StackJson = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));
  const release = Object.values(stack.resource.helm_release).find((r) => r.name === "cilium")!;
  const reads = Object.entries(stack.data.kubernetes_resources).filter(([id]) => id.startsWith("cilium-version-guard_"));
  if (reads.length !== 1 || !release.lifecycle?.precondition?.length) p.die(`${name}: no guard data source or no precondition on the Cilium release`);

  const cluster = new LocalCluster({
    name: "guards",
    dir: path.join(p.scratch, "cluster"),
    kit: kit.stdout.trim(),
    basePort: 19400,
    serviceSubnet: "10.96.0.0/16",
    podSubnet: "10.244.0.0/16",
    nodes: [{ name: "guards-w-1", controlPlane: false }],
  });
  p.onExit(() => cluster.stop());
  await cluster.start();
  const creds = cluster.credentials();
  p.log(`local control plane up at ${creds.host}`);

  // The stack reduced to the provider, the guard's read and the release's precondition (on a stand-in resource).
  const work = path.join(p.scratch, "plan");
  fs.mkdirSync(work);
  fs.writeFileSync(
    path.join(work, "main.tf.json"),
    JSON.stringify(
      {
        terraform: {
          required_providers: { kubernetes: { source: PROVIDERS.kubernetes.source, version: PROVIDERS.kubernetes.version } },
          backend: { local: { path: path.join(work, "terraform.tfstate") } },
        },
        provider: {
          kubernetes: [{ host: creds.host, cluster_ca_certificate: creds.caPem, client_certificate: creds.clientCertPem, client_key: creds.clientKeyPem }],
        },
        data: { kubernetes_resources: Object.fromEntries(reads) },
        resource: { terraform_data: { cilium: { input: release.version, lifecycle: { precondition: release.lifecycle?.precondition } } } },
      },
      null,
      2,
    ),
  );
  const env = engineEnv();
  const init = run(engine(), ["init", "-input=false", "-no-color"], { cwd: work, env });
  if (init.status !== 0) p.die(`init failed:\n${init.stderr}${init.stdout}`);

  /** Plans; returns the errors the engine reported ([] when the plan passed). */
  const plan = (): string[] => {
    const r = run(engine(), ["plan", "-input=false", "-lock=false", "-json"], { cwd: work, env });
    const errors = r.stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l))
      .filter((m) => m.type === "diagnostic" && m.diagnostic.severity === "error")
      .map((m) => `${m.diagnostic.summary}: ${m.diagnostic.detail}`);
    if (r.status !== 0 && !errors.length) p.die(`the plan failed without a diagnostic:\n${r.stderr}${r.stdout}`);
    if (r.status === 0 && errors.length) p.die(`the plan passed with errors ${JSON.stringify(errors)}`);
    return errors;
  };

  let failures = 0;
  const to = PLATFORM.cilium;
  const cases: { running?: string; image?: string; refusal?: string }[] = [
    {},
    { running: to },
    { running: "1.18.4" },
    { running: "1.20.0" },
    { running: "1.17.3", refusal: ciliumJumpRefusal({ stack: name, from: "1.17.3", to, nextMinor: "1.18" }) },
    { running: "1.21.1", refusal: ciliumJumpRefusal({ stack: name, from: "1.21.1", to, nextMinor: "1.20" }) },
    // As the chart writes it: tag and digest, from a mirror registry.
    {
      running: "1.16.9",
      image: "registry.example/cilium/cilium:v1.16.9@sha256:0000000000000000000000000000000000000000000000000000000000000000",
      refusal: ciliumJumpRefusal({ stack: name, from: "1.16.9", to, nextMinor: "1.17" }),
    },
  ];
  for (const c of cases) {
    if (c.running === undefined) cluster.kubectl(["-n", "kube-system", "delete", "daemonset", "cilium", "--ignore-not-found"]);
    else cluster.kubectl(["apply", "-f", "-"], JSON.stringify(daemonSet(c.image ?? `quay.io/cilium/cilium:v${c.running}`)));
    const errors = plan();
    const what = `${c.running === undefined ? "no Cilium running" : `Cilium ${c.running} running`}, ${to} configured`;
    const ok = c.refusal === undefined ? errors.length === 0 : errors.length === 1 && errors[0] === `Resource precondition failed: ${c.refusal}`;
    if (!ok) failures++;
    p.log(`${ok ? "PASS" : "FAIL"} ${what}: ${errors.length ? `refused: ${errors.join("; ")}` : "plans"}`);
  }
  if (failures) p.die(`${failures} check(s) failed`);
  p.log(
    `passed: the Cilium stack refuses a jump of more than one minor at plan (${path.basename(engine())}, kubernetes ${PROVIDERS.kubernetes.version}), with npm run diff's text`,
  );
}

// Exit explicitly: the control plane's children keep the event loop alive; the exit handlers stop them.
main()
  .then(() => process.exit(0))
  .catch((e) => p.die(e instanceof Error ? (e.stack ?? e.message) : String(e)));
