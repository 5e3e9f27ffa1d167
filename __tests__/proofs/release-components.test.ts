import * as path from "path";
import { CILIUM_STACK_RELEASES } from "../../lib/cilium/releases";
import { loadConfig } from "../../lib/config/load";
import { ComponentContext } from "../../lib/platform/component";
import { everyComponentOn, memoryRequests } from "../../lib/platform/capacity";
import { ciliumReleaseComponents, platformReleaseComponents, releaseComponents } from "../../proofs/lib/release-components";
import { expectedReleases } from "../../tools/status";

const root = path.join(__dirname, "..", "..");
// The meshes the chart proof renders: between them every release the stacks can install.
const CONFIGS = ["", "examples/three-clusters.yaml", "examples/two-hosts.yaml"].map(
  (f) => loadConfig({ env: { AGGRIK8S_CONFIG: f && path.join(root, f) }, cwd: root }).config,
);
const CTX: ComponentContext = { clusterName: "c", workerCount: 3, enabled: new Set(), proxmox: [] };

describe("the chart proof's capacity-table component of each release, from the registries", () => {
  it("maps every release of the rendered meshes as the hand-written table did", () => {
    const mapped = new Map(CONFIGS.flatMap((c) => c.clusters.flatMap((cl) => releaseComponents(cl, c.proxmox))).map((r) => [r.release, r.component]));
    expect(Object.fromEntries([...mapped].sort())).toEqual({
      cilium: "cilium",
      "cilium-lb-ipam": "cilium",
      "gateway-api-crds": "cilium",
      "kubelet-serving-cert-approver": "kubelet-serving-cert-approver",
      tetragon: "tetragon",
      "rook-ceph": "rook-ceph",
      "rook-ceph-cluster": "rook-ceph",
      "opentelemetry-collector": "opentelemetry-collector",
      robusta: "robusta",
      kubescape: "kubescape",
      "metrics-server": "metrics-server",
      "cert-manager": "cert-manager",
      "cluster-issuer": "cert-manager",
      gateway: "gateway",
      "proxmox-csi-plugin": "proxmox-csi",
      olmv1: "olm",
      "etcd-backup": "etcd-backup",
    });
  });

  it("covers exactly the releases npm run status expects of each cluster (extra releases belong to no component)", () => {
    for (const c of CONFIGS)
      for (const cl of c.clusters) {
        const want = expectedReleases(cl, c.proxmox).filter((r) => !cl.platform.extraReleases.some((x) => x.name === r.name));
        expect(releaseComponents(cl, c.proxmox).map((r) => `${r.stack}/${r.release}`)).toEqual(want.map((r) => `${r.stack}/${r.name}`));
      }
  });

  it("names only components the capacity table has, or (the gateway) one whose pods request nothing", () => {
    const rows = new Set(memoryRequests(everyComponentOn(), 3).map((r) => r.component));
    const components = new Set(CONFIGS.flatMap((c) => c.clusters.flatMap((cl) => releaseComponents(cl, c.proxmox))).map((r) => r.component));
    expect([...components].filter((c) => !rows.has(c))).toEqual(["gateway"]);
    expect(ciliumReleaseComponents(Object.values(CILIUM_STACK_RELEASES)).every((r) => rows.has(r.component))).toBe(true);
  });

  it("maps a new component's releases to the component its memory requests name, with no edit to the proof", () => {
    const foo = {
      key: "foo",
      releases: () => [
        { id: "foo-operator", name: "foo-operator", chart: { localPath: "charts/foo" } },
        { id: "foo-cluster", name: "foo-cluster", chart: { localPath: "charts/foo-cluster" } },
      ],
      memoryRequests: () => [
        { component: "foo-system", workload: "operator", memoryMiB: 64, placement: "cluster" as const },
        { component: "foo-system", workload: "agent", memoryMiB: 32, placement: "every-node" as const },
      ],
    };
    const quiet = { key: "quiet", releases: () => [{ id: "quiet", name: "quiet-objects", chart: { localPath: "charts/objects" } }], memoryRequests: () => [] };
    expect(platformReleaseComponents([foo, quiet], CTX, 0)).toEqual([
      { stack: "platform", release: "foo-operator", component: "foo-system" },
      { stack: "platform", release: "foo-cluster", component: "foo-system" },
      { stack: "platform", release: "quiet-objects", component: "quiet" },
    ]);
  });

  it("refuses a component whose requests name two table components, and a Cilium stack release not in the registry", () => {
    const split = {
      key: "split",
      releases: () => [],
      memoryRequests: () => [
        { component: "split-a", workload: "a", memoryMiB: 1, placement: "cluster" as const },
        { component: "split-b", workload: "b", memoryMiB: 1, placement: "cluster" as const },
      ],
    };
    expect(() => platformReleaseComponents([split], CTX, 0)).toThrow(
      "platform.split: its memory requests name 2 capacity-table components (split-a, split-b), so its releases' rendered requests cannot be compared with one of them. Fix: give every row of split's memoryRequests the same component, or split it into two components",
    );
    expect(() => ciliumReleaseComponents([{ name: "hubble-ui", namespace: "kube-system" }])).toThrow(
      "cilium.releases.hubble-ui: release hubble-ui is not one of CILIUM_STACK_RELEASES (kubelet-serving-cert-approver, gateway-api-crds, cilium, cilium-lb-ipam). Fix: add it to CILIUM_STACK_RELEASES and CILIUM_STACK_CAPACITY in lib/cilium/releases.ts",
    );
  });
});
