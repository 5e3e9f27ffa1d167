import { Testing } from "cdktf";
import { MeshConfig } from "../../lib/config/schema";
import { VirtualEnvironmentVm } from "../../.gen/providers/proxmox/virtual-environment-vm";
import { VmsStack } from "../../stacks/vms-stack";
import { fixture } from "../fixtures";
import { vmsProps } from "../../stacks";
import { parse, resolvedConfig } from "../helpers";

function synthVms(config: MeshConfig, cephDisks = true, cluster = 0) {
  const app = Testing.app();
  const c = config.clusters[cluster];
  const props = vmsProps(config, c);
  const stack = new VmsStack(app, `${c.name}-vms`, {
    ...props,
    workers: { ...props.workers, extraDisksGiB: cephDisks ? [c.workers.cephDiskSizeGiB] : [] },
  });
  return { stack, synth: Testing.synth(stack), json: parse(Testing.synth(stack)) };
}

const vmsOf = (json: any) => Object.values(json.resource.proxmox_virtual_environment_vm) as any[];

describe("vms stack", () => {
  const config = resolvedConfig();
  // The default mesh's synthesis, shared by every test file of the run (fixtures.ts).
  const stack = fixture("default").ofKind("vms");
  const { synth } = stack;
  const json = fixture("default").json(stack.name);

  it("matches the snapshot", () => {
    expect(synth).toMatchSnapshot();
  });

  it("is named <cluster>-vms", () => {
    expect(stack.name).toBe("talos-east-vms");
  });

  it("creates one VM per node with the Talos-on-Proxmox settings", () => {
    const vms = vmsOf(json);
    expect(vms.map((v) => [v.name, v.vm_id, v.node_name])).toEqual([
      ["talos-east-cp-1", 1011, "pve1"],
      ["talos-east-cp-2", 1012, "pve2"],
      ["talos-east-cp-3", 1013, "pve3"],
      ["talos-east-w-1", 1021, "pve1"],
      ["talos-east-w-2", 1022, "pve2"],
      ["talos-east-w-3", 1023, "pve3"],
    ]);
    for (const vm of vms) {
      expect(vm).toMatchObject({
        bios: "ovmf",
        machine: "q35",
        efi_disk: { type: "4m" },
        scsi_hardware: "virtio-scsi-pci",
        agent: { enabled: true },
        operating_system: { type: "l26" },
        started: true,
      });
      expect(vm.memory.floating).toBe(0);
      expect(vm.network_device).toEqual([expect.objectContaining({ bridge: "vmbr0", model: "virtio", vlan_id: null })]);
    }
  });

  it("sizes control planes and workers from their pools", () => {
    const [cp, , , worker] = vmsOf(json);
    expect([cp.cpu.cores, cp.memory.dedicated, cp.disk[0].size]).toEqual([4, 4096, 32]);
    expect([worker.cpu.cores, worker.memory.dedicated, worker.disk[0].size]).toEqual([4, 12288, 64]);
    expect(cp.cpu.type).toBe("host");
  });

  it("gives each VM its static address through cloud-init", () => {
    const [cp] = vmsOf(json);
    expect(cp.initialization).toMatchObject({
      ip_config: [{ ipv4: { address: "10.10.0.11/24", gateway: "10.10.0.1" } }],
      dns: { servers: ["1.1.1.1", "9.9.9.9"] },
      interface: "ide2",
    });
  });

  it("boots the ISO downloaded to the VM's own Proxmox node, disk first", () => {
    const downloads = json.resource.proxmox_download_file;
    // The URL follows the schematic's registration, so every download waits for it.
    const isoUrl = expect.stringMatching(/^\$\{data\.talos_image_factory_urls\.talos-image_urls_[0-9A-F]+\.urls\.iso\}$/);
    const [urls] = Object.values(json.data.talos_image_factory_urls) as any[];
    expect(urls.schematic_id).toMatch(/^\$\{talos_image_factory_schematic\.talos-image_schematic_[0-9A-F]+\.id\}$/);
    expect(json.provider.talos).toEqual([{ image_factory_url: "https://factory.talos.dev" }]);
    expect(Object.values(downloads).map((d: any) => [d.node_name, d.content_type, d.url])).toEqual([
      ["pve1", "iso", isoUrl],
      ["pve2", "iso", isoUrl],
      ["pve3", "iso", isoUrl],
    ]);
    const [cp1, cp2] = vmsOf(json);
    expect(cp1.boot_order).toEqual(["scsi0", "ide0"]);
    expect(cp1.cdrom.file_id).toMatch(/^\$\{proxmox_download_file\.talos-iso_pve1_[0-9A-F]+\.id\}$/);
    expect(cp2.cdrom.file_id).toMatch(/proxmox_download_file\.talos-iso_pve2_/);
  });

  it("never reboots a VM on update (a pool would reboot at once), and replaces a partial ISO from an interrupted download", () => {
    expect(vmsOf(json).map((v) => v.reboot_after_update)).toEqual(vmsOf(json).map(() => false));
    expect(Object.values(json.resource.proxmox_download_file).map((d: any) => [d.overwrite, d.overwrite_unmanaged])).toEqual([
      [false, true],
      [false, true],
      [false, true],
    ]);
  });

  it("tags VMs with cluster and role", () => {
    const [cp, , , worker] = vmsOf(json);
    expect(cp.tags).toEqual(["cluster-talos-east", "role-controlplane", "talos"]);
    expect(worker.tags).toEqual(["cluster-talos-east", "role-worker", "talos"]);
  });

  it("gives workers an OSD disk only when rook-ceph is on", () => {
    const withCeph = vmsOf(json);
    expect(withCeph.slice(0, 3).map((v) => v.disk.length)).toEqual([1, 1, 1]);
    // Serials short enough to survive Proxmox's 20-character cut, and what Talos and Rook select by.
    expect(withCeph.map((v) => v.disk[0])).toEqual(withCeph.map(() => expect.objectContaining({ interface: "scsi0", serial: "talos-os" })));
    expect(withCeph.slice(3).map((v) => v.disk[1])).toEqual(
      withCeph.slice(3).map(() => expect.objectContaining({ interface: "scsi1", size: 100, serial: "data-1" })),
    );
    const without = vmsOf(synthVms(config, false).json);
    expect(without.map((v) => v.disk.length)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it("passes the VLAN tag when the config has one", () => {
    const tagged = vmsOf(
      synthVms(
        resolvedConfig((c) => {
          c.clusters[0].network.vlanId = 42;
        }),
      ).json,
    );
    expect(tagged[0].network_device[0].vlan_id).toBe(42);
  });

  it("enables the QEMU guest agent only when the image carries its extension", () => {
    expect(vmsOf(json).map((v) => v.agent.enabled)).toEqual([true, true, true, true, true, true]);
    const without = vmsOf(
      synthVms(
        resolvedConfig((c) => {
          c.clusters[0].talos = { extensions: ["siderolabs/iscsi-tools"] };
        }),
      ).json,
    );
    expect(without.map((v) => v.agent.enabled)).toEqual([false, false, false, false, false, false]);
  });

  it("leaves the API token to PROXMOX_VE_API_TOKEN, or reads another variable as a sensitive input", () => {
    expect(json.provider.proxmox[0]).toEqual({ endpoint: "https://pve1.example.internal:8006/", insecure: false });
    expect(json.variable).toBeUndefined();
    const other = synthVms(
      resolvedConfig((c) => {
        c.proxmox.apiToken = { env: "PVE_TOKEN_EAST" };
      }),
    ).json;
    expect(other.variable.PVE_TOKEN_EAST).toMatchObject({ sensitive: true, type: "string" });
    expect(other.provider.proxmox[0].api_token).toBe("${var.PVE_TOKEN_EAST}");
  });

  it("outputs node IPs by role", () => {
    expect(json.output.control_plane_ips.value).toEqual(["10.10.0.11", "10.10.0.12", "10.10.0.13"]);
    expect(json.output.worker_ips.value).toEqual(["10.10.0.21", "10.10.0.22", "10.10.0.23"]);
  });
});

describe("vms stack VM settings a real Proxmox needs", () => {
  const vms = vmsOf(fixture("default").json("talos-east-vms"));

  it("never waits for the guest agent to report addresses (they are static), and gives each VM a serial console", () => {
    expect(vms).toHaveLength(6);
    for (const vm of vms) {
      expect(vm.agent).toEqual({ enabled: true, trim: true, wait_for_ip: { disabled: true } });
      expect(vm.serial_device).toEqual([{ device: "socket" }]);
    }
  });

  it("starts control planes before workers on boot", () => {
    expect(fixture("default").stack("talos-east-vms").synth).toHaveResourceWithProperties(VirtualEnvironmentVm, {
      name: "talos-east-cp-1",
      startup: { order: 1, up_delay: 30 },
    });
    expect(vms.map((v) => [v.name, v.startup])).toEqual([
      ["talos-east-cp-1", { order: 1, up_delay: 30 }],
      ["talos-east-cp-2", { order: 1, up_delay: 30 }],
      ["talos-east-cp-3", { order: 1, up_delay: 30 }],
      ["talos-east-w-1", { order: 2, up_delay: 0 }],
      ["talos-east-w-2", { order: 2, up_delay: 0 }],
      ["talos-east-w-3", { order: 2, up_delay: 0 }],
    ]);
  });

  it("uploads the ISO through the API instead when proxmox.isoTransfer is upload (no URL metadata query)", () => {
    const upload = synthVms(resolvedConfig((c) => (c.proxmox.isoTransfer = "upload"))).json;
    expect(upload.resource.proxmox_download_file).toBeUndefined();
    const files = Object.values(upload.resource.proxmox_virtual_environment_file) as any[];
    expect(files.map((f) => [f.node_name, f.content_type, f.datastore_id, f.source_file.file_name])).toEqual(
      ["pve1", "pve2", "pve3"].map((n) => [n, "iso", "local", "talos-talos-east.iso"]),
    );
    expect(files[0].source_file.path).toMatch(/^\$\{data\.talos_image_factory_urls\.talos-image_urls_[0-9A-F]+\.urls\.iso\}$/);
    expect(vmsOf(upload)[0].cdrom.file_id).toMatch(/^\$\{proxmox_virtual_environment_file\.talos-iso_upload-pve1_[0-9A-F]+\.id\}$/);
  });
});

describe("vms stack on two standalone Proxmox hosts (examples/two-hosts.yaml)", () => {
  const config = fixture("two-hosts").config();
  const json = fixture("two-hosts").json("lab-red-vms");

  it("has one provider per host, each with its endpoint and its own token variable", () => {
    expect(json.provider.proxmox).toEqual([
      { alias: "pve_a", endpoint: "https://pve-a.home.internal:8006/", insecure: false, api_token: "${var.PVE_A_API_TOKEN}" },
      { alias: "pve_b", endpoint: "https://pve-b.home.internal:8006/", insecure: false, api_token: "${var.PVE_B_API_TOKEN}" },
    ]);
    expect(Object.values(json.variable).map((v: any) => v.sensitive)).toEqual([true, true]);
  });

  it("creates each VM and each node's ISO through the provider of its host", () => {
    expect(vmsOf(json).map((v) => [v.name, v.node_name, v.provider])).toEqual([
      ["red-cp-1", "pve-a", "proxmox.pve_a"],
      ["red-w-1", "pve-b", "proxmox.pve_b"],
    ]);
    const isos = Object.values(json.resource.proxmox_download_file) as any[];
    expect(isos.map((f) => [f.node_name, f.datastore_id, f.provider])).toEqual([
      ["pve-a", "local", "proxmox.pve_a"],
      ["pve-b", "local", "proxmox.pve_b"],
    ]);
  });

  it("stores the ISO in the datastore the config names, per host", () => {
    const edited = structuredClone(config);
    (edited.proxmox as any).isoDatastore = "isos";
    (edited.proxmox.hosts["pve-b"] as any).isoDatastore = "nas-iso";
    const isos = Object.values(synthVms(edited, false).json.resource.proxmox_download_file) as any[];
    expect(isos.map((f) => [f.node_name, f.datastore_id])).toEqual([
      ["pve-a", "isos"],
      ["pve-b", "nas-iso"],
    ]);
  });

  it("keeps one unaliased provider when every node has the same endpoint (the state addresses of one PVE cluster do not move)", () => {
    const single = fixture("default").json("talos-east-vms");
    expect(single.provider.proxmox).toEqual([{ endpoint: "https://pve1.example.internal:8006/", insecure: false }]);
    expect(vmsOf(single).every((v) => v.provider === undefined)).toBe(true);
  });
});
