import YAML from "yaml";
import { clusterNodes } from "../../../stacks";
import { ETCD_BACKUP_NAMESPACE, etcdBackup, etcdBackupObjects } from "../../../lib/platform/etcd-backup";
import { toPatchYaml } from "../../../lib/talos/patches";
import { IMAGES } from "../../../lib/versions";
import { fixture } from "../../fixtures";
import { resolvedConfig } from "../../helpers";

const AGE_KEY = "age1eudfewpz730t3jhra2pmqqnfscd9rpr8s9rsrzhgg3dvsku2rzaqe90sjh";
const INSTALLER = "factory.talos.dev/nocloud-installer/abc123:v1.13.9";
const ON = { enabled: true, agePublicKey: AGE_KEY, s3: { bucket: "talos-backups", endpoint: "https://minio.lab.internal:9000", pathStyle: true } };

/** Each node's `machine.features` as the Talos patches set them. */
function features(platform: Record<string, unknown>): Record<string, { role: string; features: any }> {
  const mesh = resolvedConfig((c) => (c.clusters[0].platform = platform as never));
  return Object.fromEntries(
    clusterNodes(mesh.clusters[0], mesh.proxmox).map((n) => {
      const v1alpha1 = YAML.parseAllDocuments(toPatchYaml(n.patches(INSTALLER)))[0].toJS();
      return [n.name, { role: n.role, features: v1alpha1.machine.features }];
    }),
  );
}
const objects = (b: Record<string, unknown>) => {
  const config = etcdBackup.schema.parse({ ...ON, ...b });
  const [sa, job] = etcdBackupObjects({ clusterName: "talos-east", config }) as any[];
  const env = Object.fromEntries(job.spec.jobTemplate.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
  return { sa, job, env };
};

describe("etcd backups (talos-backup)", () => {
  it("turn on Talos API access on the control planes only, for the CronJob's namespace and the etcd backup role", () => {
    const on = features({ etcdBackup: ON });
    const access = { enabled: true, allowedRoles: ["os:etcd:backup"], allowedKubernetesNamespaces: [ETCD_BACKUP_NAMESPACE] };
    for (const [name, n] of Object.entries(on))
      expect([name, n.features.kubernetesTalosAPIAccess]).toEqual([name, n.role === "controlplane" ? access : undefined]);
    expect(Object.values(on).filter((n) => n.role === "worker").length).toBeGreaterThan(0);
    // Off (the default): no node has it.
    for (const n of Object.values(features({}))) expect(n.features.kubernetesTalosAPIAccess).toBeUndefined();
  });

  it("ask Talos for exactly what the control planes allow: the ServiceAccount's namespace and roles are the feature's", () => {
    const { sa } = objects({});
    const cp = Object.values(features({ etcdBackup: ON })).find((n) => n.role === "controlplane")!.features.kubernetesTalosAPIAccess;
    expect(cp.allowedKubernetesNamespaces).toContain(sa.metadata.namespace);
    for (const role of sa.spec.roles) expect(cp.allowedRoles).toContain(role);
    expect(etcdBackup.namespace).toEqual({ name: sa.metadata.namespace, level: "restricted" });
  });

  it('pass talos-backup its settings, with path style spelt its way (the string "false" turns it on) and only with an endpoint', () => {
    const { env, job } = objects({});
    expect(env).toMatchObject({
      TALOSCONFIG: "/var/run/secrets/talos.dev/config",
      CLUSTER_NAME: "talos-east",
      BUCKET: "talos-backups",
      AWS_REGION: "us-east-1",
      CUSTOM_S3_ENDPOINT: "https://minio.lab.internal:9000",
      USE_PATH_STYLE: "false",
      AGE_X25519_PUBLIC_KEY: AGE_KEY,
      AWS_ACCESS_KEY_ID: { secretKeyRef: { name: "etcd-backup-s3-access-key-id", key: "value" } },
      AWS_SECRET_ACCESS_KEY: { secretKeyRef: { name: "etcd-backup-s3-secret-access-key", key: "value" } },
    });
    expect(job.spec.jobTemplate.spec.template.spec.containers[0].image).toBe(`ghcr.io/siderolabs/talos-backup:${IMAGES.talosBackup.tag}`);
    expect(objects({ s3: { ...ON.s3, pathStyle: false } }).env.USE_PATH_STYLE).toBe("true");
    expect(objects({ s3: { ...ON.s3, pathStyle: undefined } }).env).not.toHaveProperty("USE_PATH_STYLE");
    const aws = objects({ s3: { bucket: "talos-backups", region: "eu-central-1" } }).env;
    expect(aws).not.toHaveProperty("CUSTOM_S3_ENDPOINT");
    expect(aws).not.toHaveProperty("USE_PATH_STYLE");
    expect(aws.AWS_REGION).toBe("eu-central-1");
    expect(objects({ s3: { ...ON.s3, prefix: "lab/etcd" } }).env.S3_PREFIX).toBe("lab/etcd");
  });

  it("are installed, in the example, by talos-east's platform stack: restricted namespace, credentials written write-only, the release after them", () => {
    const json = fixture("three-clusters").json("talos-east-platform");
    const ns = Object.values(json.resource.kubernetes_namespace_v1).find((n: any) => n.metadata.name === ETCD_BACKUP_NAMESPACE) as any;
    expect(ns.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    const secrets = Object.entries(json.resource.kubernetes_secret_v1).filter(([, s]: [string, any]) => s.metadata.name.startsWith("etcd-backup-s3-"));
    expect(secrets.map(([, s]: [string, any]) => [s.metadata.name, Object.keys(s.data_wo), s.data])).toEqual([
      ["etcd-backup-s3-access-key-id", ["value"], undefined],
      ["etcd-backup-s3-secret-access-key", ["value"], undefined],
    ]);
    const release = Object.values(json.resource.helm_release).find((r: any) => r.name === "etcd-backup") as any;
    for (const [id] of secrets) expect(release.depends_on).toContain(`kubernetes_secret_v1.${id}`);
    // Talos' ServiceAccount CRD: waited for (Established) at apply, before the release that creates one.
    const gates = Object.entries(json.resource.null_resource).filter(([, g]: [string, any]) => g.triggers.crds === "serviceaccounts.talos.dev");
    expect(gates.length).toBe(1);
    expect(release.depends_on).toContain(`null_resource.${gates[0][0]}`);
    expect((gates[0][1] as any).provisioner[0]["local-exec"].environment.GATE_CRDS).toBe("serviceaccounts.talos.dev");
    // The cluster without it has none of it.
    const west = fixture("three-clusters").json("talos-west-platform");
    expect(Object.values(west.resource.helm_release).map((r: any) => r.name)).not.toContain("etcd-backup");
  });
});
