/**
 * Values of the Tetragon chart on Talos.
 *
 * @see https://tetragon.io/docs/installation/kubernetes/
 * @see https://github.com/cilium/tetragon/issues/4541
 */

/** tracefs: Talos does not mount it into Tetragon's view of the host by itself. */
export const KERNEL_TRACING_PATH = "/sys/kernel/tracing";

export function tetragonValues() {
  return {
    // The chart mounts each entry from the host at the same path (hostPath = mountPath).
    extraHostPathMounts: [{ name: "sys-kernel-tracing", mountPath: KERNEL_TRACING_PATH, readOnly: false }],
  };
}
