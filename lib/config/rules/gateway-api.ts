/**
 * Gateway API on a Cilium version whose Gateway API CRDs aggrik8s ships: the
 * CRD version must be the one that Cilium minor supports (versions.json
 * crds.gatewayApi), or its controller meets CRDs it does not know.
 */
import { CILIUM_KUBERNETES_TESTED, minorOf } from "../compat";
import { CRDS } from "../../versions";
import { MeshRule, clustersOf } from "./rule";

export const gatewayApi: MeshRule = (config, { err }) => {
  const cilium = minorOf(config.versions.cilium);
  // A version outside the compatibility table is reported by the versions rule.
  if (cilium === CRDS.gatewayApi.ciliumMinor || !(cilium in CILIUM_KUBERNETES_TESTED)) return;
  for (const { c, path } of clustersOf(config)) {
    if (!c.platform.gatewayApi.enabled) continue;
    err(
      `${path}.platform.gatewayApi`,
      `Gateway API is on with Cilium ${config.versions.cilium}, but aggrik8s ships the Gateway API CRDs ${CRDS.gatewayApi.version} for Cilium ${CRDS.gatewayApi.ciliumMinor} only`,
      `switch platform.gatewayApi off on this cluster, or use Cilium ${CRDS.gatewayApi.ciliumMinor}.x`,
    );
  }
};
