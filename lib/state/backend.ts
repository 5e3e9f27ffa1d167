import { HttpBackend, LocalBackend, PgBackend, S3Backend, TerraformStack } from "cdktf";
import { MeshConfig, MeshConfigSchema } from "../config/schema";
import { fromStackDir } from "../project-path";

export type StateConfig = MeshConfig["state"];

/** The schema's default: local files under state/. */
export const DEFAULT_STATE: StateConfig = MeshConfigSchema.shape.state.parse(undefined);

/**
 * Gives `stack` its own state in the configured backend. Consumers of its
 * outputs get a matching `terraform_remote_state` from cdktf, so cross-stack
 * references work with every backend. No credential is written here: each
 * backend reads its own from the environment.
 *
 * @see https://developer.hashicorp.com/terraform/language/backend
 */
export function configureBackend(stack: TerraformStack, state: StateConfig): void {
  const name = stack.node.id;
  switch (state.backend) {
    case "local":
      // Relative to the stack's working directory, so state survives `rm -rf cdktf.out`.
      new LocalBackend(stack, { path: fromStackDir(`${state.dir}/${name}.tfstate`, stack) });
      return;
    case "pg":
      new PgBackend(stack, { connStr: state.connStr, schemaName: `${state.schemaPrefix}_${name.replace(/-/g, "_")}` });
      return;
    case "s3": {
      const backend = new S3Backend(stack, {
        bucket: state.bucket,
        key: `${state.keyPrefix}/${name}.tfstate`,
        region: state.region,
        ...(state.endpoint
          ? {
              endpoints: { s3: state.endpoint },
              usePathStyle: true,
              skipCredentialsValidation: true,
              skipRegionValidation: true,
              skipRequestingAccountId: true,
              skipMetadataApiCheck: true,
            }
          : {}),
      });
      // S3-native locking (Terraform >= 1.10); cdktf 0.21's types predate it.
      backend.addOverride("use_lockfile", true);
      return;
    }
    case "http": {
      const address = `${state.address.replace(/\/$/, "")}/${name}`;
      new HttpBackend(stack, {
        address,
        lockAddress: `${address}/lock`,
        unlockAddress: `${address}/lock`,
        lockMethod: "POST",
        unlockMethod: "DELETE",
        retryWaitMin: 5,
        ...(state.username ? { username: state.username } : {}),
      });
      return;
    }
  }
}
