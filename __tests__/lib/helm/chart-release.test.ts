// Where a release's chart comes from: what the helm provider receives as
// repository and chart for each chart source.
import { Testing } from "cdktf";
import { ChartRelease } from "../../../lib/helm/chart-release";
import { ChartSource } from "../../../lib/helm/chart-source";
import { CHARTS } from "../../../lib/versions";

function release(chartSource?: ChartSource) {
  const json = JSON.parse(
    Testing.synthScope((scope) => {
      new ChartRelease(scope, "rook", { name: "rook-ceph", chart: CHARTS.rookCeph, namespace: "rook-ceph", chartSource });
    }),
  );
  return Object.values(json.resource.helm_release)[0] as Record<string, unknown>;
}

it("takes each chart from its own repository by default", () => {
  expect(release()).toMatchObject({ repository: "https://charts.rook.io/release", chart: "rook-ceph", version: "v1.19.10" });
});

it("takes every chart from one OCI registry, by chart name", () => {
  const r = release({ kind: "oci", registry: "oci://harbor.lab.internal/charts/" });
  expect(r).toMatchObject({ repository: "oci://harbor.lab.internal/charts", chart: "rook-ceph", version: "v1.19.10" });
});

it("takes a packaged chart from a local directory, as the engine's working directory sees it", () => {
  const r = release({ kind: "dir", dir: "charts" });
  expect(r.repository).toBeUndefined();
  // The engine runs in <output>/stacks/<stack>/: three levels below the project.
  expect(r).toMatchObject({ chart: "../../../charts/rook-ceph-v1.19.10.tgz", version: "v1.19.10" });
});

it("keeps an absolute chart directory as it is", () => {
  expect(release({ kind: "dir", dir: "/srv/charts" })).toMatchObject({ chart: "/srv/charts/rook-ceph-v1.19.10.tgz" });
});
