/**
 * kwok has no volume provisioner. This stands in for one while the apply
 * proof deploys: a PersistentVolume for each Pending claim whose
 * StorageClass exists, so a claim binds only when a real cluster's
 * provisioner would bind it; a claim naming no class stays Pending, as it
 * would. It runs as its own process (the deploy runs synchronously in the
 * proof's) until it is killed.
 *
 *   node scripts/run-ts.js proofs/apply/stand-in-provisioner.ts KUBECTL KUBECONFIG...
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

setInterval(() => kubeconfigs.forEach(provision), 2000);
