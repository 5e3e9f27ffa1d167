/**
 * Which stacks the state backend holds state for, so a command can name the
 * stacks that have state but are no longer in the config (a cluster removed
 * before its stacks were destroyed: its VMs and PKI live on, unmanaged).
 * Local state is read at synth; pg and s3 are listed on diff, with the same
 * credentials the engine uses (PGPASSWORD; AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY). The http backend has no listing: GitLab shows its
 * states in the project's Terraform states page.
 */
import * as fs from "fs";
import * as path from "path";
import * as http from "http";
import * as https from "https";
import { StateConfig } from "../lib/state/backend";

/** A place in the backend that holds one stack's state, and the stack it belongs to where that can be told. */
export interface StoredState {
  /** Where, as the operator would look for it (file, schema, object key). */
  readonly where: string;
  /** The stack name, or its pg schema form (dashes as underscores). */
  readonly stack: string;
}

/** Every stack state the backend holds, or undefined when the backend cannot be listed. */
export async function storedStates(state: StateConfig, env: Readonly<Record<string, string | undefined>>): Promise<StoredState[] | undefined> {
  switch (state.backend) {
    case "local":
      return localStates(state.dir);
    case "pg": {
      // Loaded here only: synth lists local state and should not pay for these.
      const { Client } = await import("pg");
      const client = new Client({ connectionString: state.connStr, password: env.PGPASSWORD });
      await client.connect();
      try {
        const prefix = `${state.schemaPrefix}_`;
        const r = await client.query<{ schema_name: string }>(
          "select schema_name from information_schema.schemata where starts_with(schema_name, $1) order by 1",
          [prefix],
        );
        return r.rows.map((row) => ({ where: `schema ${row.schema_name}`, stack: row.schema_name.slice(prefix.length) }));
      } finally {
        await client.end();
      }
    }
    case "s3": {
      const prefix = `${state.keyPrefix}/`;
      const keys = await listS3Keys(state, prefix, env);
      return keys.filter((k) => k.endsWith(".tfstate")).map((k) => ({ where: `s3://${state.bucket}/${k}`, stack: k.slice(prefix.length, -".tfstate".length) }));
    }
    default:
      return undefined;
  }
}

/** The state files of the local backend in `dir` (synth reads these without waiting on a network). */
export function localStates(dir: string): StoredState[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".tfstate"))
    .map((f) => ({ where: path.join(dir, f), stack: f.slice(0, -".tfstate".length) }));
}

/**
 * The stored states whose stack `current` does not have. pg schemas carry
 * stack names with dashes as underscores, so names are compared in that form.
 */
export function orphanedStates(stored: readonly StoredState[], current: Iterable<string>): StoredState[] {
  const known = new Set([...current].flatMap((s) => [s, s.replace(/-/g, "_")]));
  return stored.filter((s) => !known.has(s.stack));
}

/** The message a command prints for an orphaned state. */
export function orphanWarning(s: StoredState): string {
  return `${s.where}: stack ${s.stack} has state but is no longer in the config, so nothing manages what it deployed. Fix: put its cluster back and run npm run destroy -- --cluster <name>, or remove that state if those resources are gone (docs/operations.md: removing a cluster)`;
}

/** ListObjectsV2 over the prefix, signed with SigV4 (path style for an S3-compatible endpoint). */
async function listS3Keys(
  state: Extract<StateConfig, { backend: "s3" }>,
  prefix: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string[]> {
  const base = new URL(state.endpoint ?? `https://s3.${state.region}.amazonaws.com`);
  const aws4 = await import("aws4");
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const query = new URLSearchParams({ "list-type": "2", prefix, ...(token ? { "continuation-token": token } : {}) });
    const request = aws4.sign(
      { host: base.host, path: `/${state.bucket}?${query}`, method: "GET", service: "s3", region: state.region, protocol: base.protocol },
      { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN },
    );
    const body = await new Promise<string>((resolve, reject) => {
      const req = (base.protocol === "http:" ? http : https).request({ ...request, hostname: base.hostname, port: base.port || undefined }, (res) => {
        let text = "";
        res
          .on("data", (c) => (text += c))
          .on("end", () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`listing s3://${state.bucket}/${prefix}: HTTP ${res.statusCode}`))));
      });
      req.on("error", reject).end();
    });
    keys.push(...[...body.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]));
    token = /<IsTruncated>true<\/IsTruncated>/.test(body) ? /<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(body)?.[1] : undefined;
  } while (token);
  return keys;
}
