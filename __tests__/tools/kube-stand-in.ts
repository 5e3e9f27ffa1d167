// A stand-in Kubernetes API server on 127.0.0.1 for `npm run status`: HTTPS
// with a CA made here, client certificates required (as a Talos API server
// does), serving the responses of __tests__/tools/fixtures/kube-api/ (shaped as
// the Kubernetes API reference documents them) and `pods/exec` over
// WebSocket with the v4.channel.k8s.io protocol.
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as https from "https";
import type { AddressInfo } from "net";
import * as path from "path";
import YAML from "yaml";
import { scratchDir } from "../helpers";

export interface Pki {
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl in a scratch dir. */
export function makePki(): Pki {
  const dir = scratchDir("aggrik8s-kube-pki-");
  const o = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  o(
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
    "-days",
    "1",
    "-subj",
    "/CN=stand-in-ca",
  );
  fs.writeFileSync(path.join(dir, "server.ext"), "subjectAltName=IP:127.0.0.1\n");
  fs.writeFileSync(path.join(dir, "client.ext"), "extendedKeyUsage=clientAuth\n");
  for (const [name, subj, ext] of [
    ["server", "/CN=kube-apiserver", "server.ext"],
    ["client", "/O=system:masters/CN=admin", "client.ext"],
  ]) {
    o("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subj);
    o("x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${name}.crt`, "-days", "1", "-extfile", ext);
  }
  const read = (f: string) => fs.readFileSync(path.join(dir, f), "utf8");
  return { ca: read("ca.crt"), serverCert: read("server.crt"), serverKey: read("server.key"), clientCert: read("client.crt"), clientKey: read("client.key") };
}

const FIXTURES = path.join(__dirname, "fixtures", "kube-api");

/** A fixture file, with `{{name}}` placeholders filled from `vars`. */
export function fixture(file: string, vars: Record<string, string>): any {
  const text = fs.readFileSync(path.join(FIXTURES, file), "utf8").replace(/\{\{(\w+)\}\}/g, (_, k: string) => {
    if (!(k in vars)) throw new Error(`fixture ${file}: no value for {{${k}}}`);
    return vars[k];
  });
  return JSON.parse(text);
}

/** What the stand-in answers: a GET path (with query) to a body, and what `cilium-dbg status -o json` prints per pod. */
export interface StandInApi {
  readonly routes: Record<string, unknown>;
  readonly agentStatus: Record<string, unknown>;
}

/** The recorded responses of a healthy cluster `cluster` whose peers are `peers`. */
export function healthyCluster(cluster: string, nodes: readonly string[], peers: readonly string[]): StandInApi {
  const vars = { cluster, node0: nodes[0] };
  const nodeList = fixture("nodes.json", vars);
  const node = nodeList.items[0];
  nodeList.items = nodes.map((n) => ({
    ...structuredClone(node),
    metadata: { ...node.metadata, name: n, labels: { ...node.metadata.labels, "kubernetes.io/hostname": n } },
  }));
  const pods = fixture("pods-cilium.json", vars);
  const pod = pods.items[0];
  pods.items = nodes.map((n, i) => ({ ...structuredClone(pod), metadata: { ...pod.metadata, name: `cilium-${i}x7k2` }, spec: { ...pod.spec, nodeName: n } }));
  const ds = fixture("daemonset-cilium.json", vars);
  Object.assign(ds.status, {
    currentNumberScheduled: nodes.length,
    desiredNumberScheduled: nodes.length,
    numberAvailable: nodes.length,
    numberReady: nodes.length,
    updatedNumberScheduled: nodes.length,
  });
  const agent = fixture("cilium-dbg-status.json", vars);
  const remote = agent["cluster-mesh"].clusters[0];
  agent["cluster-mesh"].clusters = peers.map((p) => ({ ...structuredClone(remote), name: p }));
  return {
    routes: {
      "/api/v1/nodes": nodeList,
      "/apis/apps/v1/namespaces/kube-system/daemonsets/cilium": ds,
      "/apis/apps/v1/namespaces/kube-system/deployments/cilium-operator": fixture("deployment-cilium-operator.json", vars),
      "/apis/apps/v1/namespaces/kube-system/deployments/clustermesh-apiserver": fixture("deployment-clustermesh-apiserver.json", vars),
      "/api/v1/namespaces/kube-system/pods?labelSelector=k8s-app%3Dcilium": pods,
      "/api/v1/secrets?labelSelector=owner%3Dhelm": fixture("secrets-helm-metadata.json", vars),
    },
    agentStatus: Object.fromEntries(pods.items.map((p: any) => [p.metadata.name, agent])),
  };
}

export interface StandIn {
  readonly url: string;
  /** Requests seen: method, path, Accept header. */
  readonly requests: { method: string; path: string; accept?: string; clientCert: boolean }[];
  close(): Promise<void>;
}

const notFound = (what: string) => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: what, reason: "NotFound", code: 404 });

/** Frames one WebSocket message from the server (unmasked, RFC 6455 5.2). */
function frame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const header = len < 126 ? Buffer.from([0x80 | opcode, len]) : Buffer.from([0x80 | opcode, 126, len >> 8, len & 0xff]);
  if (len > 0xffff) throw new Error("stand-in: frame too long");
  return Buffer.concat([header, payload]);
}

/** Starts the stand-in: `api` is read on every request, so a test may change it. */
export async function startStandIn(pki: Pki, api: StandInApi): Promise<StandIn> {
  const requests: StandIn["requests"] = [];
  const server = https.createServer({ key: pki.serverKey, cert: pki.serverCert, ca: pki.ca, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const clientCert = Boolean((req.socket as import("tls").TLSSocket).getPeerCertificate()?.subject);
    requests.push({ method: req.method ?? "", path: req.url ?? "", accept: req.headers.accept, clientCert });
    const body = api.routes[req.url ?? ""];
    res.setHeader("Content-Type", "application/json");
    if (body === undefined) {
      res.statusCode = 404;
      res.end(JSON.stringify(notFound(`the server could not find the requested resource (${req.url})`)));
    } else if (typeof body === "number") {
      res.statusCode = body;
      res.end(JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `stand-in status ${body}`, code: body }));
    } else {
      res.end(JSON.stringify(body));
    }
  });
  server.on("upgrade", (req, socket) => {
    requests.push({ method: req.method ?? "", path: req.url ?? "", clientCert: true });
    const url = new URL(req.url ?? "", "https://stand-in");
    const m = /^\/api\/v1\/namespaces\/kube-system\/pods\/([^/]+)\/exec$/.exec(url.pathname);
    const command = url.searchParams.getAll("command");
    const status = m ? api.agentStatus[m[1]] : undefined;
    if (!m || url.searchParams.get("container") !== "cilium-agent" || command.join(" ") !== "cilium-dbg status -o json" || status === undefined) {
      socket.end(`HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(notFound(`no such exec: ${req.url}`))}`);
      return;
    }
    if (!String(req.headers["sec-websocket-protocol"] ?? "").includes("v4.channel.k8s.io")) {
      socket.end("HTTP/1.1 400 Bad Request\r\n\r\n");
      return;
    }
    const accept = createHash("sha1").update(`${req.headers["sec-websocket-key"]}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: v4.channel.k8s.io\r\n\r\n`,
    );
    const out = Buffer.from(typeof status === "string" ? status : JSON.stringify(status, null, 2));
    // stdout in two messages, the second fragmented, as a server may send it.
    const half = Math.floor(out.length / 2);
    socket.write(frame(2, Buffer.concat([Buffer.from([1]), out.subarray(0, half)])));
    const rest = Buffer.concat([Buffer.from([1]), out.subarray(half)]);
    const cut = Math.floor(rest.length / 2);
    socket.write(Buffer.concat([frameFragment(2, rest.subarray(0, cut), false), frameFragment(0, rest.subarray(cut), true)]));
    socket.write(frame(2, Buffer.concat([Buffer.from([3]), Buffer.from(JSON.stringify({ metadata: {}, status: "Success" }))])));
    socket.end(frame(8, Buffer.from([0x03, 0xe8])));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function frameFragment(opcode: number, payload: Buffer, fin: boolean): Buffer {
  const f = frame(opcode, payload);
  if (!fin) f[0] &= 0x7f;
  return f;
}

/** A kubeconfig as the credentials stacks write it: one context `admin@<cluster>` per cluster. */
export function writeKubeconfig(file: string, pki: Pki, clusters: readonly { name: string; server: string }[], withCa = true): string {
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    YAML.stringify({
      apiVersion: "v1",
      kind: "Config",
      preferences: {},
      "current-context": `admin@${clusters[0].name}`,
      clusters: clusters.map((c) => ({ name: c.name, cluster: { server: c.server, ...(withCa ? { "certificate-authority-data": b64(pki.ca) } : {}) } })),
      users: clusters.map((c) => ({
        name: `admin@${c.name}`,
        user: { "client-certificate-data": b64(pki.clientCert), "client-key-data": b64(pki.clientKey) },
      })),
      contexts: clusters.map((c) => ({ name: `admin@${c.name}`, context: { cluster: c.name, user: `admin@${c.name}` } })),
    }),
  );
  return file;
}
