/**
 * A minimal, read-only Kubernetes API client for `npm run status`: the
 * contexts of a kubeconfig (client certificate or bearer token, the
 * cluster's CA; TLS verification on unless the kubeconfig itself turns it
 * off), GET of JSON, and `pods/exec` over WebSocket (the channel protocol
 * kubectl speaks), so a command inside a container can be run with nothing
 * but the API server. No client library: the API is plain HTTPS.
 *
 * @see https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/
 * @see https://kubernetes.io/docs/reference/kubernetes-api/
 * @see https://github.com/kubernetes/kubernetes/blob/v1.34.0/staging/src/k8s.io/apimachinery/pkg/util/httpstream/wsstream/conn.go (channel protocol)
 */
import { createHash, randomBytes } from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import type { Duplex } from "stream";
import * as path from "path";
import YAML from "yaml";

/** How to reach one cluster: a kubeconfig context, resolved. */
export interface KubeTarget {
  /** The context's name, e.g. `admin@talos-east`. */
  readonly context: string;
  /** API server URL. */
  readonly server: string;
  /** PEM of the CA the server's certificate must chain to. @default - the system's CAs */
  readonly ca?: Buffer;
  /** Client certificate and key (PEM). @default - none */
  readonly cert?: Buffer;
  readonly key?: Buffer;
  /** Bearer token. @default - none */
  readonly token?: string;
  /** Set only when the kubeconfig says `insecure-skip-tls-verify: true`. */
  readonly insecureSkipTlsVerify: boolean;
}

interface NamedList<T> {
  readonly name: string;
  readonly [k: string]: unknown;
  readonly cluster?: T;
  readonly user?: T;
  readonly context?: T;
}

/**
 * Every context of the kubeconfig at `file`, resolved to what a client needs.
 * Relative certificate paths are read from the kubeconfig's directory, as
 * kubectl does.
 */
export function kubeconfigTargets(file: string): Map<string, KubeTarget> {
  const doc = (YAML.parse(fs.readFileSync(file, "utf8")) ?? {}) as {
    clusters?: NamedList<Record<string, unknown>>[];
    users?: NamedList<Record<string, unknown>>[];
    contexts?: NamedList<{ cluster?: string; user?: string }>[];
  };
  const dir = path.dirname(file);
  const find = <T>(list: NamedList<T>[] | undefined, name: string | undefined, key: "cluster" | "user") =>
    (list ?? []).find((e) => e.name === name)?.[key] as Record<string, unknown> | undefined;
  const bytes = (entry: Record<string, unknown> | undefined, dataKey: string, fileKey: string): Buffer | undefined => {
    if (!entry) return undefined;
    if (typeof entry[dataKey] === "string") return Buffer.from(entry[dataKey] as string, "base64");
    if (typeof entry[fileKey] === "string") return fs.readFileSync(path.resolve(dir, entry[fileKey] as string));
    return undefined;
  };
  const targets = new Map<string, KubeTarget>();
  for (const ctx of doc.contexts ?? []) {
    const cluster = find(doc.clusters, ctx.context?.cluster, "cluster");
    const user = find(doc.users, ctx.context?.user, "user");
    if (!cluster || typeof cluster.server !== "string") continue;
    targets.set(ctx.name, {
      context: ctx.name,
      server: cluster.server.replace(/\/+$/, ""),
      ca: bytes(cluster, "certificate-authority-data", "certificate-authority"),
      cert: bytes(user, "client-certificate-data", "client-certificate"),
      key: bytes(user, "client-key-data", "client-key"),
      token: typeof user?.token === "string" ? user.token : undefined,
      insecureSkipTlsVerify: cluster["insecure-skip-tls-verify"] === true,
    });
  }
  return targets;
}

/** The API server answered with an error status (or not at all). */
export class KubeApiError extends Error {
  constructor(
    message: string,
    /** HTTP status; undefined when the server could not be reached. */
    readonly status?: number,
  ) {
    super(message);
    this.name = "KubeApiError";
  }
}

/** What a command run through `pods/exec` printed, and how it ended. */
export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  /** The API's closing Status: `Success`, or `Failure` with its message (e.g. a non-zero exit code). */
  readonly status: { readonly status?: string; readonly message?: string };
}

/** The WebSocket GUID of RFC 6455, section 1.3. */
const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/** The channel protocol: a data frame's first byte names the stream (1 stdout, 2 stderr, 3 the closing Status). */
const EXEC_PROTOCOL = "v4.channel.k8s.io";

export class KubeClient {
  constructor(
    readonly target: KubeTarget,
    /** Per request. */
    private readonly timeoutMs = 10_000,
  ) {}

  private options(method: string, urlPath: string, headers: Record<string, string>): https.RequestOptions {
    const url = new URL(this.target.server + urlPath);
    const t = this.target;
    return {
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      headers: { ...headers, ...(t.token ? { Authorization: `Bearer ${t.token}` } : {}) },
      ca: t.ca,
      cert: t.cert,
      key: t.key,
      rejectUnauthorized: !t.insecureSkipTlsVerify,
      timeout: this.timeoutMs,
      agent: false,
    };
  }

  private request(method: string, urlPath: string, headers: Record<string, string>): http.ClientRequest {
    const opts = this.options(method, urlPath, headers);
    return (opts.protocol === "http:" ? http : https).request(opts);
  }

  /** GET `urlPath` as JSON. `accept` asks for another representation (e.g. metadata only). */
  get<T>(urlPath: string, accept = "application/json"): Promise<T> {
    return new Promise((resolve, reject) => {
      const req = this.request("GET", urlPath, { Accept: accept });
      req.on("timeout", () => req.destroy(new Error(`no answer within ${this.timeoutMs / 1000}s`)));
      req.on("error", (e) => reject(new KubeApiError(`${this.target.server} not reachable: ${e.message}`)));
      req.on("response", (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (body += d));
        res.on("end", () => {
          if ((res.statusCode ?? 0) >= 300) return reject(new KubeApiError(`GET ${urlPath}: ${res.statusCode} ${statusMessage(body)}`, res.statusCode));
          try {
            resolve(JSON.parse(body) as T);
          } catch {
            reject(new KubeApiError(`GET ${urlPath}: the answer is not JSON`, res.statusCode));
          }
        });
      });
      req.end();
    });
  }

  /**
   * Runs `command` in `container` of a pod through the API server's
   * `pods/exec` subresource, over WebSocket with the channel protocol (what
   * `kubectl exec` speaks); no stdin, no TTY.
   */
  exec(namespace: string, pod: string, container: string, command: readonly string[]): Promise<ExecResult> {
    const query = new URLSearchParams([
      ["container", container],
      ...command.map((c): [string, string] => ["command", c]),
      ["stdout", "true"],
      ["stderr", "true"],
    ]);
    const urlPath = `/api/v1/namespaces/${namespace}/pods/${pod}/exec?${query}`;
    const key = randomBytes(16).toString("base64");
    return new Promise((resolve, reject) => {
      const req = this.request("GET", urlPath, {
        Connection: "Upgrade",
        Upgrade: "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": key,
        "Sec-WebSocket-Protocol": EXEC_PROTOCOL,
      });
      req.on("timeout", () => req.destroy(new Error(`no answer within ${this.timeoutMs / 1000}s`)));
      req.on("error", (e) => reject(new KubeApiError(`exec in ${namespace}/${pod}: ${e.message}`)));
      req.on("response", (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => reject(new KubeApiError(`exec in ${namespace}/${pod}: ${res.statusCode} ${statusMessage(body)}`, res.statusCode)));
      });
      req.on("upgrade", (res, socket, head) => {
        const accept = createHash("sha1")
          .update(key + WS_GUID)
          .digest("base64");
        if (res.headers["sec-websocket-accept"] !== accept) {
          socket.destroy();
          return reject(new KubeApiError(`exec in ${namespace}/${pod}: the server's WebSocket handshake does not match (Sec-WebSocket-Accept)`));
        }
        socket.setTimeout(this.timeoutMs, () => socket.destroy(new Error(`no end within ${this.timeoutMs / 1000}s`)));
        readChannels(socket, head).then(resolve, (e: Error) => reject(new KubeApiError(`exec in ${namespace}/${pod}: ${e.message}`)));
      });
      req.end();
    });
  }
}

/** The message of a Kubernetes Status body, else the body itself (shortened). */
function statusMessage(body: string): string {
  try {
    const s = JSON.parse(body) as { message?: string };
    if (s.message) return s.message;
  } catch {
    // not a Status
  }
  return body.trim().slice(0, 200);
}

/** Reads WebSocket frames (RFC 6455 section 5.2) until the server closes; demultiplexes the channels. */
function readChannels(socket: Duplex, head: Buffer): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const streams: Record<number, Buffer[]> = { 1: [], 2: [], 3: [] };
    let buf = head;
    let message: Buffer[] = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      socket.destroy();
      const text = (ch: number) => Buffer.concat(streams[ch]).toString("utf8");
      let status: ExecResult["status"];
      try {
        status = text(3) ? (JSON.parse(text(3)) as ExecResult["status"]) : {};
      } catch {
        status = { status: "Failure", message: text(3) };
      }
      resolve({ stdout: text(1), stderr: text(2), status });
    };
    const parse = () => {
      for (;;) {
        if (buf.length < 2) return;
        const fin = (buf[0] & 0x80) !== 0;
        const opcode = buf[0] & 0x0f;
        const masked = (buf[1] & 0x80) !== 0;
        let len = buf[1] & 0x7f;
        let off = 2;
        if (len === 126) {
          if (buf.length < 4) return;
          len = buf.readUInt16BE(2);
          off = 4;
        } else if (len === 127) {
          if (buf.length < 10) return;
          len = Number(buf.readBigUInt64BE(2));
          off = 10;
        }
        const maskKey = masked ? buf.subarray(off, off + 4) : undefined;
        if (masked) off += 4;
        if (buf.length < off + len) return;
        const payload = Buffer.from(buf.subarray(off, off + len));
        if (maskKey) for (let i = 0; i < payload.length; i++) payload[i] ^= maskKey[i % 4];
        buf = buf.subarray(off + len);
        if (opcode === 8) return finish();
        if (opcode === 9) {
          // A ping: answer with a pong carrying the same payload (client frames are masked).
          const mask = randomBytes(4);
          const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
          socket.write(Buffer.concat([Buffer.from([0x8a, 0x80 | body.length]), mask, body]));
          continue;
        }
        if (opcode === 0 || opcode === 1 || opcode === 2) {
          message.push(payload);
          if (fin) {
            const whole = Buffer.concat(message);
            message = [];
            if (whole.length > 0 && streams[whole[0]]) streams[whole[0]].push(whole.subarray(1));
          }
        }
      }
    };
    socket.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      parse();
    });
    socket.on("end", finish);
    socket.on("close", finish);
    socket.on("error", (e) => {
      if (!done) {
        done = true;
        reject(e);
      }
    });
    parse();
  });
}
