import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { NullProvider } from "@cdktf/provider-null/lib/provider";
import { ApplyGate } from "../lib/gates/apply-gate";
import { Construct } from "constructs";
import { DopplerSettings } from "../lib/doppler/access";
import { ClusterCredentials, KubernetesAccess } from "../lib/kubernetes/credentials";
import { ChartRelease } from "../lib/helm/chart-release";
import { ChartSource } from "../lib/helm/chart-source";
import { PodSecurityLevel, PodSecurityNamespaces } from "../lib/kubernetes/pod-security-namespace";
import { Fn, ITerraformDependable, Token } from "cdktf";
import { Capability, ComponentRelease, ProxmoxApi, releasesInOrder } from "../lib/platform/component";
import { PlatformComponentsConfig, componentContext, enabledComponents } from "../lib/platform/components";
import { SecretRef } from "../lib/schema-parts";
import { StackSecrets } from "../lib/secrets/stack-secrets";
import { CHARTS } from "../lib/versions";
import { Aggrik8sStack, Aggrik8sStackProps } from "./base";

/** A Helm release the config adds with no code (`platform.extraReleases`). */
export interface ExtraRelease {
  /** Helm release name, unique in the cluster; its construct id is `extra-<name>`. */
  readonly name: string;
  /** Chart repository URL. */
  readonly repository: string;
  readonly chart: string;
  /** Exact chart version. */
  readonly version: string;
  /** Its namespace, created at `podSecurity`. */
  readonly namespace: string;
  readonly podSecurity: PodSecurityLevel;
  readonly values: Readonly<Record<string, unknown>>;
  /** Values that are secrets, by dotted chart key. */
  readonly secretValues: Readonly<Record<string, SecretRef>>;
}

export interface PlatformStackProps extends Aggrik8sStackProps {
  readonly clusterName: string;
  /** Workers with a Ceph disk: Rook's storage nodes. */
  readonly workerCount: number;
  /** The cluster's `platform` config: which components, with which settings. */
  readonly platform: PlatformComponentsConfig & { readonly extraReleases: readonly ExtraRelease[] };
  /** From the cluster's Talos stack (cross-stack references). */
  readonly credentials: ClusterCredentials;
  /** Every Proxmox API serving a node of the cluster (the CSI plugin talks to each). @default - none */
  readonly proxmox?: readonly ProxmoxApi[];
  /** Doppler, for `{doppler: NAME}` secrets. @default - none */
  readonly doppler?: DopplerSettings;
  /** Where every release's chart comes from. @default - each chart's own repository */
  readonly chartSource?: ChartSource;
}

/**
 * The day-2 platform of one cluster: every component of
 * lib/platform/components.ts the config switches on, each in its namespace
 * (created at its Pod Security level), with its Kubernetes secrets and Helm
 * releases, then the config's extra releases. A component that needs a
 * capability (cert-manager, a default StorageClass) waits for every release
 * of the components before it that provide it. Deployed after the cluster's
 * Cilium stack, so pods have a network.
 */
export class PlatformStack extends Aggrik8sStack {
  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    new KubernetesAccess(this, "access", { credentials: props.credentials });
    const secrets = new StackSecrets(this, "secrets", { doppler: props.doppler });
    const namespaces = new PodSecurityNamespaces(this, "namespaces");
    const components = enabledComponents(props.platform);
    const ctx = componentContext(
      { name: props.clusterName, workers: { nodes: Array.from({ length: props.workerCount }) }, platform: props.platform },
      props.proxmox ?? [],
    );
    const providers = new Map<Capability, ITerraformDependable[]>();
    // The gates (null_resource) need the null provider; only a stack with a gate has it.
    if (components.some((c) => c.externalCrds.length)) new NullProvider(this, "null");
    // Every namespace first (components' in install order, then the extra releases'), so reading one below creates nothing.
    for (const c of components) if (c.namespace) namespaces.add(c.namespace.name, c.namespace.level);
    for (const r of props.platform.extraReleases) namespaces.add(r.namespace, r.podSecurity);

    for (const component of components) {
      const namespace = component.namespace ? namespaces.nameOf(component.namespace.name) : "kube-system";
      const waitFor: ITerraformDependable[] = [
        ...component.needs.flatMap((need) => {
          const by = providers.get(need);
          // The componentNeeds config rule refuses such a cluster before synth gets here.
          if (!by) throw new Error(`${component.key} needs ${need}, which no component before it provides`);
          return by;
        }),
        // CRDs another party installs (Talos): served as Established before any release creates their objects.
        ...(component.externalCrds.length
          ? [
              new ApplyGate(this, `${component.key}-crds`, {
                check: "crds-established",
                credentials: props.credentials,
                crds: component.externalCrds,
                triggers: {},
                dependsOn: [],
                timeoutSeconds: 600,
              }).gate,
            ]
          : []),
        ...component.kubernetesSecrets(ctx).map((s) => {
          const value = secrets.value(s.ref, s.description);
          // Write-only: the value never enters state. The revision, a 48-bit prefix of its SHA-256, rewrites the secret when the value changes.
          return new SecretV1(this, s.id, {
            metadata: { name: s.name, namespace },
            dataWo: { [s.key]: value },
            dataWoRevision: Token.asNumber(Fn.parseint(Fn.substr(Fn.sha256(value), 0, 12), 16)),
          });
        }),
      ];
      const installed = new Map<ComponentRelease, ChartRelease>();
      for (const r of releasesInOrder(component.key, component.releases(ctx))) {
        const after = r.after ? installed.get(r.after) : undefined;
        installed.set(
          r,
          new ChartRelease(this, r.id, {
            name: r.name,
            chart: typeof r.chart === "string" ? CHARTS[r.chart] : r.chart,
            chartSource: props.chartSource,
            namespace,
            values: r.values,
            sensitiveValues: r.secretValues
              ? Object.fromEntries(Object.entries(r.secretValues).map(([key, s]) => [key, secrets.value(s.ref, s.description)]))
              : undefined,
            timeoutSeconds: r.timeoutSeconds,
            dependsOn: after ? [after.release] : waitFor.length ? waitFor : undefined,
          }),
        );
      }
      for (const capability of component.provides)
        providers.set(capability, [...(providers.get(capability) ?? []), ...[...installed.values()].map((c) => c.release)]);
    }

    props.platform.extraReleases.forEach((r) => {
      new ChartRelease(this, `extra-${r.name}`, {
        name: r.name,
        chart: { repository: r.repository, chart: r.chart, version: r.version },
        chartSource: props.chartSource,
        namespace: namespaces.nameOf(r.namespace),
        values: r.values,
        sensitiveValues: Object.fromEntries(Object.entries(r.secretValues).map(([key, ref]) => [key, secrets.value(ref, `${r.name} ${key}`)])),
      });
    });
  }
}
