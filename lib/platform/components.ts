/**
 * Every day-2 component, in install order. A new component is a file in this
 * folder (see component.ts) and one line here; the config schema, the
 * platform stack, the capacity check and the namespace rules all read this list.
 */
import { z } from "zod";
import { Capability, ComponentContext, ComponentRelease, ComponentSecret, MemoryRequest, ProxmoxApi } from "./component";
import { PodSecurityLevel } from "../kubernetes/pod-security-namespace";
import { certManager } from "./cert-manager";
import { etcdBackup } from "./etcd-backup";
import { gateway } from "./gateway";
import { kubescape } from "./kubescape";
import { olm } from "./olm";
import { proxmoxCsi } from "./proxmox-csi";
import { metricsServer } from "./metrics-server";
import { openTelemetry } from "./opentelemetry";
import { robusta } from "./robusta";
import { rookCeph } from "./rook-ceph";
import { tetragon } from "./tetragon";

export const PLATFORM_COMPONENTS = [
  tetragon,
  certManager,
  rookCeph,
  proxmoxCsi,
  gateway,
  openTelemetry,
  robusta,
  kubescape,
  metricsServer,
  olm,
  etcdBackup,
] as const;

type Component = (typeof PLATFORM_COMPONENTS)[number];

/** Each component's config part by its key, for `clusters[].platform`. */
export const PLATFORM_COMPONENT_SCHEMAS = Object.fromEntries(PLATFORM_COMPONENTS.map((c) => [c.key, c.schema])) as {
  readonly [C in Component as C["key"]]: C["schema"];
};

/** Every component's config part, as `clusters[].platform` holds them after parsing. */
export type PlatformComponentsConfig = { readonly [C in Component as C["key"]]: z.output<C["schema"]> };

/** A component switched on, bound to its own config part. */
export interface EnabledComponent {
  readonly key: Component["key"];
  /** What it offers the components after it. */
  readonly provides: readonly Capability[];
  /** What it is installed after. */
  readonly needs: readonly Capability[];
  /** @default - kube-system */
  readonly namespace?: { readonly name: string; readonly level: PodSecurityLevel };
  /** CRDs installed outside the platform that its releases need Established first. */
  readonly externalCrds: readonly string[];
  releases(ctx: ComponentContext): ComponentRelease[];
  kubernetesSecrets(ctx: ComponentContext): ComponentSecret[];
  memoryRequests(storageNodes: number): MemoryRequest[];
}

/** The components `platform` switches on, in install order, each with its config part. */
export function enabledComponents(platform: PlatformComponentsConfig): EnabledComponent[] {
  return PLATFORM_COMPONENTS.flatMap((c): EnabledComponent[] => {
    // The list is heterogeneous: TypeScript cannot pair c with platform[c.key], which the mapped type above guarantees.
    const component = c as unknown as Omit<Component, "releases" | "kubernetesSecrets" | "memoryRequests"> & {
      releases(config: unknown, ctx: ComponentContext): ComponentRelease[];
      kubernetesSecrets?(config: unknown, ctx: ComponentContext): ComponentSecret[];
      memoryRequests(config: unknown, storageNodes: number): MemoryRequest[];
    };
    const config = platform[c.key];
    if (!isEnabled(platform, c.key)) return [];
    return [
      {
        key: c.key,
        provides: component.provides ?? [],
        needs: component.needs ?? [],
        namespace: component.namespace,
        externalCrds: component.externalCrds ?? [],
        releases: (ctx) => component.releases(config, ctx),
        kubernetesSecrets: (ctx) => component.kubernetesSecrets?.(config, ctx) ?? [],
        memoryRequests: (storageNodes) => component.memoryRequests(config, storageNodes),
      },
    ];
  });
}

/** Whether a component is on: as the config says, else its default given the others (on, unless it says otherwise). */
export function isEnabled(platform: PlatformComponentsConfig, key: Component["key"]): boolean {
  const c: { enabledByDefault?(p: { readonly [key: string]: unknown }): boolean } = PLATFORM_COMPONENTS.find((x) => x.key === key)!;
  return (platform[key] as { enabled?: boolean }).enabled ?? c.enabledByDefault?.(platform) ?? true;
}

/** What a cluster tells its components (the platform stack and the tools that read what it installs share this). */
export function componentContext(
  cluster: { readonly name: string; readonly workers: { readonly nodes: readonly unknown[] }; readonly platform: PlatformComponentsConfig },
  proxmox: readonly ProxmoxApi[],
): ComponentContext {
  return {
    clusterName: cluster.name,
    workerCount: cluster.workers.nodes.length,
    enabled: new Set<string>(enabledComponents(cluster.platform).map((c) => c.key)),
    proxmox: proxmox.map((p) => ({ key: p.key, endpoint: p.endpoint, insecure: p.insecure })),
  };
}
