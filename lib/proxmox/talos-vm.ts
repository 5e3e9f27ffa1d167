import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { VirtualEnvironmentVm } from "../../.gen/providers/proxmox/virtual-environment-vm";
import { OS_DISK_SERIAL, dataDiskSerial } from "./disk-ids";

/** Static IPv4 settings the VM's cloud-init (nocloud) drive hands to Talos. */
export interface TalosVmNetwork {
  /** Proxmox bridge, e.g. `vmbr0`. */
  readonly bridge: string;
  /** VLAN tag. @default - untagged */
  readonly vlanId?: number;
  /** The node's IPv4 address, e.g. `10.10.0.11`. */
  readonly ipv4: string;
  /** Prefix length of the node subnet, e.g. `24`. */
  readonly prefixLength: number;
  /** Default gateway. */
  readonly gateway: string;
  /** DNS servers. */
  readonly dnsServers: readonly string[];
}

export interface TalosVmProps {
  /** VM name and hostname. */
  readonly name: string;
  /** Proxmox VM id. */
  readonly vmId: number;
  /** Proxmox node the VM runs on. */
  readonly proxmoxNode: string;
  /** vCPU cores. */
  readonly cores: number;
  /** Proxmox CPU type. @see https://pve.proxmox.com/pve-docs/chapter-qm.html#qm_cpu */
  readonly cpuType: string;
  /** Memory in GiB; all of it dedicated (ballooning off, as Talos requires). */
  readonly memoryGiB: number;
  /** Datastore of the EFI, boot, cloud-init and extra disks. */
  readonly datastore: string;
  /** Boot/install disk in GiB. */
  readonly diskSizeGiB: number;
  /**
   * Extra empty disks in GiB, e.g. for Ceph OSDs; attached as scsi1, scsi2, ...
   * with serials `data-<n>` so they can be told apart inside the guest (disk-ids.ts).
   * @default - none
   */
  readonly extraDisksGiB?: readonly number[];
  /** Proxmox file id of the Talos nocloud ISO on `proxmoxNode`, e.g. `local:iso/talos.iso`. */
  readonly isoFileId: string;
  /** NIC and static address. */
  readonly network: TalosVmNetwork;
  /** Proxmox tags (lower case). */
  readonly tags: readonly string[];
  /**
   * Enable the QEMU guest agent device. Only when the image carries the
   * siderolabs/qemu-guest-agent extension: without an agent in the guest,
   * the provider waits for it on every create and shutdown.
   * @default - true
   */
  readonly guestAgent?: boolean;
  /**
   * Proxmox start order on boot (lower first) and the seconds to wait before
   * the next VM starts: control planes before workers, so etcd has quorum
   * before kubelets come back.
   * @default - no order
   */
  readonly startup?: { readonly order: number; readonly upDelaySeconds: number };
  /** The Proxmox provider (API endpoint) of `proxmoxNode`, when the stack has several. @default - the stack's default proxmox provider */
  readonly provider?: TerraformProvider;
}

/**
 * One Talos node as a Proxmox VM, set up as the Talos Proxmox guide asks:
 * OVMF + q35 with an EFI disk, VirtIO SCSI, a virtio NIC, ballooning off and
 * the QEMU guest agent on. It boots the nocloud ISO until Talos is installed
 * to the first disk, and gets its static address from the cloud-init drive.
 *
 * @see https://docs.siderolabs.com/talos/v1.11/platform-specific-installations/virtualized-platforms/proxmox
 */
export class TalosVm extends Construct {
  readonly vm: VirtualEnvironmentVm;

  constructor(scope: Construct, id: string, props: TalosVmProps) {
    super(scope, id);
    const { datastore, network } = props;
    this.vm = new VirtualEnvironmentVm(this, "vm", {
      ...(props.provider ? { provider: props.provider } : {}),
      nodeName: props.proxmoxNode,
      vmId: props.vmId,
      name: props.name,
      tags: [...props.tags].sort(),
      bios: "ovmf",
      machine: "q35",
      efiDisk: { datastoreId: datastore, type: "4m", preEnrolledKeys: false },
      operatingSystem: { type: "l26" },
      cpu: { cores: props.cores, sockets: 1, type: props.cpuType },
      memory: { dedicated: Math.round(props.memoryGiB * 1024), floating: 0 },
      scsiHardware: "virtio-scsi-pci",
      disk: [
        {
          interface: "scsi0",
          datastoreId: datastore,
          size: props.diskSizeGiB,
          fileFormat: "raw",
          discard: "on",
          ssd: true,
          iothread: false,
          serial: OS_DISK_SERIAL,
        },
        ...(props.extraDisksGiB ?? []).map((size, i) => ({
          interface: `scsi${i + 1}`,
          datastoreId: datastore,
          size,
          fileFormat: "raw",
          discard: "on",
          ssd: true,
          serial: dataDiskSerial(i + 1),
        })),
      ],
      // Empty disk first: the ISO boots only until Talos has installed itself to scsi0.
      bootOrder: ["scsi0", "ide0"],
      cdrom: { fileId: props.isoFileId, interface: "ide0" },
      initialization: {
        datastoreId: datastore,
        interface: "ide2",
        ipConfig: [{ ipv4: { address: `${network.ipv4}/${network.prefixLength}`, gateway: network.gateway } }],
        dns: { servers: [...network.dnsServers] },
      },
      // Addresses are static (cloud-init): never wait up to 15 minutes for the agent to report them.
      agent: { enabled: props.guestAgent ?? true, trim: true, waitForIp: { disabled: true } },
      // A serial port for `qm terminal` and Talos' kernel console, besides the VGA one.
      serialDevice: [{ device: "socket" }],
      ...(props.startup ? { startup: { order: props.startup.order, upDelay: props.startup.upDelaySeconds } } : {}),
      started: true,
      onBoot: true,
      // Never reboot on update: bpg would reboot every VM of a pool at once for
      // a memory or CPU change. Such a change waits (the provider warns) for
      // the node's next power cycle, taken one node at a time.
      rebootAfterUpdate: false,
      // Talos answers ACPI shutdown only once installed; stop is what destroy needs.
      stopOnDestroy: true,
    });
    // network_device is an attribute of type list(object) in this provider, so
    // Terraform's JSON syntax wants every object key present; null means "provider default".
    this.vm.addOverride("network_device", [
      {
        bridge: network.bridge,
        model: "virtio",
        vlan_id: network.vlanId ?? null,
        // `enabled` is deprecated; null keeps the defaults (connected, no firewall).
        enabled: null,
        firewall: false,
        disconnected: null,
        mac_address: null,
        mtu: null,
        queues: null,
        rate_limit: null,
        trunks: null,
      },
    ]);
  }
}
