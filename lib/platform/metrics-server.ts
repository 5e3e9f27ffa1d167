/**
 * metrics-server: the resource metrics API (`kubectl top`, autoscalers). It
 * scrapes kubelets with TLS verified, which the Talos patches make possible
 * (kubelet serving-certificate rotation and its approver), so the chart's
 * defaults stand: no `--kubelet-insecure-tls`.
 *
 * @see https://github.com/kubernetes-sigs/metrics-server/tree/master/charts/metrics-server
 * @see https://docs.siderolabs.com/kubernetes-guides/monitoring-and-observability/deploy-metrics-server
 */
import { toggle } from "../schema-parts";
import { defineComponent } from "./component";

export const metricsServer = defineComponent({
  key: "metricsServer",
  schema: toggle("metrics-server, the resource metrics API (kubectl top, autoscalers), in kube-system."),
  releases: () => [{ id: "metrics-server", name: "metrics-server", chart: "metricsServer" }],
  // The chart's default request (values.yaml `resources.requests`).
  memoryRequests: () => [{ component: "metrics-server", workload: "metrics-server", memoryMiB: 200, placement: "cluster" }],
});
