// Which capacity-table component (lib/platform/capacity.ts) each Helm release
// of a cluster counts under, for the chart proof's comparison of what the
// charts render with the table. Read from the registries that make the
// releases, so a new component or Cilium stack release needs no edit here:
// the Cilium stack's (lib/cilium/releases.ts, each naming its row) and each
// enabled day-2 component's (lib/platform/components.ts), whose releases count
// under the row its own memory requests name.
import { CILIUM_STACK_CAPACITY, CILIUM_STACK_RELEASES, CiliumStackRelease, ciliumStackReleases } from "../../lib/cilium/releases";
import { ClusterConfig, MeshConfig } from "../../lib/config/schema";
import { PropsError } from "../../lib/errors";
import { ComponentContext, ComponentRelease, MemoryRequest } from "../../lib/platform/component";
import { componentContext, enabledComponents } from "../../lib/platform/components";
import { clusterConnections } from "../../lib/proxmox/connections";
import { ciliumStackSwitches } from "../../stacks";
import { ClusterStackKind } from "../../stacks/naming";

/** One release a cluster's stacks install, and the capacity-table component its pods count under. */
export interface ReleaseComponent {
  /** The kind of the cluster's stack that installs it (`<cluster>-<stack>`). */
  readonly stack: Extract<ClusterStackKind, "cilium" | "platform">;
  /** Helm release name. */
  readonly release: string;
  /** The `component` of its rows in the capacity table. */
  readonly component: string;
}

/** What the mapping reads of a day-2 component (an enabled one of lib/platform/components.ts is one). */
export interface MappedComponent {
  readonly key: string;
  releases(ctx: ComponentContext): readonly Pick<ComponentRelease, "name">[];
  memoryRequests(storageNodes: number): readonly MemoryRequest[];
}

/**
 * The capacity-table component of a day-2 component: the one its memory
 * requests name. One that requests nothing has no row; its key stands in, and
 * the proof then holds its renders to requesting nothing (the gateway).
 */
export function capacityComponentOf(c: Pick<MappedComponent, "key" | "memoryRequests">, storageNodes: number): string {
  const names = [...new Set(c.memoryRequests(storageNodes).map((r) => r.component))];
  if (names.length > 1)
    throw new PropsError({
      path: `platform.${c.key}`,
      message: `its memory requests name ${names.length} capacity-table components (${names.join(", ")}), so its releases' rendered requests cannot be compared with one of them`,
      fix: `give every row of ${c.key}'s memoryRequests the same component, or split it into two components`,
    });
  return names[0] ?? c.key;
}

/** The releases of these day-2 components (their order), each with its component's capacity-table component. */
export function platformReleaseComponents(components: readonly MappedComponent[], ctx: ComponentContext, storageNodes: number): ReleaseComponent[] {
  return components.flatMap((c) => {
    const component = capacityComponentOf(c, storageNodes);
    return c.releases(ctx).map((r) => ({ stack: "platform" as const, release: r.name, component }));
  });
}

/** The Cilium stack's releases, each with the capacity-table component lib/cilium/releases.ts gives it. */
export function ciliumReleaseComponents(releases: readonly CiliumStackRelease[]): ReleaseComponent[] {
  const keys = Object.keys(CILIUM_STACK_RELEASES) as (keyof typeof CILIUM_STACK_RELEASES)[];
  return releases.map((r) => {
    const key = keys.find((k) => CILIUM_STACK_RELEASES[k].name === r.name);
    if (key === undefined)
      throw new PropsError({
        path: `cilium.releases.${r.name}`,
        message: `release ${r.name} is not one of CILIUM_STACK_RELEASES (${keys.map((k) => CILIUM_STACK_RELEASES[k].name).join(", ")})`,
        fix: "add it to CILIUM_STACK_RELEASES and CILIUM_STACK_CAPACITY in lib/cilium/releases.ts",
      });
    return { stack: "cilium" as const, release: r.name, component: CILIUM_STACK_CAPACITY[key] };
  });
}

/**
 * Every release a cluster's Cilium and platform stacks install from the
 * registries, with its capacity-table component. The config's extra releases
 * belong to no component: a rendered one finds no entry here.
 */
export function releaseComponents(cluster: ClusterConfig, proxmox: MeshConfig["proxmox"]): ReleaseComponent[] {
  // As the capacity check counts them (lib/platform/capacity.ts capacityFindings).
  const storageNodes = cluster.platform.rookCeph.enabled ? cluster.workers.nodes.length : 0;
  return [
    ...ciliumReleaseComponents(ciliumStackReleases(ciliumStackSwitches(cluster))),
    ...platformReleaseComponents(enabledComponents(cluster.platform), componentContext(cluster, clusterConnections(proxmox, cluster)), storageNodes),
  ];
}
