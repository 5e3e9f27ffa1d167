/**
 * OLM v1: operator-controller (installs operators from a `ClusterExtension`)
 * and catalogd (serves `ClusterCatalog` contents), so operators can be
 * installed declaratively. Off by default. Its chart is published in no Helm
 * repository, so it is kept unedited in charts/vendor/olmv1 at its release
 * tag (versions.json vendoredCharts.olmv1). The chart's images default to
 * `:devel`; both are pinned to that tag here. Its webhooks' certificates come
 * from cert-manager (`WebhookProviderCertManager`), so it needs cert-manager.
 *
 * The chart creates its own namespace, olmv1-system, labelled `restricted`
 * (its pods run as non-root, no privilege escalation, capabilities dropped,
 * RuntimeDefault seccomp); the release's record is kept in kube-system.
 *
 * @see https://operator-framework.github.io/operator-controller/
 * @see https://github.com/operator-framework/operator-controller/tree/main/helm
 */
import { z } from "zod";
import { VENDORED_CHARTS } from "../versions";
import { PodSecurityLevel } from "../kubernetes/pod-security-namespace";
import { defineComponent } from "./component";

export const OLM_NAMESPACE = "olmv1-system";
/** The Pod Security level the chart labels its namespace with (the chart proof checks the render, the apply proof that it is enforced). */
export const OLM_NAMESPACE_LEVEL: PodSecurityLevel = "restricted";
const IMAGES = { operatorController: "quay.io/operator-framework/operator-controller", catalogd: "quay.io/operator-framework/catalogd" } as const;

/** Memory its two controllers request, as the chart sets it. */
export const OLM_MEMORY_MIB = { operatorController: 64, catalogd: 200 } as const;

export function olmValues() {
  const tag = VENDORED_CHARTS.olmv1.version;
  return {
    options: {
      operatorController: { deployment: { image: `${IMAGES.operatorController}:${tag}` } },
      catalogd: { deployment: { image: `${IMAGES.catalogd}:${tag}` } },
      // The upstream overlay helm/cert-manager.yaml: webhook and serving certificates from cert-manager.
      certManager: { enabled: true },
    },
  };
}

export const olm = defineComponent({
  key: "olm",
  schema: z
    .strictObject({ enabled: z.boolean().default(false).describe("Install it (off by default).") })
    .prefault({})
    .describe("OLM v1 (operator-controller and catalogd): operators installed declaratively through ClusterExtension objects. Needs certManager."),
  needs: ["cert-manager"],
  releases: () => [{ id: "olm", name: "olmv1", chart: { localPath: VENDORED_CHARTS.olmv1.path }, values: olmValues() }],
  memoryRequests: () => [
    { component: "olm", workload: "operator-controller", memoryMiB: OLM_MEMORY_MIB.operatorController, placement: "cluster" },
    { component: "olm", workload: "catalogd", memoryMiB: OLM_MEMORY_MIB.catalogd, placement: "cluster" },
  ],
});
