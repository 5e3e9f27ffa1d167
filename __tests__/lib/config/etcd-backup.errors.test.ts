// Etcd backup configs refused at synth with exact messages (through runApp,
// like load.errors.test.ts): the schema's fields and the two rules
// (etcdBackupTarget, etcdBackupPathStyle).
import { MeshConfigInput } from "../../../lib/config/schema";
import { defaultInput, runSynth, writeConfig } from "../../helpers";

type Edit = (c: MeshConfigInput & Record<string, any>) => void;
const AGE_KEY = "age1eudfewpz730t3jhra2pmqqnfscd9rpr8s9rsrzhgg3dvsku2rzaqe90sjh";
const backup = (c: MeshConfigInput, b: Record<string, unknown>) => void (c.clusters[0].platform = { etcdBackup: b } as never);

const CASES: [string, Edit, string[]][] = [
  [
    "on without a bucket or an age key",
    (c) => backup(c, { enabled: true }),
    [
      "clusters[0].platform.etcdBackup.s3.bucket: etcd backups are on but name no bucket, so every snapshot would fail to upload. Fix: name the bucket the snapshots go to (s3.bucket, with s3.endpoint for a store other than AWS S3), or turn etcdBackup off",
      "clusters[0].platform.etcdBackup.agePublicKey: etcd backups are on but give no age public key, and talos-backup encrypts every snapshot to one (it fails without). Fix: run age-keygen, keep the private key off the cluster (a restore needs it), and give the public key it prints (age1...) as agePublicKey",
    ],
  ],
  [
    "pathStyle without an endpoint",
    (c) => backup(c, { enabled: true, agePublicKey: AGE_KEY, s3: { bucket: "talos-backups", pathStyle: true } }),
    [
      "clusters[0].platform.etcdBackup.s3.pathStyle: pathStyle is true without s3.endpoint: talos-backup applies it to a custom S3 endpoint only (AWS S3 is addressed by its own rules), so it would be ignored. Fix: set s3.endpoint to the S3-compatible store's URL, or remove pathStyle",
    ],
  ],
  [
    "an age private key instead of the public one, and a bad schedule",
    (c) => backup(c, { enabled: true, agePublicKey: "AGE-SECRET-KEY-1QQQ", schedule: "every day", s3: { bucket: "talos-backups" } }),
    [
      'clusters[0].platform.etcdBackup.agePublicKey: not an age X25519 public key (got "AGE-SECRET-KEY-1QQQ"). Fix: run age-keygen and give the public key it prints (age1...); keep the private key off the cluster',
      'clusters[0].platform.etcdBackup.schedule: not a cron schedule (got "every day"). Fix: write five fields, e.g. "0 */6 * * *", or a macro such as @daily',
    ],
  ],
  [
    "an endpoint that is no URL, and credentials written inline",
    (c) => backup(c, { enabled: true, agePublicKey: AGE_KEY, s3: { bucket: "talos-backups", endpoint: "minio:9000", secretAccessKey: "hunter2hunter2" } }),
    [
      'clusters[0].platform.etcdBackup.s3.endpoint: not an http(s) URL (got "minio:9000"). Fix: write the S3 API\'s URL, e.g. https://minio.lab.internal:9000',
      "clusters[0].platform.etcdBackup.s3.secretAccessKey: secrets are never written inline. Fix: write {env: VARIABLE_NAME} to read it from the environment at deploy time, or {doppler: SECRET_NAME} with doppler.enabled",
    ],
  ],
];

describe("etcd backup configs are refused at synth with exact messages", () => {
  it.each(CASES)("%s", (_name, edit, expected) => {
    const input = defaultInput();
    edit(input as any);
    const result = runSynth({ AGGRIK8S_CONFIG: writeConfig(input) });
    expect(result.code).toBe(1);
    expect(result.stderr.slice(1).map((l) => l.replace(/^ {2}- [^:]+:\d+:\d+: /, ""))).toEqual(expected);
  });
});
