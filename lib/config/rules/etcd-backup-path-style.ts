/**
 * `s3.pathStyle` only means something with `s3.endpoint`: talos-backup sets
 * the S3 client's path-style addressing for a custom endpoint only
 * (siderolabs/talos-backup v0.1.0-beta.3 pkg/s3/s3.go,
 * `if svcConf.CustomS3Endpoint != ""`), so without one it would be dropped
 * without a word.
 */
import { isEnabled } from "../../platform/components";
import { MeshRule, clustersOf } from "./rule";

export const etcdBackupPathStyle: MeshRule = (config, { err }) => {
  for (const { c, path } of clustersOf(config)) {
    const s3 = c.platform.etcdBackup.s3;
    if (!isEnabled(c.platform, "etcdBackup") || s3.pathStyle === undefined || s3.endpoint !== undefined) continue;
    err(
      `${path}.platform.etcdBackup.s3.pathStyle`,
      `pathStyle is ${s3.pathStyle} without s3.endpoint: talos-backup applies it to a custom S3 endpoint only (AWS S3 is addressed by its own rules), so it would be ignored`,
      "set s3.endpoint to the S3-compatible store's URL, or remove pathStyle",
    );
  }
};
