import { TerraformOutput, TerraformVariable, Testing } from "cdktf";
import { DEFAULT_STATE, StateConfig } from "../../../lib/state/backend";
import { Aggrik8sStack } from "../../../stacks/base";
import { parse, prepareAll, resolvedConfig, runSynth, writeConfig, defaultInput } from "../../helpers";

/** A producer stack and a consumer of one of its values, in `state`. */
function pair(state: StateConfig) {
  const app = Testing.app();
  const producer = new Aggrik8sStack(app, "mesh-ca", { state });
  const value = new TerraformVariable(producer, "v", { type: "string" }).stringValue;
  const consumer = new Aggrik8sStack(app, "talos-east-cilium", { state });
  new TerraformOutput(consumer, "copy", { value });
  prepareAll(app);
  return { producer: parse(Testing.synth(producer)), consumer: parse(Testing.synth(consumer)) };
}

describe("state backends", () => {
  it("local by default: one file per stack under state/, read back by consumers", () => {
    expect(resolvedConfig().state).toEqual({ backend: "local", dir: "state" });
    // The construct's own default (it does not read the config) is the schema's.
    expect(DEFAULT_STATE).toEqual(resolvedConfig().state);
    const { producer, consumer } = pair({ backend: "local", dir: "state" });
    expect(producer.terraform.backend).toEqual({ local: { path: "../../../state/mesh-ca.tfstate" } });
    expect(consumer.data.terraform_remote_state["cross-stack-reference-input-mesh-ca"]).toMatchObject({
      backend: "local",
      config: { path: "../../../state/mesh-ca.tfstate" },
    });
  });

  it("pg: one schema per stack, the password left to PGPASSWORD", () => {
    const connStr = "postgres://aggrik8s@db.example:5432/terraform?sslmode=verify-full";
    const { producer, consumer } = pair({ backend: "pg", connStr, schemaPrefix: "aggrik8s" });
    expect(producer.terraform.backend).toEqual({ pg: { conn_str: connStr, schema_name: "aggrik8s_mesh_ca" } });
    expect(consumer.terraform.backend.pg.schema_name).toBe("aggrik8s_talos_east_cilium");
    expect(consumer.data.terraform_remote_state["cross-stack-reference-input-mesh-ca"]).toMatchObject({
      backend: "pg",
      config: { conn_str: connStr, schema_name: "aggrik8s_mesh_ca" },
    });
  });

  it("s3-compatible: path-style endpoint and lockfile locking", () => {
    const { producer, consumer } = pair({
      backend: "s3",
      bucket: "tfstate",
      endpoint: "https://minio.example:9000",
      region: "us-east-1",
      keyPrefix: "aggrik8s",
    });
    expect(producer.terraform.backend.s3).toMatchObject({
      bucket: "tfstate",
      key: "aggrik8s/mesh-ca.tfstate",
      endpoints: { s3: "https://minio.example:9000" },
      use_path_style: true,
      use_lockfile: true,
    });
    expect(consumer.data.terraform_remote_state["cross-stack-reference-input-mesh-ca"]).toMatchObject({
      backend: "s3",
      config: { key: "aggrik8s/mesh-ca.tfstate" },
    });
  });

  it("http (GitLab layout): state and lock per stack", () => {
    const { producer } = pair({ backend: "http", address: "https://gitlab.example/api/v4/projects/42/terraform/state/" });
    expect(producer.terraform.backend.http).toEqual({
      address: "https://gitlab.example/api/v4/projects/42/terraform/state/mesh-ca",
      lock_address: "https://gitlab.example/api/v4/projects/42/terraform/state/mesh-ca/lock",
      unlock_address: "https://gitlab.example/api/v4/projects/42/terraform/state/mesh-ca/lock",
      lock_method: "POST",
      unlock_method: "DELETE",
      retry_wait_min: 5,
    });
  });

  it("refuses a pg URL with a password in it", () => {
    const input = defaultInput();
    (input as any).state = { backend: "pg", connStr: "postgres://u:secret@db:5432/tf" };
    const file = writeConfig(input);
    const r = runSynth({ AGGRIK8S_CONFIG: file });
    expect(r.code).toBe(1);
    expect(r.stderr[1].replace(/:\d+:\d+: /, ": ")).toBe(
      `  - ${file}: state.connStr: not a postgres:// URL with a user and no password (got "postgres://u:****@db:5432/tf"). Fix: write postgres://USER@HOST:5432/DB?sslmode=verify-full and put the password in PGPASSWORD`,
    );
    expect(r.stderr.join("\n")).not.toContain("secret");
  });
});
