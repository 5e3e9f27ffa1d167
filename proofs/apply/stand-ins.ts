/**
 * What kwok cannot give, stood in for while the apply proof deploys. It runs
 * as its own process (the deploy runs synchronously in the proof's) until it
 * is killed, and logs every stand-in it makes.
 * - A volume provisioner: a PersistentVolume for each Pending claim whose
 *   StorageClass exists, so a claim binds only when a real cluster's
 *   provisioner would bind it; a claim naming no class stays Pending, as it would.
 * - Webhook backends: no pod runs, so a webhook's Service has nothing behind
 *   it and the API server's call fails; a webhook that fails closed
 *   (`failurePolicy: Fail`, e.g. cert-manager's) would then refuse every
 *   matching object. Each is set to `Ignore`, which admits as a backend that
 *   says yes would.
 *
 *   node dist/proofs/apply/stand-ins.js KUBECTL KUBECONFIG...
 */
import YAML from "yaml";
import { run } from "../lib/proof";

interface PersistentVolumeClaim {
  readonly metadata: { readonly name: string; readonly namespace: string; readonly uid: string };
  readonly spec: {
    readonly storageClassName?: string;
    readonly accessModes: string[];
    readonly resources: { readonly requests: { readonly storage: string } };
  };
  readonly status: { readonly phase: string };
}

const [kubectl, ...kubeconfigs] = process.argv.slice(2);
const made = new Set<string>();

function provision(kubeconfig: string): void {
  const k = (args: string[], input?: string) => run(kubectl, ["--kubeconfig", kubeconfig, ...args], { input });
  const claims = k(["get", "pvc", "-A", "-o", "json"]);
  if (claims.status !== 0) return;
  const classes = new Set(k(["get", "storageclass", "-o", "jsonpath={.items[*].metadata.name}"]).stdout.split(" ").filter(Boolean));
  for (const pvc of JSON.parse(claims.stdout).items as PersistentVolumeClaim[]) {
    const sc = pvc.spec.storageClassName;
    if (pvc.status.phase !== "Pending" || !sc || !classes.has(sc) || made.has(pvc.metadata.uid)) continue;
    made.add(pvc.metadata.uid);
    const pv = {
      apiVersion: "v1",
      kind: "PersistentVolume",
      metadata: { name: `stand-in-${pvc.metadata.uid}`, labels: { "aggrik8s.dev/apply-proof": "stand-in" } },
      spec: {
        capacity: { storage: pvc.spec.resources.requests.storage },
        accessModes: pvc.spec.accessModes,
        storageClassName: sc,
        persistentVolumeReclaimPolicy: "Delete",
        claimRef: { namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid },
        hostPath: { path: `/var/lib/stand-in/${pvc.metadata.uid}` },
      },
    };
    const r = k(["apply", "-f", "-"], YAML.stringify(pv));
    console.log(`${kubeconfig}: ${pvc.metadata.namespace}/${pvc.metadata.name} (${sc}): ${r.status === 0 ? "volume made" : r.stderr.trim()}`);
  }
}

interface WebhookConfiguration {
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly webhooks?: readonly { readonly name: string; readonly failurePolicy?: string }[];
}

function admitWebhooks(kubeconfig: string): void {
  const k = (args: string[]) => run(kubectl, ["--kubeconfig", kubeconfig, ...args]);
  const r = k(["get", "validatingwebhookconfigurations,mutatingwebhookconfigurations", "-o", "json"]);
  if (r.status !== 0) return;
  for (const wc of JSON.parse(r.stdout).items as WebhookConfiguration[]) {
    // failurePolicy defaults to Fail in admissionregistration.k8s.io/v1.
    const patch = (wc.webhooks ?? []).flatMap((w, i) =>
      (w.failurePolicy ?? "Fail") === "Fail" ? [{ op: "replace", path: `/webhooks/${i}/failurePolicy`, value: "Ignore" }] : [],
    );
    if (!patch.length) continue;
    const kind = wc.kind === "MutatingWebhookConfiguration" ? "mutatingwebhookconfiguration" : "validatingwebhookconfiguration";
    const p = k(["patch", `${kind}/${wc.metadata.name}`, "--type=json", "-p", JSON.stringify(patch)]);
    console.log(`${kubeconfig}: ${kind}/${wc.metadata.name}: ${p.status === 0 ? `${patch.length} webhook(s) set to failurePolicy Ignore` : p.stderr.trim()}`);
  }
}

// Webhooks first and often: a release right after cert-manager's creates objects its webhook matches.
setInterval(() => kubeconfigs.forEach(admitWebhooks), 500);
setInterval(() => kubeconfigs.forEach(provision), 2000);
