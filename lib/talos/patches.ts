/**
 * Typed Talos machine-config patches for a node of a cluster, serialised once
 * to a multi-document YAML patch for `talos_machine_configuration`'s
 * `config_patches`. The tests validate every document against the JSON Schema
 * that Talos ships in its machinery module (schemas/talos/).
 *
 * Addresses, routes and DNS come from the VM's cloud-init (nocloud) drive;
 * the patches set what Talos cannot learn from it: install target (by disk
 * serial, lib/proxmox/disk-ids.ts), kubelet serving-certificate rotation (its
 * approver is a Helm release of the Cilium stack, installed before Cilium: a
 * Talos bootstrap manifest would be created once and never updated), CNI none
 * and no kube-proxy (Cilium replaces both), the cluster's own pod and service
 * ranges, KubePrism, which subnet kubelet and etcd advertise (never the VIP),
 * and the shared VIP on the control planes.
 *
 * @see https://docs.siderolabs.com/talos/v1.12/reference/configuration/
 * @see https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium
 */
import YAML from "yaml";

/** The v1alpha1 fields we patch (a partial `v1alpha1.Config`). */
export interface V1Alpha1Patch {
  readonly machine: {
    readonly install: { readonly disk: string; readonly image: string };
    readonly kubelet: { readonly nodeIP: { readonly validSubnets: readonly string[] }; readonly extraArgs: Readonly<Record<string, string>> };
    readonly features: {
      readonly kubePrism: { readonly enabled: boolean; readonly port: number };
      readonly kubernetesTalosAPIAccess?: {
        readonly enabled: boolean;
        readonly allowedRoles: readonly string[];
        readonly allowedKubernetesNamespaces: readonly string[];
      };
    };
    readonly nodeLabels?: Readonly<Record<string, string>>;
  };
  readonly cluster: {
    readonly network: { readonly cni: { readonly name: "none" }; readonly podSubnets: readonly string[]; readonly serviceSubnets: readonly string[] };
    readonly proxy: { readonly disabled: boolean };
    readonly etcd?: { readonly advertisedSubnets: readonly string[] };
    readonly apiServer?: { readonly certSANs: readonly string[] };
    readonly allowSchedulingOnControlPlanes?: boolean;
  };
}

interface Document<K extends string> {
  readonly apiVersion: "v1alpha1";
  readonly kind: K;
}
export interface LinkAliasConfig extends Document<"LinkAliasConfig"> {
  readonly name: string;
  readonly selector: { readonly match: string };
}
export interface HostnameConfig extends Document<"HostnameConfig"> {
  /**
   * "off": the generator already sets `auto: stable`, the patch merges next
   * to it, and Talos refuses a config with both `auto` and `hostname`.
   */
  readonly auto: "off";
  readonly hostname: string;
}
export interface Layer2VipConfig extends Document<"Layer2VIPConfig"> {
  readonly name: string;
  readonly link: string;
}

export type PatchDocument = V1Alpha1Patch | LinkAliasConfig | HostnameConfig | Layer2VipConfig;

export interface NodePatchProps {
  readonly role: "controlplane" | "worker";
  readonly hostname: string;
  /** Disk Talos installs to. */
  readonly installDisk: string;
  /** Installer image (Image Factory, with the cluster's extensions). */
  readonly installerImage: string;
  readonly nodeSubnet: string;
  readonly podSubnet: string;
  readonly serviceSubnet: string;
  /** Shared API VIP (control planes announce it). @default - none */
  readonly vip?: string;
  /** Extra API server certificate SANs (control planes): the endpoint host and every control plane IP. */
  readonly apiServerSans: readonly string[];
  /** Let workloads run on control planes (a cluster without workers). */
  readonly scheduleOnControlPlanes: boolean;
  /** Labels Talos keeps on the node (the Proxmox CSI plugin's topology). @default - none */
  readonly nodeLabels?: Readonly<Record<string, string>>;
  /**
   * Talos API access from Kubernetes pods (`machine.features.kubernetesTalosAPIAccess`):
   * the Talos roles pods may be granted, and the namespaces they may ask from
   * (the etcd backup CronJob). Patched on control planes only: Talos'
   * `Validate` refuses the feature on a worker (talos v1.13.9
   * pkg/machinery/config/types/v1alpha1/v1alpha1_validation.go).
   * @default - off
   */
  readonly talosApiAccess?: { readonly roles: readonly string[]; readonly namespaces: readonly string[] };
}

/** The cluster's one NIC, by driver: Proxmox gives each VM a single virtio NIC. */
export const NIC_ALIAS = "net0";
/** KubePrism, which Cilium uses to reach the API before any CNI exists. */
export const KUBEPRISM_PORT = 7445;

export function nodePatchDocuments(props: NodePatchProps): PatchDocument[] {
  const cp = props.role === "controlplane";
  const v1alpha1: V1Alpha1Patch = {
    machine: {
      install: { disk: props.installDisk, image: props.installerImage },
      // Serving certificates signed by the cluster CA, so clients (metrics, the
      // OTel collector) verify kubelets instead of skipping TLS verification.
      kubelet: { nodeIP: { validSubnets: [props.nodeSubnet] }, extraArgs: { "rotate-server-certificates": "true" } },
      features: {
        kubePrism: { enabled: true, port: KUBEPRISM_PORT },
        ...(cp && props.talosApiAccess
          ? {
              kubernetesTalosAPIAccess: {
                enabled: true,
                allowedRoles: [...props.talosApiAccess.roles],
                allowedKubernetesNamespaces: [...props.talosApiAccess.namespaces],
              },
            }
          : {}),
      },
      ...(props.nodeLabels ? { nodeLabels: props.nodeLabels } : {}),
    },
    cluster: {
      network: { cni: { name: "none" }, podSubnets: [props.podSubnet], serviceSubnets: [props.serviceSubnet] },
      proxy: { disabled: true },
      ...(cp
        ? {
            // The VIP moves between control planes; etcd must advertise the node's own address.
            etcd: { advertisedSubnets: [props.nodeSubnet] },
            apiServer: { certSANs: [...props.apiServerSans] },
            ...(props.scheduleOnControlPlanes ? { allowSchedulingOnControlPlanes: true } : {}),
          }
        : {}),
    },
  };
  const docs: PatchDocument[] = [
    v1alpha1,
    { apiVersion: "v1alpha1", kind: "LinkAliasConfig", name: NIC_ALIAS, selector: { match: 'link.driver == "virtio_net"' } },
    { apiVersion: "v1alpha1", kind: "HostnameConfig", auto: "off", hostname: props.hostname },
  ];
  if (cp && props.vip) docs.push({ apiVersion: "v1alpha1", kind: "Layer2VIPConfig", name: props.vip, link: NIC_ALIAS });
  return docs;
}

/** One multi-document YAML patch, as `config_patches` takes it. */
export function toPatchYaml(docs: readonly PatchDocument[]): string {
  return docs.map((d) => YAML.stringify(d, { lineWidth: 0 })).join("---\n");
}
