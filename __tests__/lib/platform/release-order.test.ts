// A release's `after` is the release it waits for, never a name: a typo does not compile, and one not listed before it is refused.
import { PropsError } from "../../../lib/errors";
import { ComponentRelease, releasesInOrder } from "../../../lib/platform/component";
import { PLATFORM_COMPONENTS, enabledComponents } from "../../../lib/platform/components";
import { MeshConfigSchema } from "../../../lib/config/schema";
import { defaultInput } from "../../helpers";

const operator: ComponentRelease = { id: "op", name: "op", chart: "rookCeph" };
const cluster: ComponentRelease = { id: "cr", name: "cr", chart: "rookCephCluster", after: operator };

describe("release order", () => {
  it("keeps releases that wait for one listed before them", () => {
    expect(releasesInOrder("x", [operator, cluster])).toEqual([operator, cluster]);
  });

  it("refuses a release that waits for one listed after it, or for one of another list", () => {
    expect(() => releasesInOrder("x", [cluster, operator])).toThrow(PropsError);
    expect(() => releasesInOrder("x", [cluster, operator])).toThrow(
      "x.releases.cr: release cr waits for release op, which is not listed before it in x's releases. Fix: list op before cr in the same component's releases, and pass that release object as after",
    );
    // Equal by value is not the same release: only the object itself orders.
    expect(() => releasesInOrder("x", [{ ...operator }, cluster])).toThrow(PropsError);
  });

  it("takes no name: a string after does not compile", () => {
    // @ts-expect-error -- `after` is a ComponentRelease, so `after: "op"` (and any typo of it) is a type error.
    const byName: ComponentRelease = { id: "cr", name: "cr", chart: "rookCephCluster", after: "op" };
    expect(byName.after).toBe("op");
  });

  it("every component's releases pass, with every component on", () => {
    // The schema only: the config rules would refuse some components switched on with nothing else set (etcd backups without a bucket).
    const input = defaultInput();
    for (const k of PLATFORM_COMPONENTS.map((p) => p.key)) (input.clusters[0].platform as Record<string, unknown>)[k] = { enabled: true };
    const config = MeshConfigSchema.parse(input);
    const ctx = { clusterName: "c", workerCount: 3, enabled: new Set<string>(), proxmox: [{ key: "default", endpoint: "https://pve:8006/", insecure: false }] };
    const checked = enabledComponents(config.clusters[0].platform).map((c) =>
      releasesInOrder(c.key, c.releases(ctx))
        .filter((r) => r.after)
        .map((r) => [r.id, r.after!.id]),
    );
    expect(checked.flat()).toEqual([
      ["cluster-issuer", "cert-manager"],
      ["rook-ceph-cluster", "rook-ceph"],
    ]);
  });
});
