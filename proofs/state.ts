/**
 * The shared state backends, for real, on loopback, with
 * integration/state-app.ts:
 *  - two stacks chained by a cross-stack reference, reading the value back
 *    through the consumer's terraform_remote_state;
 *  - the mesh CA as main.ts builds it, and a stack that reads its certificate
 *    and private key back through remote state (as Cilium stacks do);
 * every stack deployed, read back, and planned a second time (must be empty).
 * Three runs:
 *  pg         PostgreSQL (Debian package), the engine on PATH: state is plain JSON
 *  encrypted  PostgreSQL, OpenTofu with examples/tf-encryption.hcl as TF_ENCRYPTION:
 *             the stored state of every stack must hold no key or certificate
 *  s3         MinIO (built from its Go module), the engine on PATH, S3 lockfile locking
 * and in each, a plan must refuse to run while another run holds the lock,
 * the backend must hold exactly the four stacks' states, and (pg, s3)
 * npm run diff must name the stored states the config has no stack for.
 * Run as root (CI) or as a user who can run postgres. Every process it
 * starts (PostgreSQL, MinIO, the lock-holding apply) is stopped by its PID
 * on every exit, failures included.
 *
 *   npm run proof:state [-- --keep]
 */
import { ChildProcess, spawn } from "child_process";
import { createHash, randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { cli } from "../scripts/lib/cli";
import { alive, cacheDir, compiled, engine, engineEnv, goTool, proof, repoRoot, run, sleep, stopChild, stopPid } from "./lib/proof";

const { values: flags } = cli({
  name: "proof:state",
  summary:
    "Proves the state backends for real on loopback: PostgreSQL, MinIO (S3 with lockfile locking), and PostgreSQL with OpenTofu state encryption; cross-stack reads, locking, empty second plans, orphaned-state warnings.",
  options: { keep: { type: "boolean", description: "keep the scratch directory (printed: logs, synthesized stacks, the databases)" } },
});
const p = proof("state-proof", flags.keep ? ["--keep"] : []);

const PG_PORT = Number(process.env.AGGRIK8S_PG_PORT ?? 55432);
const S3_PORT = Number(process.env.AGGRIK8S_S3_PORT ?? 59000);
const S3 = `http://127.0.0.1:${S3_PORT}`;
const BUCKET = "aggrik8s-state";
/** The stacks integration/state-app.ts synthesizes, in deploy order. */
const STACKS = ["state-producer", "state-consumer", "mesh-ca", "mesh-ca-reader"] as const;
/** The fixture stacks the proof's config has no stack for (mesh-ca it has). */
const ORPHANS = STACKS.filter((s) => s !== "mesh-ca");
const secret = () => randomBytes(16).toString("hex");

type Backend = "pg" | "s3";
interface Postgres {
  readonly bin: string;
  readonly psql: (db: string, sql: string) => string;
}

async function main(): Promise<void> {
  // The scratch folder is reached by the postgres user too.
  fs.chmodSync(p.scratch, 0o755);
  // Throwaway credentials of this run: the engine, psql, curl and npm run diff read them from the environment.
  const creds = { PGPASSWORD: secret(), AWS_ACCESS_KEY_ID: "aggrik8s", AWS_SECRET_ACCESS_KEY: secret() };
  const pg = startPostgres(engineEnv(creds));
  await startMinio(engineEnv(creds));

  const tc = run("bash", [path.join(repoRoot, "scripts", "toolchain.sh"), "--with-opentofu"]);
  fs.writeFileSync(path.join(p.scratch, "toolchain.log"), `${tc.stdout}${tc.stderr}`);
  if (tc.status !== 0) p.die(`toolchain failed:\n${tc.stdout}${tc.stderr}`);
  // The engine's CLI config (offline mirror), as toolchain.sh --env gives it, now that the toolchain exists.
  const engineRun = engineEnv(creds);
  // Encryption is the third run's alone.
  delete engineRun.TF_ENCRYPTION;
  const tofu = path.join(cacheDir(), "bin", "tofu");
  if (!fs.existsSync(tofu)) p.die(`toolchain.sh --with-opentofu left no OpenTofu at ${tofu}`);

  await backendProof("pg", "pg", engine(), engineRun, pg);
  await backendProof("s3", "s3", engine(), engineRun, pg);
  // examples/tf-encryption.hcl filled in as the file itself tells the user to (envsubst), with a passphrase of this run.
  const passphrase = randomBytes(24).toString("hex");
  const hcl = run("envsubst", ["$AGGRIK8S_STATE_PASSPHRASE"], {
    input: fs.readFileSync(path.join(repoRoot, "examples", "tf-encryption.hcl"), "utf8"),
    env: { ...process.env, AGGRIK8S_STATE_PASSPHRASE: passphrase },
  });
  if (hcl.status !== 0 || !hcl.stdout.includes(`"${passphrase}"`)) p.die(`envsubst did not fill the passphrase into examples/tf-encryption.hcl: ${hcl.stderr}`);
  await backendProof("encrypted", "pg", tofu, { ...engineRun, TF_ENCRYPTION: hcl.stdout }, pg);
  p.log("passed");
}

/** PostgreSQL from the Debian package (installed as root when missing) on 127.0.0.1:PG_PORT; stopped at exit. */
function startPostgres(env: NodeJS.ProcessEnv): Postgres {
  const bin = pgBin() ?? installPostgres();
  // PostgreSQL refuses to run as root.
  const root = process.getuid?.() === 0;
  if (root && run("id", ["postgres"]).status !== 0 && run("useradd", ["--system", "--no-create-home", "postgres"]).status !== 0)
    p.die("cannot create the postgres user");
  const asPg = (cmd: string, args: string[]) => (root ? run("runuser", ["-u", "postgres", "--", cmd, ...args], { env }) : run(cmd, args, { env }));
  const [data, sock, logs, pw] = ["data", "sock", "pglog", "pw"].map((n) => path.join(p.scratch, n));
  for (const d of [data, sock, logs]) fs.mkdirSync(d);
  fs.writeFileSync(pw, `${env.PGPASSWORD}\n`);
  if (root) for (const f of [data, sock, logs, pw]) run("chown", ["-R", "postgres", f]);
  const init = asPg(path.join(bin, "initdb"), ["-D", data, "-U", "aggrik8s", `--pwfile=${pw}`, "--auth-local=trust", "--auth-host=scram-sha-256"]);
  if (init.status !== 0) p.die(`initdb failed:\n${init.stdout}${init.stderr}`);
  // pg_ctl's server detaches: it is stopped through pg_ctl, then by the PID its postmaster.pid names, should it outlive that.
  p.onExit(() => {
    const pidFile = path.join(data, "postmaster.pid");
    const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]) : 0;
    asPg(path.join(bin, "pg_ctl"), ["-D", data, "-m", "fast", "stop"]);
    // Only that server: its command line names this run's data folder.
    if (pid && alive(pid) && fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(data)) stopPid(pid);
  });
  const start = asPg(path.join(bin, "pg_ctl"), [
    "-D",
    data,
    "-w",
    "-l",
    path.join(logs, "pg.log"),
    "-o",
    `-c listen_addresses=127.0.0.1 -p ${PG_PORT} -k ${sock}`,
    "start",
  ]);
  if (start.status !== 0) p.die(`PostgreSQL did not start:\n${start.stdout}${start.stderr}\n${readIf(path.join(logs, "pg.log"))}`);
  const version = run(path.join(bin, "postgres"), ["--version"]).stdout.trim().split(/\s+/)[2];
  p.log(`PostgreSQL ${version} on 127.0.0.1:${PG_PORT}`);
  const psql = (db: string, sql: string): string => {
    const r = run(path.join(bin, "psql"), ["-h", "127.0.0.1", "-p", String(PG_PORT), "-U", "aggrik8s", "-d", db, "-Atc", sql], { env });
    if (r.status !== 0) p.die(`psql ${db}: ${sql}: ${r.stderr}`);
    return r.stdout.trim();
  };
  return { bin, psql };
}

/** Installs the Debian package (as root only); the folder of its pg_ctl. */
function installPostgres(): string {
  if (process.getuid?.() !== 0) p.die("PostgreSQL is not installed: install the postgresql package");
  p.log("installing PostgreSQL (Debian package)");
  const apt = run("sh", ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null"], { stdio: "inherit" });
  const bin = pgBin();
  return apt.status === 0 && bin ? bin : p.die("installing the postgresql package failed (output above)");
}

/** The folder of pg_ctl: the one on PATH, else the newest /usr/lib/postgresql/<major>/bin. */
function pgBin(): string | undefined {
  const onPath = run("sh", ["-c", "command -v pg_ctl"]).stdout.trim();
  if (onPath) return path.dirname(fs.realpathSync(onPath));
  const root = "/usr/lib/postgresql";
  const majors = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, "bin", "pg_ctl"))) : [];
  const newest = majors.sort((a, b) => a.localeCompare(b, undefined, { numeric: true })).pop();
  return newest && path.join(root, newest, "bin");
}

/** MinIO (versions.json tools.minio, built once) on 127.0.0.1:S3_PORT with the proof's bucket; stopped at exit. */
async function startMinio(env: NodeJS.ProcessEnv): Promise<void> {
  if (run("sh", ["-c", "command -v curl"]).status !== 0) p.die("curl is not installed: install the curl package (it talks S3 to MinIO)");
  const minio = goTool("minio");
  const logFile = path.join(p.scratch, "minio.log");
  const log = fs.openSync(logFile, "w");
  const child = spawn(minio, ["server", path.join(p.scratch, "minio"), "--address", `127.0.0.1:${S3_PORT}`, "--quiet"], {
    env: { ...env, MINIO_ROOT_USER: env.AWS_ACCESS_KEY_ID, MINIO_ROOT_PASSWORD: env.AWS_SECRET_ACCESS_KEY, MINIO_BROWSER: "off" },
    stdio: ["ignore", log, log],
  });
  fs.closeSync(log);
  p.onExit(() => stopChild(child));
  const live = await until(10, async () => (await fetch(`${S3}/minio/health/live`).catch(() => undefined))?.ok === true);
  if (!live) p.die(`MinIO did not start:\n${readIf(logFile)}`);
  // Live is not yet ready to write: MinIO answers 503 for a moment after it (seen on a loaded machine).
  let refused = "";
  const made = await until(10, async () => {
    const r = s3Curl(env, ["-X", "PUT", `${S3}/${BUCKET}`]);
    refused = r.stderr;
    return r.status === 0;
  });
  if (!made) p.die(`MinIO refused the bucket ${BUCKET}: ${refused}\n${readIf(logFile)}`);
  p.log(`MinIO on ${S3}, bucket ${BUCKET}`);
}

/** An S3 request signed with the engine's credentials (curl --aws-sigv4); they reach curl on stdin, not its command line. */
function s3Curl(env: NodeJS.ProcessEnv, args: string[]) {
  return run("curl", ["-fsS", "--aws-sigv4", "aws:amz:us-east-1:s3", "-K", "-", ...args], {
    input: `user = "${env.AWS_ACCESS_KEY_ID}:${env.AWS_SECRET_ACCESS_KEY}"\n`,
  });
}

/**
 * One run: state of its own (a database, or a key prefix), the fixture app
 * synthesized against it, every stack deployed, read back and planned again.
 */
async function backendProof(label: string, backend: Backend, bin: string, env: NodeJS.ProcessEnv, pg: Postgres): Promise<void> {
  const out = path.join(p.scratch, label);
  const encrypted = env.TF_ENCRYPTION !== undefined;
  let state: string;
  if (backend === "s3") state = `{ backend: s3, bucket: ${BUCKET}, endpoint: "${S3}", keyPrefix: ${label} }`;
  else {
    const db = run(path.join(pg.bin, "createdb"), ["-h", "127.0.0.1", "-p", String(PG_PORT), "-U", "aggrik8s", `terraform_${label}`], { env });
    if (db.status !== 0) p.die(`${label}: createdb failed: ${db.stderr}`);
    state = `{ backend: pg, connStr: "postgres://aggrik8s@127.0.0.1:${PG_PORT}/terraform_${label}?sslmode=disable" }`;
  }
  const configFile = path.join(p.scratch, `${label}.yaml`);
  fs.writeFileSync(
    configFile,
    `proxmox: { endpoint: "https://pve1.example.internal:8006/" }
state: ${state}
clusters:
  - name: talos-east
    id: 1
    network: { nodeSubnet: 10.10.0.0/24, gateway: 10.10.0.1, podSubnet: 10.110.0.0/16, serviceSubnet: 10.210.0.0/16 }
    controlPlane: { memoryGiB: 8, nodes: [{ name: east-cp-1, ip: 10.10.0.11, vmId: 1011, proxmoxNode: pve1 }] }
    platform: { rookCeph: { enabled: false } }
`,
  );
  const synth = run(process.execPath, [compiled("integration/state-app.ts")], {
    cwd: repoRoot,
    env: { ...env, AGGRIK8S_CONFIG: configFile, CDKTF_OUTDIR: out },
  });
  if (synth.status !== 0) p.die(`${label}: synth of integration/state-app.ts failed:\n${synth.stdout}${synth.stderr}`);
  const dirOf = (s: string) => path.join(out, "stacks", s);
  /** The engine in a stack's folder; its output kept in `<out>/<stack>.<step>.log` and printed when `fail` is set and it fails. */
  const engineIn = (s: string, step: string, args: string[], fail?: string) => {
    const r = run(bin, args, { cwd: dirOf(s), env });
    fs.writeFileSync(path.join(out, `${s}.${step}.log`), `${r.stdout}${r.stderr}`);
    if (fail && r.status !== 0) p.die(`${label}: ${fail}\n${r.stdout}${r.stderr}`);
    return r;
  };
  const output = (s: string, name: string) => engineIn(s, "output", ["output", "-raw", name], `output ${name} of ${s} failed`).stdout;

  for (const s of STACKS) {
    engineIn(s, "init", ["init", "-input=false", "-no-color"], `init of ${s} failed`);
    engineIn(s, "apply", ["apply", "-auto-approve", "-input=false", "-no-color"], `apply of ${s} failed`);
    p.log(`${label}: ${s} applied`);
  }

  const copied = output("state-consumer", "copied");
  if (copied !== "made-by-state-producer") p.die(`${label}: state-consumer read '${copied}' through remote state, expected made-by-state-producer`);
  p.log(`${label}: state-consumer read the producer's value back through remote state`);

  const cert = output("mesh-ca", "ca_certificate_pem");
  if (!cert.startsWith("-----BEGIN CERTIFICATE-----")) p.die(`${label}: mesh-ca output ca_certificate_pem is not a PEM certificate`);
  if (output("mesh-ca-reader", "ca_certificate_pem") !== cert) p.die(`${label}: mesh-ca-reader read a different CA certificate through remote state`);
  // The key is compared by digest so it is never printed.
  const keyDigest = output("mesh-ca-reader", "ca_private_key_sha256").trim();
  const keyInState =
    caKeyOf(JSON.parse(engineIn("mesh-ca", "show", ["show", "-json"], "show -json of mesh-ca failed").stdout)) ??
    p.die(`${label}: no tls_private_key in the mesh-ca state`);
  const stateDigest = createHash("sha256").update(keyInState).digest("hex");
  if (!/^[0-9a-f]{64}$/.test(keyDigest) || keyDigest !== stateDigest)
    p.die(`${label}: the CA key mesh-ca-reader read through remote state is not the one in mesh-ca's state`);
  p.log(`${label}: mesh-ca-reader read the CA certificate and private key back through remote state`);

  for (const s of STACKS) {
    const r = engineIn(s, "plan", ["plan", "-detailed-exitcode", "-input=false", "-no-color"]);
    if (r.status !== 0) p.die(`${label}: second plan of ${s} is not empty (exit ${r.status})\n${r.stdout}${r.stderr}`);
  }
  p.log(`${label}: second plan of every stack is empty`);

  const stored = (s: string): string => {
    if (backend === "pg") return pg.psql(`terraform_${label}`, `select data from aggrik8s_${s.replace(/-/g, "_")}.states`);
    const r = s3Curl(env, [`${S3}/${BUCKET}/${label}/${s}.tfstate`]);
    return r.status === 0 ? r.stdout : p.die(`${label}: cannot read the stored state of ${s}: ${r.stderr}`);
  };
  const meshCa = stored("mesh-ca");
  if (encrypted) {
    const clear = (text: string) => !text.includes('"encrypted_data"') || text.includes("PRIVATE KEY") || text.includes("BEGIN CERTIFICATE");
    if (clear(meshCa)) p.die(`${label}: the stored mesh-ca state is not encrypted`);
    p.log(`${label}: the stored mesh-ca state is encrypted (no key or certificate in it)`);
    // Every stack's, not only the one holding the key: the reader holds the certificate it read, the producer's value too.
    const inClear = STACKS.filter((s) => clear(stored(s)) || stored(s).includes("made-by-state-producer"));
    if (inClear.length) p.die(`${label}: the stored state of ${inClear.join(", ")} is not encrypted`);
    p.log(`${label}: the stored state of every stack is encrypted (${STACKS.join(", ")})`);
  } else {
    // The contrast that shows the check above can fail.
    if (!meshCa.includes("PRIVATE KEY")) p.die(`${label}: expected the unencrypted mesh-ca state to hold the key in clear`);
    p.log(`${label}: the stored mesh-ca state holds the CA key in clear (protect the backend, or encrypt: see docs/architecture.md)`);
  }
  await refusedWhileLocked(label, bin, dirOf("state-producer"), out, env);
  if (!encrypted) orphansNamed(label, backend, configFile, env);

  // What the backend holds: exactly the four stacks' states.
  if (backend === "s3") {
    const listed = s3Curl(env, [`${S3}/${BUCKET}?list-type=2&prefix=${label}%2F`]);
    const keys = [...listed.stdout.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]);
    p.log(`${label}: objects: ${keys.map((k) => `${k} `).join("")}`);
    const want = STACKS.map((s) => `${label}/${s}.tfstate`).sort();
    if (JSON.stringify(keys.filter((k) => k.endsWith(".tfstate")).sort()) !== JSON.stringify(want))
      p.die(`${label}: the bucket holds ${keys.join(", ") || "nothing"}, expected the states ${want.join(", ")}`);
  } else {
    const schemas = pg.psql(
      `terraform_${label}`,
      "select string_agg(schema_name, ',' order by schema_name) from information_schema.schemata where schema_name like 'aggrik8s_%'",
    );
    p.log(`${label}: state schemas: ${schemas}`);
    const want = STACKS.map((s) => `aggrik8s_${s.replace(/-/g, "_")}`).sort();
    if (schemas !== want.join(",")) p.die(`${label}: the database holds the state schemas ${schemas || "none"}, expected ${want.join(",")}`);
  }
}

/** The CA's private key in a `show -json` of the mesh-ca state (root and child modules). */
function caKeyOf(shown: { values?: { root_module?: Module } }): string | undefined {
  const walk = (m: Module): Resource[] => [...(m.resources ?? []), ...(m.child_modules ?? []).flatMap(walk)];
  return walk(shown.values?.root_module ?? {}).find((r) => r.type === "tls_private_key")?.values.private_key_pem;
}
interface Resource {
  readonly type: string;
  readonly values: { readonly private_key_pem?: string };
}
interface Module {
  readonly resources?: readonly Resource[];
  readonly child_modules?: readonly Module[];
}

/**
 * Another run holding a stack's lock must stop the engine: an apply of
 * state-producer waits at its approval prompt (holding the lock) while a plan
 * runs with -lock-timeout=0s; the prompt then reads EOF and cancels.
 */
async function refusedWhileLocked(label: string, bin: string, dir: string, out: string, env: NodeJS.ProcessEnv): Promise<void> {
  const holderLog = path.join(out, "holder.log");
  const fd = fs.openSync(holderLog, "w");
  const holder: ChildProcess = spawn(bin, ["apply", "-input=true", "-replace=terraform_data.value", "-no-color"], { cwd: dir, env, stdio: ["pipe", fd, fd] });
  fs.closeSync(fd);
  p.onExit(() => stopChild(holder));
  const exited = new Promise<void>((resolve) => holder.on("close", () => resolve()));
  const prompted = await until(30, async () => readIf(holderLog).includes("Enter a value"));
  if (!prompted) {
    holder.stdin?.end();
    p.die(`${label}: the lock-holding apply never reached its prompt\n${readIf(holderLog)}`);
  }
  const locked = run(bin, ["plan", "-lock-timeout=0s", "-input=false", "-no-color"], { cwd: dir, env });
  fs.writeFileSync(path.join(out, "locked.plan.log"), `${locked.stdout}${locked.stderr}`);
  holder.stdin?.end();
  if (!(await Promise.race([exited.then(() => true), sleep(60_000).then(() => false)])))
    p.die(`${label}: the lock-holding apply did not end after its prompt read EOF`);
  if (locked.status === 0 || !`${locked.stdout}${locked.stderr}`.includes("Error acquiring the state lock"))
    p.die(`${label}: a plan ran while another run held the lock (exit ${locked.status})\n${locked.stdout}${locked.stderr}`);
  const held = readIf(holderLog);
  if (held.includes("Apply complete") || !/Apply cancelled|error asking for approval/.test(held))
    p.die(`${label}: the lock-holding apply did not cancel\n${held}`);
  p.log(`${label}: a plan refuses to run while another run holds the stack's lock`);
}

/**
 * npm run diff with the run's config lists the backend: the fixture stacks
 * have state but are not in the config, so each must be named; mesh-ca is.
 */
function orphansNamed(label: string, backend: Backend, configFile: string, env: NodeJS.ProcessEnv): void {
  const r = run(process.execPath, [compiled("scripts/cdktf.ts"), "diff", "mesh-ca", "--output", path.join(p.scratch, `${label}-diff`)], {
    cwd: repoRoot,
    env: { ...env, AGGRIK8S_CONFIG: configFile },
  });
  const log = `${r.stdout}${r.stderr}`;
  fs.writeFileSync(path.join(p.scratch, label, "orphans.log"), log);
  if (r.status !== 0) p.die(`${label}: npm run diff failed\n${log}`);
  for (const s of ORPHANS) {
    const shown = backend === "pg" ? s.replace(/-/g, "_") : s;
    if (!log.includes(`stack ${shown} has state but is no longer in the config`))
      p.die(`${label}: npm run diff did not name the orphaned state of ${s}\n${log}`);
  }
  if (/stack mesh.ca has state/.test(log)) p.die(`${label}: npm run diff called mesh-ca orphaned, but the config has it\n${log}`);
  p.log(`${label}: npm run diff names the ${ORPHANS.length} stacks with state that the config does not have`);
}

/** Polls `ok` every 200 ms for up to `seconds`; whether it held. */
async function until(seconds: number, ok: () => Promise<boolean>): Promise<boolean> {
  for (const end = Date.now() + seconds * 1000; Date.now() < end; await sleep(200)) if (await ok()) return true;
  return ok();
}

function readIf(file: string): string {
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
}

// Exit explicitly: MinIO keeps the event loop alive; the exit handlers stop it and PostgreSQL.
main()
  .then(() => process.exit(0))
  .catch((e) => p.die(e instanceof Error ? (e.stack ?? e.message) : String(e)));
