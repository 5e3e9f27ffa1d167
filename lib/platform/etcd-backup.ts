/**
 * Scheduled etcd snapshots to an S3-compatible bucket: siderolabs/talos-backup
 * as a CronJob, through Talos' Kubernetes API access feature.
 *
 * How it works, from the sources read (siderolabs/talos-backup at
 * v0.1.0-beta.3, siderolabs/talos at v1.13.9):
 * - The control planes' machine config turns on
 *   `machine.features.kubernetesTalosAPIAccess` with role `os:etcd:backup`
 *   for this component's namespace (lib/talos/patches.ts; Talos refuses the
 *   feature on workers: talos v1.13.9
 *   pkg/machinery/config/types/v1alpha1/v1alpha1_validation.go, "feature
 *   Kubernetes Talos API Access can only be enabled on control plane
 *   machines"). Talos then installs the `serviceaccounts.talos.dev` CRD
 *   (internal/app/machined/pkg/controllers/k8s/manifest.go,
 *   "13-talos-service-account-crd"; the schema in
 *   .../k8s/internal/k8stemplates/crds.go: `spec.roles`, a list of strings)
 *   and the `talos` Service in `default`.
 * - A `talos.dev/v1alpha1` ServiceAccount here asks for that role; Talos'
 *   controller (internal/app/machined/pkg/controllers/kubeaccess/serviceaccount/crd_controller.go)
 *   checks the namespace and roles against the feature's lists and writes a
 *   Secret of the same name, owned by it, whose key `config`
 *   (pkg/machinery/constants: TalosconfigFilename) is a talosconfig for the
 *   endpoint `talos.default` with a certificate for just those roles. The
 *   controller refuses a Secret of that name it does not own, so none is made
 *   here (talos-backup's cronjob.sample.yaml makes one; it is left out).
 * - `os:etcd:backup` may call `MachineService/EtcdSnapshot` and nothing else
 *   that writes (internal/app/machined/pkg/system/services/machined.go).
 * - talos-backup (cmd/talos-backup/main.go, cmd/talos-backup/service/service.go)
 *   opens that talosconfig (`TALOSCONFIG`, pkg/machinery/client/config/path.go),
 *   takes a snapshot into its working directory, encrypts it to the age
 *   recipient `AGE_X25519_PUBLIC_KEY` (pkg/encryption/encryption.go) and
 *   uploads `<S3_PREFIX or CLUSTER_NAME>/<CLUSTER_NAME>-<RFC 3339 time>.snap.age`
 *   to `BUCKET` (pkg/s3/s3.go) with the AWS SDK's default credentials
 *   (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`) and `AWS_REGION`;
 *   `CUSTOM_S3_ENDPOINT` for a non-AWS endpoint. Its env vars:
 *   pkg/config/service.go. Note `USE_PATH_STYLE`: path-style addressing is
 *   on when it is the string "false" (`UsePathStyle: os.Getenv(...) == "false"`),
 *   and applies only with a custom endpoint.
 *
 * The pod fits Pod Security `restricted` (non-root, no capabilities, no
 * privilege escalation, RuntimeDefault seccomp, read-only root; an emptyDir
 * and a Secret volume only).
 *
 * @see https://github.com/siderolabs/talos-backup/tree/v0.1.0-beta.3
 * @see https://docs.siderolabs.com/talos/v1.13/advanced-guides/talos-api-access-from-k8s
 */
import { z } from "zod";
import { SecretRefSchema, fix, optIn } from "../schema-parts";
import { IMAGES } from "../versions";
import { defineComponent } from "./component";

/** The namespace the CronJob runs in: the one Talos lets reach its API (the feature's allowedKubernetesNamespaces). */
export const ETCD_BACKUP_NAMESPACE = "etcd-backup";
/** The one Talos role it asks for (talos v1.13.9 pkg/machinery/role: `EtcdBackup`). */
export const ETCD_BACKUP_ROLE = "os:etcd:backup";
/** The Talos ServiceAccount, and the Secret of the same name Talos writes its talosconfig into. */
const TALOS_SERVICE_ACCOUNT = "talos-backup";
/** Where the talosconfig is mounted (talos v1.13.9 pkg/machinery/constants: ServiceAccountMountPath), and its file (TalosconfigFilename). */
const TALOS_SECRETS_DIR = "/var/run/secrets/talos.dev";
const TALOSCONFIG_FILE = "config";
/** The Secrets the platform stack writes (write-only) for the S3 credentials. */
export const ETCD_BACKUP_S3_SECRETS = {
  accessKeyId: { name: "etcd-backup-s3-access-key-id", key: "value" },
  secretAccessKey: { name: "etcd-backup-s3-secret-access-key", key: "value" },
} as const;

/** An age X25519 recipient: `age1` and 58 bech32 characters (32 bytes and a checksum). */
const AGE_RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/;
/** Five cron fields, or a macro Kubernetes' CronJob takes. */
const CRON = /^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|(\S+\s+){4}\S+)$/;

const s3Schema = z
  .strictObject({
    bucket: z.string().min(1).optional().describe("Bucket the snapshots go to (required when on)."),
    endpoint: z
      .url({ protocol: /^https?$/, error: fix("not an http(s) URL", "write the S3 API's URL, e.g. https://minio.lab.internal:9000") })
      .optional()
      .describe("S3 API of an S3-compatible store (MinIO, Ceph RGW, ...); without it, AWS S3 of `region`."),
    region: z.string().min(1).default("us-east-1").describe("Region the client signs for (`AWS_REGION`); S3-compatible stores usually take any."),
    pathStyle: z
      .boolean()
      .optional()
      .describe("Address the bucket as `<endpoint>/<bucket>` (most S3-compatible stores) instead of `<bucket>.<endpoint>`; only with `endpoint`."),
    prefix: z.string().min(1).optional().describe("Key prefix (folder) of the snapshots. Default: the cluster's name."),
    accessKeyId: SecretRefSchema.default({ env: "ETCD_BACKUP_S3_ACCESS_KEY_ID" }).describe("Access key id of the bucket's credentials."),
    secretAccessKey: SecretRefSchema.default({ env: "ETCD_BACKUP_S3_SECRET_ACCESS_KEY" }).describe("Secret access key of the bucket's credentials."),
  })
  .prefault({})
  .describe("The S3-compatible target.");

export type EtcdBackupConfig = z.output<typeof etcdBackupSchema>;

const etcdBackupSchema = z
  .strictObject({
    enabled: optIn("an S3-compatible bucket, its access key, and an age key pair"),
    schedule: z
      .string()
      .regex(CRON, { error: fix("not a cron schedule", 'write five fields, e.g. "0 */6 * * *", or a macro such as @daily') })
      .default("0 */6 * * *")
      .describe("When a snapshot is taken (the CronJob's schedule, in the controller manager's time zone)."),
    agePublicKey: z
      .string()
      .regex(AGE_RECIPIENT, {
        error: fix("not an age X25519 public key", "run age-keygen and give the public key it prints (age1...); keep the private key off the cluster"),
      })
      .optional()
      .describe("age recipient every snapshot is encrypted to (required when on); restore with its private key (`age -d -i key.txt`)."),
    s3: s3Schema,
    memoryMiB: z.number().int().min(32).default(128).describe("Memory the backup Job requests (MiB)."),
  })
  .prefault({})
  .describe("Scheduled etcd snapshots to an S3-compatible bucket (siderolabs/talos-backup as a CronJob; docs/operations.md: restore).");

/** What the CronJob needs from the cluster. */
export interface EtcdBackupObjectsProps {
  readonly clusterName: string;
  readonly config: EtcdBackupConfig;
}

/**
 * The Talos ServiceAccount and the CronJob, as the objects chart installs
 * them (the ServiceAccount's CRD is Talos', made when the control planes'
 * config turns the feature on, so a Helm release, not a plan-time manifest).
 */
export function etcdBackupObjects(props: EtcdBackupObjectsProps): object[] {
  const { config, clusterName } = props;
  const s3 = config.s3;
  const env = [
    { name: "TALOSCONFIG", value: `${TALOS_SECRETS_DIR}/${TALOSCONFIG_FILE}` },
    { name: "CLUSTER_NAME", value: clusterName },
    { name: "BUCKET", value: s3.bucket ?? "" },
    { name: "AWS_REGION", value: s3.region },
    ...(s3.endpoint ? [{ name: "CUSTOM_S3_ENDPOINT", value: s3.endpoint }] : []),
    // talos-backup v0.1.0-beta.3 pkg/config/service.go: path style is on when the value is "false".
    ...(s3.endpoint && s3.pathStyle !== undefined ? [{ name: "USE_PATH_STYLE", value: s3.pathStyle ? "false" : "true" }] : []),
    ...(s3.prefix ? [{ name: "S3_PREFIX", value: s3.prefix }] : []),
    { name: "AGE_X25519_PUBLIC_KEY", value: config.agePublicKey ?? "" },
    { name: "AWS_ACCESS_KEY_ID", valueFrom: { secretKeyRef: ETCD_BACKUP_S3_SECRETS.accessKeyId } },
    { name: "AWS_SECRET_ACCESS_KEY", valueFrom: { secretKeyRef: ETCD_BACKUP_S3_SECRETS.secretAccessKey } },
    // A HOME the SDK and Talos' client may look in (the image has no home directory).
    { name: "HOME", value: "/tmp" },
  ];
  return [
    {
      apiVersion: "talos.dev/v1alpha1",
      kind: "ServiceAccount",
      metadata: { name: TALOS_SERVICE_ACCOUNT, namespace: ETCD_BACKUP_NAMESPACE },
      spec: { roles: [ETCD_BACKUP_ROLE] },
    },
    {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "talos-backup", namespace: ETCD_BACKUP_NAMESPACE },
      spec: {
        schedule: config.schedule,
        concurrencyPolicy: "Forbid",
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          spec: {
            backoffLimit: 2,
            template: {
              spec: {
                restartPolicy: "OnFailure",
                // No Kubernetes API access needed: the talosconfig is a mounted Secret.
                automountServiceAccountToken: false,
                securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
                containers: [
                  {
                    name: "talos-backup",
                    image: `${IMAGES.talosBackup.repository}:${IMAGES.talosBackup.tag}`,
                    // The snapshot and its encrypted copy are written to the working directory.
                    workingDir: "/tmp",
                    env,
                    resources: { requests: { memory: `${config.memoryMiB}Mi` }, limits: { memory: `${config.memoryMiB * 4}Mi` } },
                    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                    volumeMounts: [
                      { name: "tmp", mountPath: "/tmp" },
                      { name: "talos-secrets", mountPath: TALOS_SECRETS_DIR, readOnly: true },
                    ],
                  },
                ],
                volumes: [
                  { name: "tmp", emptyDir: {} },
                  { name: "talos-secrets", secret: { secretName: TALOS_SERVICE_ACCOUNT } },
                ],
              },
            },
          },
        },
      },
    },
  ];
}

export const etcdBackup = defineComponent({
  key: "etcdBackup",
  schema: etcdBackupSchema,
  namespace: { name: ETCD_BACKUP_NAMESPACE, level: "restricted" },
  // Talos applies it once a control plane's config turns the feature on (talos v1.13.9 internal/app/machined/pkg/controllers/k8s/manifest.go).
  externalCrds: ["serviceaccounts.talos.dev"],
  kubernetesSecrets: (c) => [
    { id: "etcd-backup-s3-access-key-id", ...ETCD_BACKUP_S3_SECRETS.accessKeyId, ref: c.s3.accessKeyId, description: "etcd backup S3 access key id" },
    {
      id: "etcd-backup-s3-secret-access-key",
      ...ETCD_BACKUP_S3_SECRETS.secretAccessKey,
      ref: c.s3.secretAccessKey,
      description: "etcd backup S3 secret access key",
    },
  ],
  releases: (c, { clusterName }) => [
    { id: "etcd-backup", name: "etcd-backup", chart: { localPath: "charts/objects" }, values: { objects: etcdBackupObjects({ clusterName, config: c }) } },
  ],
  memoryRequests: (c) => [{ component: "etcd-backup", workload: "talos-backup CronJob (one Job at a time)", memoryMiB: c.memoryMiB, placement: "cluster" }],
});
