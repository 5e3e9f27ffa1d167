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
import { SecretRef } from "../config/schema-parts";
import { PodSecurityLevel } from "../kubernetes/pod-security-namespace";
import { ChartName } from "../versions";
import type { MemoryRequest } from "./capacity";

/** One Helm release of a component. */
export interface ComponentRelease {
  /** Construct id in the platform stack: a state address, renaming it replaces the release. */
  readonly id: string;
  /** Helm release name. */
  readonly name: string;
  readonly chart: ChartName;
  /** Typed values, serialised once. @default - chart defaults */
  readonly values?: object;
  /** Values that are secrets, by dotted chart key. @default - none */
  readonly secretValues?: Readonly<Record<string, { readonly ref: SecretRef; readonly description: string }>>;
  /** @default - 600 */
  readonly timeoutSeconds?: number;
  /** Id of a release of the same component this one waits for. @default - none */
  readonly after?: string;
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

/** What the cluster tells a component. */
export interface ComponentContext {
  readonly clusterName: string;
  readonly workerCount: number;
}

export interface PlatformComponent<K extends string, S extends z.ZodType<{ enabled: boolean }>> {
  /** Its key under `clusters[].platform`. */
  readonly key: K;
  /** Its config part (with `enabled`), defaults filled in. */
  readonly schema: S;
  /**
   * Its namespace, created with this Pod Security level.
   * @default - kube-system (Talos runs it privileged already)
   */
  readonly namespace?: { readonly name: string; readonly level: PodSecurityLevel };
  releases(config: z.output<S>, ctx: ComponentContext): ComponentRelease[];
  /** @default - none */
  kubernetesSecrets?(config: z.output<S>): ComponentSecret[];
  /** Memory its pods request (lib/platform/capacity.ts), given the cluster's storage nodes. */
  memoryRequests(config: z.output<S>, storageNodes: number): MemoryRequest[];
}

/** Declares a component, keeping its config type. */
export function defineComponent<K extends string, S extends z.ZodType<{ enabled: boolean }>>(c: PlatformComponent<K, S>): PlatformComponent<K, S> {
  return c;
}
