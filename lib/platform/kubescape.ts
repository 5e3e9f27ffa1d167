/**
 * The Kubescape operator: posture and vulnerability scanning.
 *
 * @see https://kubescape.io/docs/install-operator/
 */
import { toggle } from "../schema-parts";
import { defineComponent } from "./component";

export function kubescapeValues(props: { readonly clusterName: string }) {
  return { clusterName: props.clusterName, capabilities: { continuousScan: "enable" } };
}

export const kubescape = defineComponent({
  key: "kubescape",
  schema: toggle("Kubescape operator (posture and vulnerability scanning)."),
  // The node agent reads host processes and files.
  namespace: { name: "kubescape", level: "privileged" },
  // Its storage keeps a PersistentVolumeClaim with no class: installed after the component whose StorageClass is the default.
  needs: ["default-storage-class"],
  releases: (_c, { clusterName }) => [{ id: "kubescape", name: "kubescape", chart: "kubescape", values: kubescapeValues({ clusterName }) }],
  memoryRequests: () => [
    { component: "kubescape", workload: "node-agent", memoryMiB: 180, placement: "every-node" },
    { component: "kubescape", workload: "kubescape", memoryMiB: 400, placement: "cluster" },
    { component: "kubescape", workload: "kubevuln", memoryMiB: 1000, placement: "cluster" },
    { component: "kubescape", workload: "operator", memoryMiB: 100, placement: "cluster" },
    { component: "kubescape", workload: "storage", memoryMiB: 400, placement: "cluster" },
    // The chart's scan schedules (CronJobs kubescape-scheduler and kubevuln-scheduler), 10 MiB each while one runs.
    { component: "kubescape", workload: "scan schedulers (CronJobs)", memoryMiB: 20, placement: "cluster" },
  ],
});
