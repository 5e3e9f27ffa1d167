/**
 * Values of the Tetragon chart on Talos.
 *
 * @see https://tetragon.io/docs/installation/kubernetes/
 * @see https://github.com/cilium/tetragon/issues/4541
 */
import { toggle } from "../schema-parts";
import { defineComponent } from "./component";

/** tracefs: Talos does not mount it into Tetragon's view of the host by itself. */
export const KERNEL_TRACING_PATH = "/sys/kernel/tracing";

export function tetragonValues() {
  return {
    // The chart mounts each entry from the host at the same path (hostPath = mountPath).
    extraHostPathMounts: [{ name: "sys-kernel-tracing", mountPath: KERNEL_TRACING_PATH, readOnly: false }],
  };
}

export const tetragon = defineComponent({
  key: "tetragon",
  schema: toggle("Tetragon runtime security, in kube-system."),
  // kube-system exists, and Talos already runs it privileged.
  releases: () => [{ id: "tetragon", name: "tetragon", chart: "tetragon", values: tetragonValues() }],
  memoryRequests: () => [
    { component: "tetragon", workload: "agent (chart requests none)", memoryMiB: 0, placement: "every-node" },
    { component: "tetragon", workload: "operator", memoryMiB: 64, placement: "cluster" },
  ],
});
