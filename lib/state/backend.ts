import { HttpBackend, LocalBackend, PgBackend, S3Backend, TerraformStack } from "cdktf";

/** Where every stack keeps its state: the config's `state`, defaults filled in. */
export type StateConfig =
  | {
      readonly backend: "local";
      /** Directory of the state files (one `<stack>.tfstate` each), relative to the project or absolute. */
      readonly dir: string;
    }
  | {
      readonly backend: "pg";
      /** `postgres://USER@HOST/DB` with no password (PGPASSWORD holds it). */
      readonly connStr: string;
      /** A stack's schema is `<schemaPrefix>_<stack>`. */
      readonly schemaPrefix: string;
    }
  | {
      readonly backend: "s3";
      readonly bucket: string;
      /** An S3-compatible endpoint (MinIO, Ceph RGW), path-style. @default - AWS */
      readonly endpoint?: string;
      readonly region: string;
      /** A stack's object is `<keyPrefix>/<stack>.tfstate`. */
      readonly keyPrefix: string;
    }
  | {
      readonly backend: "http";
      /** Base URL; a stack's state is `<address>/<stack>`. */
      readonly address: string;
      /** @default - none (TF_HTTP_USERNAME, or the token alone) */
      readonly username?: string;
    };

/** The config's default (a test checks it against the schema): local files under state/. */
export const DEFAULT_STATE: StateConfig = { backend: "local", dir: "state" };

export interface BackendProps {
  readonly state: StateConfig;
  /**
   * For the local backend: `state.dir` as the engine sees it from the
   * stack's working directory (`<output>/stacks/<name>/`), so state survives
   * `rm -rf cdktf.out` and `--output elsewhere`.
   * @default - `state.dir` as written
   */
  readonly localDir?: string;
}

/**
 * Gives `stack` its own state in the configured backend. Consumers of its
 * outputs get a matching `terraform_remote_state` from cdktf, so cross-stack
 * references work with every backend. No credential is written here: each
 * backend reads its own from the environment.
 *
 * @see https://developer.hashicorp.com/terraform/language/backend
 */
export function configureBackend(stack: TerraformStack, props: BackendProps): void {
  const { state } = props;
  const name = stack.node.id;
  switch (state.backend) {
    case "local":
      new LocalBackend(stack, { path: `${props.localDir ?? state.dir}/${name}.tfstate` });
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
