// Global services (service.cilium.io/global): the annotation reaches a chart
// through a release's values intact (dotted key, string value), and the
// Cilium values keep what global services need. (That docs/operations.md
// shows a valid global Service: checks/docs.test.ts, npm run lint.)
import { meshPeers } from "../../stacks";
import { ciliumValues } from "../../lib/cilium/values";
import { parse, resolvedConfig, synthMeshStack } from "../helpers";

const GLOBAL = "service.cilium.io/global";

it("the annotation survives a release's values: the dotted key whole, the value a string, nothing passed as --set", () => {
  const config = resolvedConfig((c) => {
    c.clusters[0].platform = {
      extraReleases: [
        {
          name: "echo",
          repository: "https://charts.example.com/",
          chart: "echo",
          version: "1.0.0",
          namespace: "demo",
          values: { service: { annotations: { [GLOBAL]: "true", "service.cilium.io/affinity": "local" } } },
        },
      ],
    };
  });
  const json = parse(synthMeshStack(config, "talos-east-platform"));
  const release = Object.values(json.resource.helm_release).find((r: any) => r.name === "echo") as any;
  expect(release.set).toBeUndefined();
  expect(JSON.parse(release.values[0]).service.annotations).toEqual({ [GLOBAL]: "true", "service.cilium.io/affinity": "local" });
});

it("the Cilium values keep what global services need: ClusterMesh through the apiserver, peers listed, kube-proxy replacement", () => {
  const config = resolvedConfig();
  const v = ciliumValues({
    clusterName: "talos-east",
    clusterId: 1,
    hubble: true,
    chartVersion: "1.19.6",
    apiserverNodePort: 32379,
    apiserverReplicas: 2,
    peers: meshPeers(config, "talos-east"),
  });
  expect(v.clustermesh.useAPIServer).toBe(true);
  expect(v.clustermesh.config.enabled).toBe(true);
  expect(v.clustermesh.config.clusters.map((c) => c.name)).toEqual(["talos-west"]);
  expect(v.kubeProxyReplacement).toBe(true);
});
