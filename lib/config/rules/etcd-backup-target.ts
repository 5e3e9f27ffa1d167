/**
 * Etcd backups switched on need a bucket and an age recipient: talos-backup
 * uploads to `BUCKET` and encrypts every snapshot to `AGE_X25519_PUBLIC_KEY`,
 * failing each run without one (siderolabs/talos-backup v0.1.0-beta.3
 * pkg/encryption/encryption.go: `age.ParseX25519Recipient`). The schema
 * leaves both optional so the component can stay off without them.
 */
import { isEnabled } from "../../platform/components";
import { MeshRule, clustersOf } from "./rule";

export const etcdBackupTarget: MeshRule = (config, { err }) => {
  for (const { c, path } of clustersOf(config)) {
    if (!isEnabled(c.platform, "etcdBackup")) continue;
    const b = c.platform.etcdBackup;
    const p = `${path}.platform.etcdBackup`;
    if (b.s3.bucket === undefined)
      err(
        `${p}.s3.bucket`,
        "etcd backups are on but name no bucket, so every snapshot would fail to upload",
        "name the bucket the snapshots go to (s3.bucket, with s3.endpoint for a store other than AWS S3), or turn etcdBackup off",
      );
    if (b.agePublicKey === undefined)
      err(
        `${p}.agePublicKey`,
        "etcd backups are on but give no age public key, and talos-backup encrypts every snapshot to one (it fails without)",
        "run age-keygen, keep the private key off the cluster (a restore needs it), and give the public key it prints (age1...) as agePublicKey",
      );
  }
};
