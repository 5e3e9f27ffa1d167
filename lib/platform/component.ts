/**
 * What a day-2 component is, as data: its config part, its namespace and Pod
 * Security level, its Helm releases (chart pin, values, secret values), the
 * Kubernetes secrets those read, and the memory it requests. The platform
 * stack installs every enabled component from this; the config rules and the
 * capacity check read it too. No cdktf here, so the config can load it.
 *
 * Adding a component: one file in this folder, exporting a
 * `defineComponent({...})`, and one line in components.ts.
 */
import { z } from "zod";
import { SecretRef } from "../schema-parts";
import { PropsError } from "../errors";
import { PodSecurityLevel } from "../kubernetes/pod-security-namespace";
import { ChartName } from "../versions";

/**
 * What a component offers the others once its releases are installed; a
 * component that `needs` one is installed after every enabled component that
 * `provides` it (an explicit dependency in the platform stack), and a config
 * rule refuses a cluster where nothing provides it.
 */
export const CAPABILITIES = {
  "cert-manager": "cert-manager (its CRDs and a ready webhook)",
  "default-storage-class": "a default StorageClass (a PersistentVolumeClaim without a class binds only through one)",
} as const;
export type Capability = keyof typeof CAPABILITIES;

/** A chart kept in this repository (not published anywhere): its folder, relative to the project root. */
export interface LocalChart {
  readonly localPath: string;
}

/** One Helm release of a component. */
export interface ComponentRelease {
  /** Construct id in the platform stack: a state address, renaming it replaces the release. */
  readonly id: string;
  /** Helm release name. */
  readonly name: string;
  /** A chart pinned in versions.json, or one kept in the repository (charts/). */
  readonly chart: ChartName | LocalChart;
  /** Typed values, serialised once. @default - chart defaults */
  readonly values?: object;
  /** Values that are secrets, by dotted chart key. @default - none */
  readonly secretValues?: Readonly<Record<string, { readonly ref: SecretRef; readonly description: string }>>;
  /** @default - 600 */
  readonly timeoutSeconds?: number;
  /**
   * A release of the same component this one waits for: the release itself,
   * listed before this one (a reference, so a typo cannot compile; one not
   * listed before it is refused by `releasesInOrder`). @default - none
   */
  readonly after?: ComponentRelease;
}

/**
 * A component's releases, each checked to wait only for a release listed
 * before it in the same component: one that names a release from elsewhere
 * (or a later one) would lose its ordering without a word, so it is refused.
 */
export function releasesInOrder(component: string, releases: readonly ComponentRelease[]): readonly ComponentRelease[] {
  releases.forEach((r, i) => {
    if (r.after && !releases.slice(0, i).includes(r.after))
      throw new PropsError({
        path: `${component}.releases.${r.id}`,
        message: `release ${r.id} waits for release ${r.after.id}, which is not listed before it in ${component}'s releases`,
        fix: `list ${r.after.id} before ${r.id} in the same component's releases, and pass that release object as after`,
      });
  });
  return releases;
}

/** A Kubernetes Secret a component's pods read a secret from; its releases wait for it. */
export interface ComponentSecret {
  /** Construct id in the platform stack. */
  readonly id: string;
  readonly name: string;
  readonly key: string;
  readonly ref: SecretRef;
  readonly description: string;
}

/** A Proxmox API as components see it (no token: each component has its own). */
export interface ProxmoxApi {
  /** `default` for proxmox.endpoint, else the host's name under proxmox.hosts. */
  readonly key: string;
  /** `https://host:8006/`. */
  readonly endpoint: string;
  readonly insecure: boolean;
}

/** What the cluster tells a component. */
export interface ComponentContext {
  readonly clusterName: string;
  readonly workerCount: number;
  /** Keys of the components switched on in this cluster. */
  readonly enabled: ReadonlySet<string>;
  /**
   * Every Proxmox API that serves a node of the cluster (lib/proxmox/connections.ts
   * `clusterConnections`), for components that talk to them (the CSI plugin):
   * `key` is `default` for proxmox.endpoint, else the host's name under proxmox.hosts.
   */
  readonly proxmox: readonly ProxmoxApi[];
}

export interface PlatformComponent<K extends string, S extends z.ZodType<{ enabled?: boolean }>> {
  /** Its key under `clusters[].platform`. */
  readonly key: K;
  /** Its config part (with `enabled`), defaults filled in. */
  readonly schema: S;
  /**
   * Its namespace, created with this Pod Security level.
   * @default - kube-system (Talos runs it privileged already)
   */
  readonly namespace?: { readonly name: string; readonly level: PodSecurityLevel };
  /**
   * Whether it is on when the config does not say (`enabled` left out), given
   * the cluster's other components. @default - on
   */
  enabledByDefault?(platform: { readonly [key: string]: unknown }): boolean;
  /** What it offers the components after it. @default - nothing */
  readonly provides?: readonly Capability[];
  /** What it must be installed after; a config rule refuses a cluster where no component provides it. @default - nothing */
  readonly needs?: readonly Capability[];
  /**
   * CRDs something outside the platform installs (Talos, from the machine
   * config) whose objects its releases create, `<plural>.<group>`: the
   * platform stack waits at apply until the API server serves each as
   * Established, then installs the releases.
   * @default - none
   */
  readonly externalCrds?: readonly string[];
  releases(config: z.output<S>, ctx: ComponentContext): ComponentRelease[];
  /** Secrets it reads from Kubernetes, created (write-only) before its releases. @default - none */
  kubernetesSecrets?(config: z.output<S>, ctx: ComponentContext): ComponentSecret[];
  /** Memory its pods request (lib/platform/capacity.ts), given the cluster's storage nodes. */
  memoryRequests(config: z.output<S>, storageNodes: number): MemoryRequest[];
}

/** Declares a component, keeping its config type. */
export function defineComponent<K extends string, S extends z.ZodType<{ enabled?: boolean }>>(c: PlatformComponent<K, S>): PlatformComponent<K, S> {
  return c;
}

/** Where a request lands. */
export type Placement =
  /** Once per cluster, on any schedulable node. */
  | "cluster"
  /** On every node (a DaemonSet). */
  | "every-node"
  /** On every worker that carries an OSD disk. */
  | "osd-node"
  /** On every control plane (Talos static pods). */
  | "control-plane";

export interface MemoryRequest {
  readonly component: string;
  readonly workload: string;
  readonly memoryMiB: number;
  readonly placement: Placement;
  /** Replicas of a `cluster` request. @default 1 */
  readonly replicas?: number;
}
