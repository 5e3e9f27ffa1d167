import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import ipaddr from "ipaddr.js";
import { ProxmoxProvider } from "../.gen/providers/proxmox/provider";
import { TalosProvider } from "../.gen/providers/talos/provider";
import { PropsError } from "../lib/errors";
import { PROXMOX_TOKEN_ENV, ProxmoxApis, ProxmoxConnection, proxmoxConnection } from "../lib/proxmox/connections";
import { IsoTransfer, TalosIso } from "../lib/proxmox/talos-iso";
import { TalosVm } from "../lib/proxmox/talos-vm";
import { DopplerSettings } from "../lib/doppler/access";
import { StackSecrets } from "../lib/secrets/stack-secrets";
import { QEMU_GUEST_AGENT } from "../lib/talos/factory";
import { TalosImage } from "../lib/talos/image";
import { Aggrik8sStack, Aggrik8sStackProps } from "./base";

/** When Proxmox starts each role on boot: control planes first, so etcd has quorum before the workers' kubelets return. */
const STARTUP = { controlplane: { order: 1, upDelaySeconds: 30 }, worker: { order: 2, upDelaySeconds: 0 } } as const;

/** One node's VM. */
export interface VmNode {
  /** The node's name: the VM's name and its construct id (a state address). */
  readonly name: string;
  readonly vmId: number;
  /** The Proxmox node it runs on. */
  readonly proxmoxNode: string;
  /** Its static IPv4 address, inside the node subnet. */
  readonly ip: string;
  readonly cores: number;
  readonly memoryGiB: number;
}

/** The VMs of one role, and what they share. */
export interface VmPool {
  readonly cpuType: string;
  readonly datastore: string;
  /** The OS disk. */
  readonly diskSizeGiB: number;
  /** Extra empty disks of each VM (a Ceph OSD's). */
  readonly extraDisksGiB: readonly number[];
  readonly nodes: readonly VmNode[];
}

/** The node network every VM of the cluster is on. */
export interface VmNetwork {
  readonly bridge: string;
  /** @default - untagged */
  readonly vlanId?: number;
  /** The nodes' subnet, a CIDR: its prefix length goes on every VM's address. */
  readonly nodeSubnet: string;
  readonly gateway: string;
  readonly dnsServers: readonly string[];
}

export interface VmsStackProps extends Aggrik8sStackProps {
  readonly clusterName: string;
  /** The Proxmox APIs and which serves which Proxmox node. */
  readonly proxmox: ProxmoxApis;
  /** How the Talos ISO reaches each Proxmox node. */
  readonly isoTransfer: IsoTransfer;
  /** Talos version the VMs boot (and the Talos stack installs). */
  readonly talosVersion: string;
  /** Image Factory the schematic is registered with. */
  readonly imageFactoryUrl: string;
  /** System extensions of the image (the QEMU guest agent turns the VMs' agent on). */
  readonly extensions: readonly string[];
  readonly network: VmNetwork;
  readonly controlPlanes: VmPool;
  readonly workers: VmPool;
  /** Doppler, when the Proxmox token is a `{doppler: NAME}` reference. @default - none */
  readonly doppler?: DopplerSettings;
}

/**
 * One Proxmox VM per node of a cluster, plus the cluster's Talos image: its
 * schematic registered with the Image Factory (siderolabs/talos provider) and
 * the boot ISO downloaded by each Proxmox node used.
 */
/** What the VMs stack publishes (nothing of it is read across stacks: the Talos stack computes the same image itself, to plan before the VMs exist). */
export interface VmsOutputs {
  /** The image's schematic ID, as the Image Factory registered it. */
  readonly schematicId: string;
}

export class VmsStack extends Aggrik8sStack {
  readonly outputs: VmsOutputs;

  constructor(scope: Construct, id: string, props: VmsStackProps) {
    const proxmoxNodes = [...new Set([...props.controlPlanes.nodes, ...props.workers.nodes].map((n) => n.proxmoxNode))].sort();
    const connectionOf = (node: string): ProxmoxConnection => {
      const c = proxmoxConnection(props.proxmox, node);
      if (!c)
        throw new PropsError({
          path: id,
          message: `Proxmox node ${node} has no API endpoint`,
          fix: `add proxmox.hosts.${node}.endpoint, or set proxmox.endpoint`,
        });
      return c;
    };
    const connections = [...new Map(proxmoxNodes.map((n) => connectionOf(n)).map((c) => [c.key, c])).values()];
    super(scope, id, { ...props, allowInsecureTls: connections.some((c) => c.insecure) });
    // One provider per Proxmox API the cluster's nodes use; with one, it is the stack's default (no alias).
    const secrets = new StackSecrets(this, "secrets", { doppler: props.doppler });
    const providers = new Map(
      connections.map((c) => {
        // The provider reads its own variable itself; any other name goes through a sensitive input.
        const useNativeEnv = "env" in c.apiToken && c.apiToken.env === PROXMOX_TOKEN_ENV;
        const alone = connections.length === 1;
        const provider = new ProxmoxProvider(this, alone ? "proxmox" : `proxmox-${c.key}`, {
          ...(alone ? {} : { alias: c.key.replace(/[^A-Za-z0-9_]/g, "_") }),
          endpoint: c.endpoint,
          insecure: c.insecure,
          ...(useNativeEnv ? {} : { apiToken: secrets.value(c.apiToken, `Proxmox VE API token (${c.endpoint})`) }),
        });
        return [c.key, alone ? undefined : provider];
      }),
    );
    const providerOf = (node: string) => providers.get(connectionOf(node).key);

    const pools = [
      { role: "controlplane", pool: props.controlPlanes },
      { role: "worker", pool: props.workers },
    ] as const;
    new TalosProvider(this, "talos", { imageFactoryUrl: props.imageFactoryUrl });
    const image = new TalosImage(this, "talos-image", {
      talosVersion: props.talosVersion,
      extensions: props.extensions,
      register: true,
    });
    const iso = new TalosIso(this, "talos-iso", {
      url: image.isoUrl,
      fileName: `talos-${props.clusterName}.iso`,
      transfer: props.isoTransfer,
      proxmoxNodes,
      datastoreByNode: Object.fromEntries(proxmoxNodes.map((n) => [n, connectionOf(n).isoDatastore])),
      providerByNode: Object.fromEntries(proxmoxNodes.flatMap((n) => (providerOf(n) ? [[n, providerOf(n)!]] : []))),
    });
    const [, prefixLength] = ipaddr.IPv4.parseCIDR(props.network.nodeSubnet);
    pools.forEach(({ role, pool }) =>
      pool.nodes.map(
        (node) =>
          new TalosVm(this, node.name, {
            name: node.name,
            vmId: node.vmId,
            proxmoxNode: node.proxmoxNode,
            cores: node.cores,
            memoryGiB: node.memoryGiB,
            cpuType: pool.cpuType,
            datastore: pool.datastore,
            diskSizeGiB: pool.diskSizeGiB,
            extraDisksGiB: pool.extraDisksGiB,
            isoFileId: iso.fileIdByNode[node.proxmoxNode],
            network: {
              bridge: props.network.bridge,
              vlanId: props.network.vlanId,
              ipv4: node.ip,
              prefixLength,
              gateway: props.network.gateway,
              dnsServers: props.network.dnsServers,
            },
            tags: ["talos", `cluster-${props.clusterName}`, `role-${role}`],
            guestAgent: props.extensions.includes(QEMU_GUEST_AGENT),
            startup: STARTUP[role],
            provider: providerOf(node.proxmoxNode),
          }),
      ),
    );
    this.outputs = { schematicId: image.schematic.id };
    const [controlPlanes, workers] = pools.map(({ pool }) => pool.nodes);
    new TerraformOutput(this, "control_plane_ips", { value: controlPlanes.map((n) => n.ip) });
    new TerraformOutput(this, "worker_ips", { value: workers.map((n) => n.ip) });
    new TerraformOutput(this, "node_names", { value: [...controlPlanes, ...workers].map((n) => n.name) });
  }
}
