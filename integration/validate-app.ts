// Stacks `npm run validate` checks besides the meshes themselves: the default
// mesh with Doppler on (so the Doppler data source and export are checked too),
// and the ISO upload fallback, and a canary that the engine must reject (proof
// that validation can fail).
import { App, TerraformStack } from "cdktf";
import { ProxmoxProvider } from "../.gen/providers/proxmox/provider";
import { validateConfig } from "../lib/config/load";
import { DEFAULT_MESH } from "../lib/config/default-mesh";
import { TalosVm } from "../lib/proxmox/talos-vm";
import { buildMesh } from "../stacks";

const input = structuredClone(DEFAULT_MESH);
input.doppler = { enabled: true, token: { env: "AGGRIK8S_DOPPLER_TOKEN" } };
input.proxmox.apiToken = { doppler: "PROXMOX_VE_API_TOKEN" };
// The ISO upload fallback, so validate checks proxmox_virtual_environment_file too.
input.proxmox.isoTransfer = "upload";
input.clusters = input.clusters.slice(0, 1);
input.clusters[0].platform = { robusta: { enabled: true, signingKey: { doppler: "ROBUSTA_SIGNING_KEY" } } };
const { config } = validateConfig(input, "default mesh with Doppler");
const app = new App();
buildMesh(app, config);

const canary = new TerraformStack(app, "canary-unknown-attribute");
new ProxmoxProvider(canary, "proxmox", { endpoint: config.proxmox.endpoint });
const vm = new TalosVm(canary, "vm", {
  name: "canary",
  vmId: 999,
  proxmoxNode: "pve1",
  cores: 2,
  cpuType: "host",
  memoryGiB: 2,
  datastore: "local-lvm",
  diskSizeGiB: 10,
  isoFileId: "local:iso/canary.iso",
  tags: [],
  network: { bridge: "vmbr0", ipv4: "10.0.0.2", prefixLength: 24, gateway: "10.0.0.1", dnsServers: ["10.0.0.1"] },
});
vm.vm.addOverride("this_attribute_does_not_exist", true);
app.synth();
