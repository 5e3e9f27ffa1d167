/**
 * The Helm releases of a cluster's Cilium stack (stacks/cilium-stack.ts),
 * named once here: the stack creates exactly these, and `npm run status`
 * (tools/status.ts) expects exactly these, from the same switches
 * (stacks/index.ts ciliumStackSwitches reads them from the config).
 */

/** A Helm release of the Cilium stack. */
export interface CiliumStackRelease {
  /** Helm release name. */
  readonly name: string;
  readonly namespace: string;
}

/** Every release the Cilium stack can install, by its role there. */
export const CILIUM_STACK_RELEASES = {
  /** The kubelet serving-certificate approver, before any CNI (charts/kubelet-serving-cert-approver). */
  servingCertApprover: { name: "kubelet-serving-cert-approver", namespace: "kube-system" },
  /** The Gateway API CRDs, before Cilium (charts/gateway-api-crds). */
  gatewayApiCrds: { name: "gateway-api-crds", namespace: "kube-system" },
  /** Cilium itself; kube-system: Talos labels it privileged already, and Cilium's own docs install there. */
  cilium: { name: "cilium", namespace: "kube-system" },
  /** The LB-IPAM pool and announcements, after Cilium's CRDs (charts/cilium-lb-ipam). */
  lbIpam: { name: "cilium-lb-ipam", namespace: "kube-system" },
} as const satisfies Record<string, CiliumStackRelease>;

/**
 * The capacity-table component (lib/platform/capacity.ts) each release's pods
 * count under: the chart proof compares what each renders with that row. Keyed
 * like CILIUM_STACK_RELEASES, so a release added there without one does not compile.
 */
export const CILIUM_STACK_CAPACITY: { readonly [R in keyof typeof CILIUM_STACK_RELEASES]: string } = {
  servingCertApprover: "kubelet-serving-cert-approver",
  // The CRD and pool releases run no pods: counted with Cilium (0 MiB).
  gatewayApiCrds: "cilium",
  cilium: "cilium",
  lbIpam: "cilium",
};

/** What decides which of them a cluster gets (the Cilium stack's props `gatewayApi` and `lbIpam`). */
export interface CiliumStackSwitches {
  /** Gateway API on (`platform.gatewayApi.enabled`). */
  readonly gatewayApi: boolean;
  /** LB-IPAM on (a `network.loadBalancer` pool, enabled). */
  readonly lbIpam: boolean;
}

/** The releases the Cilium stack installs with these switches, in install order. */
export function ciliumStackReleases(on: CiliumStackSwitches): CiliumStackRelease[] {
  return [
    CILIUM_STACK_RELEASES.servingCertApprover,
    ...(on.gatewayApi ? [CILIUM_STACK_RELEASES.gatewayApiCrds] : []),
    CILIUM_STACK_RELEASES.cilium,
    ...(on.lbIpam ? [CILIUM_STACK_RELEASES.lbIpam] : []),
  ];
}
