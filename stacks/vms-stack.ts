import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import ipaddr from "ipaddr.js";
import { ProxmoxProvider } from "../.gen/providers/proxmox/provider";
import { TalosProvider } from "../.gen/providers/talos/provider";
import { ClusterConfig, MeshConfig } from "../lib/config/schema";
import { PROXMOX_TOKEN_ENV } from "../lib/config/secret-refs";
import { PropsError } from "../lib/errors";
import { ProxmoxConnection, proxmoxConnection } from "../lib/proxmox/connections";
import { TalosIso } from "../lib/proxmox/talos-iso";
import { TalosVm } from "../lib/proxmox/talos-vm";
import { DopplerSettings } from "../lib/doppler/access";
import { StackSecrets } from "../lib/secrets/stack-secrets";
import { QEMU_GUEST_AGENT } from "../lib/talos/factory";
import { TalosImage } from "../lib/talos/image";
import { Aggrik8sStack, Aggrik8sStackProps } from "./base";

/** When Proxmox starts each role on boot: control planes first, so etcd has quorum before the workers' kubelets return. */
const STARTUP = { controlplane: { order: 1, upDelaySeconds: 30 }, worker: { order: 2, upDelaySeconds: 0 } } as const;

export interface VmsStackProps extends Aggrik8sStackProps {
  readonly cluster: ClusterConfig;
  readonly proxmox: MeshConfig["proxmox"];
  /** Talos version the VMs boot (and the Talos stack installs). */
  readonly talosVersion: string;
  /** Give workers an extra empty disk for a Ceph OSD. */
  readonly cephDisks: boolean;
  /** Doppler, when the Proxmox token is a `{doppler: NAME}` reference. @default - none */
  readonly doppler?: DopplerSettings;
}

/**
 * One Proxmox VM per node of a cluster, plus the cluster's Talos image: its
 * schematic registered with the Image Factory (siderolabs/talos provider) and
 * the boot ISO downloaded by each Proxmox node used.
 */
export class VmsStack extends Aggrik8sStack {
  /** The cluster's Talos image; the Talos stack installs `installerImage`. */
  readonly image: TalosImage;

  constructor(scope: Construct, id: string, props: VmsStackProps) {
    const { cluster } = props;
    const proxmoxNodes = [...new Set([...cluster.controlPlane.nodes, ...cluster.workers.nodes].map((n) => n.proxmoxNode))].sort();
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
      { role: "controlplane", pool: cluster.controlPlane, extraDisksGiB: [] as number[] },
      { role: "worker", pool: cluster.workers, extraDisksGiB: props.cephDisks ? [cluster.workers.cephDiskSizeGiB] : [] },
    ] as const;
    new TalosProvider(this, "talos", { imageFactoryUrl: cluster.talos.imageFactoryUrl });
    this.image = new TalosImage(this, "talos-image", {
      talosVersion: props.talosVersion,
      extensions: cluster.talos.extensions,
      register: true,
    });
    const iso = new TalosIso(this, "talos-iso", {
      url: this.image.isoUrl,
      fileName: `talos-${cluster.name}.iso`,
      transfer: props.proxmox.isoTransfer,
      proxmoxNodes,
      datastoreByNode: Object.fromEntries(proxmoxNodes.map((n) => [n, connectionOf(n).isoDatastore])),
      providerByNode: Object.fromEntries(proxmoxNodes.flatMap((n) => (providerOf(n) ? [[n, providerOf(n)!]] : []))),
    });
    const [, prefixLength] = ipaddr.IPv4.parseCIDR(cluster.network.nodeSubnet);
    pools.forEach(({ role, pool, extraDisksGiB }) =>
      pool.nodes.map(
        (node) =>
          new TalosVm(this, node.name, {
            name: node.name,
            vmId: node.vmId,
            proxmoxNode: node.proxmoxNode,
            cores: node.cores ?? pool.cores,
            memoryGiB: node.memoryGiB ?? pool.memoryGiB,
            cpuType: pool.cpuType,
            datastore: pool.datastore,
            diskSizeGiB: pool.diskSizeGiB,
            extraDisksGiB,
            isoFileId: iso.fileIdByNode[node.proxmoxNode],
            network: {
              bridge: cluster.network.bridge,
              vlanId: cluster.network.vlanId,
              ipv4: node.ip,
              prefixLength,
              gateway: cluster.network.gateway,
              dnsServers: cluster.network.dnsServers,
            },
            tags: ["talos", `cluster-${cluster.name}`, `role-${role}`],
            guestAgent: cluster.talos.extensions.includes(QEMU_GUEST_AGENT),
            startup: STARTUP[role],
            provider: providerOf(node.proxmoxNode),
          }),
      ),
    );
    const [controlPlanes, workers] = pools.map(({ pool }) => pool.nodes);
    new TerraformOutput(this, "control_plane_ips", { value: controlPlanes.map((n) => n.ip) });
    new TerraformOutput(this, "worker_ips", { value: workers.map((n) => n.ip) });
    new TerraformOutput(this, "node_names", { value: [...controlPlanes, ...workers].map((n) => n.name) });
  }
}
