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

it("refuses a write-only value inside a list, which the helm provider would merge by replacing the whole list", () => {
  expect(() =>
    Testing.synthScope((scope) => {
      new ChartRelease(scope, "robusta", {
        name: "robusta",
        chart: CHARTS.robusta,
        namespace: "robusta",
        values: { sinksConfig: [{ robusta_sink: { name: "robusta_ui_sink" } }] },
        sensitiveValues: { "globalConfig.account_id": "a", "sinksConfig[0].robusta_sink.token": "t" },
      });
    }),
  ).toThrow(
    "robusta.sensitiveValues.sinksConfig[0].robusta_sink.token: the write-only value sinksConfig[0].robusta_sink.token sits inside a list: the helm provider merges write-only values map by map and replaces a list whole, so the list would keep only this value. Fix: give the secret through a Kubernetes Secret the chart reads (a file or an environment variable from secretKeyRef), or a key of a map",
  );
});
