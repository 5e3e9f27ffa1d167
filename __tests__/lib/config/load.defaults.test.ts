import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { loadConfig, validateConfig } from "../../../lib/config/load";
import { DEFAULT_MESH } from "../../../lib/config/default-mesh";
import { PLATFORM } from "../../../lib/versions";
import { THREE_CLUSTER_FILE, threeClusterConfig, writeConfig } from "../../helpers";

describe("the embedded default mesh", () => {
  const { config, source, warnings } = loadConfig({ env: {} });

  it("is used without AGGRIK8S_CONFIG and is valid without warnings", () => {
    expect(source).toBe("embedded default mesh");
    expect(warnings).toEqual([]);
  });

  it("has talos-east (id 1) and talos-west (id 2), 3 control planes and 3 workers each", () => {
    expect(config.clusters.map((c) => [c.name, c.id, c.controlPlane.nodes.length, c.workers.nodes.length])).toEqual([
      ["talos-east", 1, 3, 3],
      ["talos-west", 2, 3, 3],
    ]);
  });

  it("has every day-2 component on", () => {
    for (const c of config.clusters) {
      const p = c.platform;
      expect([p.hubble.enabled, p.tetragon.enabled, p.rookCeph.enabled, p.openTelemetry.enabled, p.robusta.enabled, p.kubescape.enabled]).toEqual([
        true,
        true,
        true,
        true,
        true,
        true,
      ]);
    }
  });

  it("fills the defaults from the schema and versions.json", () => {
    expect(config.versions).toEqual(PLATFORM);
    expect(config.proxmox).toEqual({
      endpoint: "https://pve1.example.internal:8006/",
      insecure: false,
      apiToken: { env: "PROXMOX_VE_API_TOKEN" },
      isoTransfer: "download",
      isoDatastore: "local",
      hosts: {},
    });
    const east = config.clusters[0];
    expect(east.network.bridge).toBe("vmbr0");
    expect(east.talos).toEqual({
      installDisk: "/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_talos-os",
      extensions: ["siderolabs/qemu-guest-agent"],
      imageFactoryUrl: "https://factory.talos.dev",
    });
    expect(east.clustermesh).toEqual({ serviceType: "NodePort", nodePort: 32379 });
    expect(config.clusters[1].clustermesh.nodePort).toBe(32380);
    expect(east.workers).toMatchObject({ cores: 4, memoryGiB: 12, cephDiskSizeGiB: 100 });
    expect(east.platform.openTelemetry.apiKey).toEqual({ env: "HONEYCOMB_API_KEY" });
  });

  it("is not changed by validation (defaults go into a copy)", () => {
    const before = JSON.stringify(DEFAULT_MESH);
    validateConfig(DEFAULT_MESH, "x");
    expect(JSON.stringify(DEFAULT_MESH)).toBe(before);
  });
});

describe("config files", () => {
  it("reads YAML and JSON to the same config", () => {
    const raw = YAML.parse(fs.readFileSync(THREE_CLUSTER_FILE, "utf8"));
    const fromJson = loadConfig({ env: { AGGRIK8S_CONFIG: writeConfig(raw, "mesh.json") } }).config;
    expect(fromJson).toEqual(threeClusterConfig());
  });

  it("resolves a relative AGGRIK8S_CONFIG against cwd", () => {
    const loaded = loadConfig({ env: { AGGRIK8S_CONFIG: "examples/three-clusters.yaml" }, cwd: path.join(__dirname, "..", "..", "..") });
    expect(loaded.source).toBe(THREE_CLUSTER_FILE);
  });

  it("loads the three-cluster example with its overrides", () => {
    const config = threeClusterConfig();
    expect(config.clusters.map((c) => c.name)).toEqual(["talos-east", "talos-west", "talos-edge"]);
    expect(config.clusters[1].platform.rookCeph).toEqual({ enabled: true, replicas: 2 });
    expect(config.clusters[2].workers.nodes).toEqual([]);
    expect(config.clusters[2].platform.extraReleases[0]).toMatchObject({
      name: "groundcover",
      podSecurity: "privileged",
      secretValues: { "global.groundcover_token": { env: "GROUNDCOVER_TOKEN" } },
    });
  });
});
