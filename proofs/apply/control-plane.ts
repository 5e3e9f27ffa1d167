/**
 * A real Kubernetes control plane on loopback, for the apply proof: etcd,
 * kube-apiserver (real certificates, RBAC, Pod Security Admission as Talos
 * configures it), kube-controller-manager, kube-scheduler, and kwok, which
 * plays the kubelets of its fake nodes (they turn Ready, pods Running). Built
 * by proofs/kit/build.sh. Meant to run inside a network namespace holding
 * only `lo` (see proofs/apply.ts): everything binds to 127.0.0.1, and dials
 * to anything else fail as unreachable.
 *
 * What kwok does not simulate is in docs/validation.md (containers never
 * run; no volumes, webhooks backends or load balancers).
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as https from "https";
import * as path from "path";
import YAML from "yaml";
import { alive, run } from "../lib/proof";

export interface LocalClusterProps {
  readonly name: string;
  /** Where its certificates, data and logs go. */
  readonly dir: string;
  /** The kit's bin folder (proofs/kit/build.sh). */
  readonly kit: string;
  /** First of the loopback ports it takes (etcd client/peer, API server, controller-manager, scheduler, kwok). */
  readonly basePort: number;
  readonly serviceSubnet: string;
  readonly podSubnet: string;
  /** Fake nodes: name and whether it is a control plane (tainted, as Talos does by default). */
  readonly nodes: readonly { readonly name: string; readonly controlPlane: boolean }[];
}

/** PEM material of a cluster's admin, as the Talos stack's outputs carry it. */
export interface LocalCredentials {
  readonly host: string;
  readonly caPem: string;
  readonly clientCertPem: string;
  readonly clientKeyPem: string;
}

// Talos' default Pod Security: baseline enforced everywhere but kube-system
// (cluster.apiServer.admissionControl in Talos' generated machine config).
const POD_SECURITY = {
  apiVersion: "apiserver.config.k8s.io/v1",
  kind: "AdmissionConfiguration",
  plugins: [
    {
      name: "PodSecurity",
      configuration: {
        apiVersion: "pod-security.admission.config.k8s.io/v1",
        kind: "PodSecurityConfiguration",
        defaults: {
          enforce: "baseline",
          "enforce-version": "latest",
          audit: "restricted",
          "audit-version": "latest",
          warn: "restricted",
          "warn-version": "latest",
        },
        exemptions: { usernames: [], runtimeClasses: [], namespaces: ["kube-system"] },
      },
    },
  ],
};

export class LocalCluster {
  readonly name: string;
  readonly host: string;
  readonly kubeconfig: string;
  private readonly props: LocalClusterProps;
  private readonly children: { name: string; child: ChildProcess }[] = [];
  private readonly pki: string;

  constructor(props: LocalClusterProps) {
    this.props = props;
    this.name = props.name;
    this.host = `https://127.0.0.1:${props.basePort + 2}`;
    this.pki = path.join(props.dir, "pki");
    this.kubeconfig = path.join(props.dir, "admin.kubeconfig");
  }

  /** Issues the certificates, starts every component and waits until the API answers /readyz and every node is Ready. */
  async start(): Promise<void> {
    const p = this.props;
    fs.mkdirSync(this.pki, { recursive: true });
    this.issuePki();
    const port = (i: number) => p.basePort + i;
    const bin = (b: string) => path.join(p.kit, b);
    const f = (n: string) => path.join(this.pki, n);
    fs.writeFileSync(path.join(p.dir, "pod-security.yaml"), YAML.stringify(POD_SECURITY));
    this.spawn("etcd", bin("etcd"), [
      `--name=${p.name}`,
      `--data-dir=${path.join(p.dir, "etcd")}`,
      `--listen-client-urls=http://127.0.0.1:${port(0)}`,
      `--advertise-client-urls=http://127.0.0.1:${port(0)}`,
      `--listen-peer-urls=http://127.0.0.1:${port(1)}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${port(1)}`,
      `--initial-cluster=${p.name}=http://127.0.0.1:${port(1)}`,
      "--listen-metrics-urls=",
      "--log-level=warn",
    ]);
    this.spawn("kube-apiserver", bin("kube-apiserver"), [
      `--etcd-servers=http://127.0.0.1:${port(0)}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      // The kubernetes Endpoints would name 127.0.0.1, which the apiserver refuses to publish.
      "--endpoint-reconciler-type=none",
      `--secure-port=${port(2)}`,
      `--tls-cert-file=${f("apiserver.crt")}`,
      `--tls-private-key-file=${f("apiserver.key")}`,
      `--client-ca-file=${f("ca.crt")}`,
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${f("sa.pub")}`,
      `--service-account-signing-key-file=${f("sa.key")}`,
      `--service-cluster-ip-range=${p.serviceSubnet}`,
      "--authorization-mode=Node,RBAC",
      "--allow-privileged=true",
      `--admission-control-config-file=${path.join(p.dir, "pod-security.yaml")}`,
    ]);
    await this.waitFor("API /readyz", () => this.get("/readyz").then((r) => r.status === 200), 60);
    this.writeKubeconfig(path.join(p.dir, "controller-manager.kubeconfig"), "controller-manager");
    this.writeKubeconfig(path.join(p.dir, "scheduler.kubeconfig"), "scheduler");
    this.writeKubeconfig(this.kubeconfig, "admin");
    this.spawn("kube-controller-manager", bin("kube-controller-manager"), [
      `--kubeconfig=${path.join(p.dir, "controller-manager.kubeconfig")}`,
      "--bind-address=127.0.0.1",
      `--secure-port=${port(3)}`,
      "--leader-elect=false",
      "--use-service-account-credentials=true",
      `--service-account-private-key-file=${f("sa.key")}`,
      `--root-ca-file=${f("ca.crt")}`,
      `--cluster-signing-cert-file=${f("ca.crt")}`,
      `--cluster-signing-key-file=${f("ca.key")}`,
      `--cluster-cidr=${p.podSubnet}`,
      "--allocate-node-cidrs=true",
      `--service-cluster-ip-range=${p.serviceSubnet}`,
    ]);
    this.spawn("kube-scheduler", bin("kube-scheduler"), [
      `--kubeconfig=${path.join(p.dir, "scheduler.kubeconfig")}`,
      `--authentication-kubeconfig=${path.join(p.dir, "scheduler.kubeconfig")}`,
      `--authorization-kubeconfig=${path.join(p.dir, "scheduler.kubeconfig")}`,
      "--bind-address=127.0.0.1",
      `--secure-port=${port(4)}`,
      "--leader-elect=false",
    ]);
    const stages = fs.readdirSync(path.join(p.kit, "stages")).map((s) => path.join(p.kit, "stages", s));
    this.spawn("kwok", bin("kwok"), [
      `--kubeconfig=${this.kubeconfig}`,
      "--manage-all-nodes=false",
      "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
      `--server-address=127.0.0.1:${port(5)}`,
      "--node-ip=127.0.0.1",
      // Renews each node's Lease, as a kubelet does; without it the node-heartbeat-with-lease stage
      // patches status too rarely and the node lifecycle controller turns every node NotReady after 40 s.
      "--node-lease-duration-seconds=40",
      `--cidr=${p.podSubnet}`,
      ...stages.map((s) => `--config=${s}`),
    ]);
    this.kubectl(["apply", "-f", "-"], YAML.stringify({ apiVersion: "v1", kind: "List", items: p.nodes.map((n) => fakeNode(n.name, n.controlPlane)) }));
    await this.waitFor(
      `${p.nodes.length} nodes Ready`,
      async () => {
        const r = this.kubectl(
          ["get", "nodes", "-o", 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}'],
          undefined,
          false,
        );
        return r.status === 0 && r.stdout.split("\n").filter((s) => s === "True").length === p.nodes.length;
      },
      120,
    );
  }

  /** Stops every process it started, by PID, newest first; waits for each to end. */
  stop(): void {
    for (const { child } of [...this.children].reverse()) {
      if (child.exitCode === null && child.pid) {
        try {
          process.kill(child.pid, "SIGTERM");
        } catch {
          // already gone
        }
      }
    }
    for (const { child } of this.children) {
      if (!child.pid) continue;
      for (let i = 0; i < 50 && alive(child.pid); i++) run("sleep", ["0.1"]);
      if (alive(child.pid)) process.kill(child.pid, "SIGKILL");
    }
  }

  /** The admin credentials, as a Talos stack's outputs would hand them over. */
  credentials(): LocalCredentials {
    const read = (n: string) => fs.readFileSync(path.join(this.pki, n), "utf8");
    return { host: this.host, caPem: read("ca.crt"), clientCertPem: read("admin.crt"), clientKeyPem: read("admin.key") };
  }

  /** kubectl against this cluster as admin; fails the caller's step unless `check` is false. */
  kubectl(args: readonly string[], input?: string, check = true) {
    const r = run(path.join(this.props.kit, "kubectl"), ["--kubeconfig", this.kubeconfig, ...args], { input });
    if (check && r.status !== 0) throw new Error(`${this.name}: kubectl ${args.join(" ")} failed: ${r.stderr}`);
    return r;
  }

  /** The last lines of a component's log, for a failure report. */
  logTail(component: string, lines = 20): string {
    const file = path.join(this.props.dir, `${component}.log`);
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n") : "(no log)";
  }

  private spawn(name: string, bin: string, args: string[]): void {
    const log = fs.openSync(path.join(this.props.dir, `${name}.log`), "a");
    const child = spawn(bin, args, { stdio: ["ignore", log, log] });
    fs.closeSync(log);
    // Every PID on record, so whoever started the proof can stop what a killed proof left running.
    if (child.pid) fs.appendFileSync(path.join(path.dirname(this.props.dir), "pids"), `${child.pid} ${name}\n`);
    child.on("exit", (code, signal) => {
      if (code !== 0 && signal === null)
        console.error(`[apply-proof] ${this.name}: ${name} exited (${code}); its log: ${path.join(this.props.dir, `${name}.log`)}`);
    });
    this.children.push({ name, child });
  }

  private openssl(args: string[]): void {
    const r = run("openssl", args, { cwd: this.pki });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  }

  /** CA, API serving cert (127.0.0.1, localhost, the in-cluster names), one client cert per identity, the service-account key pair. */
  private issuePki(): void {
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
    this.openssl(["req", "-x509", ...ec, "-subj", `/CN=${this.name}-ca`, "-days", "2", "-keyout", "ca.key", "-out", "ca.crt"]);
    const leaf = (name: string, subj: string, ext: string) => {
      this.openssl(["req", ...ec, "-subj", subj, "-keyout", `${name}.key`, "-out", `${name}.csr`]);
      fs.writeFileSync(path.join(this.pki, `${name}.ext`), ext);
      this.openssl([
        "x509",
        "-req",
        "-in",
        `${name}.csr`,
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-out",
        `${name}.crt`,
        "-extfile",
        `${name}.ext`,
      ]);
    };
    leaf(
      "apiserver",
      "/CN=kube-apiserver",
      "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\nextendedKeyUsage=serverAuth\n",
    );
    const client = "extendedKeyUsage=clientAuth\n";
    // The same identity Talos gives its admin kubeconfig: O=system:masters.
    leaf("admin", "/O=system:masters/CN=admin", client);
    leaf("controller-manager", "/CN=system:kube-controller-manager", client);
    leaf("scheduler", "/CN=system:kube-scheduler", client);
    this.openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "sa.key"]);
    this.openssl(["pkey", "-in", "sa.key", "-pubout", "-out", "sa.pub"]);
  }

  private writeKubeconfig(file: string, identity: string): void {
    const b64 = (n: string) => fs.readFileSync(path.join(this.pki, n)).toString("base64");
    const kubeconfig = {
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: this.name, cluster: { server: this.host, "certificate-authority-data": b64("ca.crt") } }],
      users: [{ name: identity, user: { "client-certificate-data": b64(`${identity}.crt`), "client-key-data": b64(`${identity}.key`) } }],
      contexts: [{ name: identity, context: { cluster: this.name, user: identity } }],
      "current-context": identity,
    };
    fs.writeFileSync(file, YAML.stringify(kubeconfig), { mode: 0o600 });
  }

  private get(pathname: string): Promise<{ status: number; body: string }> {
    const read = (n: string) => fs.readFileSync(path.join(this.pki, n));
    return new Promise((resolve) => {
      const req = https.get(
        {
          host: "127.0.0.1",
          port: this.props.basePort + 2,
          path: pathname,
          ca: read("ca.crt"),
          cert: read("admin.crt"),
          key: read("admin.key"),
          timeout: 2000,
        },
        (res) => {
          let body = "";
          res.on("data", (d) => (body += d)).on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on("error", () => resolve({ status: 0, body: "" }));
      req.on("timeout", () => req.destroy());
    });
  }

  private async waitFor(what: string, ok: () => Promise<boolean>, seconds: number): Promise<void> {
    const until = Date.now() + seconds * 1000;
    while (Date.now() < until) {
      if (await ok()) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`${this.name}: ${what} not within ${seconds}s; kube-apiserver log:\n${this.logTail("kube-apiserver")}\nkwok log:\n${this.logTail("kwok")}`);
  }
}

/** A Node kwok manages (the annotation), sized like a worker VM, tainted like a Talos control plane. */
function fakeNode(name: string, controlPlane: boolean) {
  const resources = { cpu: "16", memory: "64Gi", pods: "110", "ephemeral-storage": "100Gi" };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
      labels: {
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        ...(controlPlane ? { "node-role.kubernetes.io/control-plane": "" } : {}),
      },
    },
    spec: controlPlane ? { taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }] } : {},
    status: { allocatable: resources, capacity: resources },
  };
}
