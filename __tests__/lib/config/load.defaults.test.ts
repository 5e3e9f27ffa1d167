import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { describeConfig, loadConfig, validateConfig } from "../../../lib/config/load";
import { DEFAULT_MESH } from "../../../lib/config/default-mesh";
import { PLATFORM } from "../../../lib/versions";
import { PLATFORM_COMPONENTS, isEnabled } from "../../../lib/platform/components";
import { THREE_CLUSTER_FILE, resolvedConfig, scratchDir, threeClusterConfig, writeConfig } from "../../helpers";

/** The day-2 components the default mesh leaves off, and why; every other component of the registry is on. */
const OFF_BY_DEFAULT: Partial<Record<(typeof PLATFORM_COMPONENTS)[number]["key"], string>> = {
  proxmoxCsi: "only where Rook is off (the default StorageClass comes from one of them)",
  openTelemetry: "needs an outside account (Honeycomb)",
  robusta: "needs an outside account",
  olm: "opt-in",
  etcdBackup: "needs an outside S3-compatible bucket",
};

describe("the embedded default mesh", () => {
  // In a directory with no config file: the repository root may hold the user's own (npm run init writes one there).
  const loaded = loadConfig({ env: {}, cwd: scratchDir() });
  const { config, source, warnings } = loaded;

  it("is used without AGGRIK8S_CONFIG and without a local config file, and is valid without warnings", () => {
    expect(source).toBe("embedded default mesh");
    expect(loaded.origin).toBe("demo");
    expect(warnings).toEqual([]);
  });

  it("has talos-east (id 1) and talos-west (id 2), 3 control planes and 3 workers each", () => {
    expect(config.clusters.map((c) => [c.name, c.id, c.controlPlane.nodes.length, c.workers.nodes.length])).toEqual([
      ["talos-east", 1, 3, 3],
      ["talos-west", 2, 3, 3],
    ]);
  });

  it("has every day-2 component on that needs no outside account; Proxmox CSI only where Rook is off, OLM v1 off", () => {
    for (const c of config.clusters) {
      // Every component of the registry (components.ts), on unless named here with why.
      const on = Object.fromEntries(PLATFORM_COMPONENTS.map((x) => [x.key, isEnabled(c.platform, x.key)]));
      expect(on).toEqual(Object.fromEntries(PLATFORM_COMPONENTS.map((x) => [x.key, !(x.key in OFF_BY_DEFAULT)])));
      expect(c.platform.hubble.enabled).toBe(true);
      expect(c.platform.certManager.issuer).toEqual({ type: "selfSigned" });
      expect(c.platform.rookCeph).toEqual({ enabled: true, filesystem: { enabled: true }, objectStore: { enabled: true } });
    }
    // Without Rook, the CSI plugin is on unless switched off.
    const noRook = resolvedConfig((m) => (m.clusters[0].platform = { rookCeph: { enabled: false } })).clusters[0].platform;
    expect([isEnabled(noRook, "proxmoxCsi"), noRook.proxmoxCsi]).toEqual([
      true,
      { storage: "local-lvm", region: "proxmox", tokenId: "aggrik8s-csi@pve!csi", tokenSecret: { env: "PROXMOX_CSI_TOKEN_SECRET" }, hosts: {} },
    ]);
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

describe("a config file in the working directory, with AGGRIK8S_CONFIG unset", () => {
  const example = fs.readFileSync(THREE_CLUSTER_FILE, "utf8");
  const write = (dir: string, name: string) => fs.writeFileSync(path.join(dir, name), name.endsWith(".json") ? JSON.stringify(YAML.parse(example)) : example);

  it.each(["aggrik8s.yaml", "aggrik8s.yml", "aggrik8s.json"])("finds ./%s and says so", (name) => {
    const dir = scratchDir();
    write(dir, name);
    const loaded = loadConfig({ env: {}, cwd: dir });
    expect(loaded.origin).toBe("local-file");
    expect(loaded.source).toBe(path.join(dir, name));
    expect(loaded.config).toEqual(threeClusterConfig());
    expect(describeConfig(loaded)).toBe(`config: ${path.join(dir, name)} (./${name}; AGGRIK8S_CONFIG is unset)`);
  });

  it("refuses two of them rather than pick one, naming both", () => {
    const dir = scratchDir();
    write(dir, "aggrik8s.yaml");
    write(dir, "aggrik8s.yml");
    expect(() => loadConfig({ env: {}, cwd: dir })).toThrow(
      `1 problem in the mesh config (${path.join(dir, "aggrik8s.yaml")}):\n  - AGGRIK8S_CONFIG: AGGRIK8S_CONFIG is unset and the working directory holds 2 config files (./aggrik8s.yaml, ./aggrik8s.yml), so which one is meant is unclear. Fix: keep one of them (rename or remove the others), or set AGGRIK8S_CONFIG to the one to use`,
    );
  });

  it("is not looked for when AGGRIK8S_CONFIG is set (to a file, or to empty for the demo mesh)", () => {
    const dir = scratchDir();
    write(dir, "aggrik8s.yaml");
    write(dir, "aggrik8s.yml");
    expect(loadConfig({ env: { AGGRIK8S_CONFIG: "" }, cwd: dir }).origin).toBe("demo");
    expect(loadConfig({ env: { AGGRIK8S_CONFIG: "aggrik8s.yml" }, cwd: dir }).origin).toBe("env");
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

  it("loads examples/two-hosts.yaml: two standalone hosts, two clusters on one flat LAN, without a warning", () => {
    const loaded = loadConfig({ env: { AGGRIK8S_CONFIG: path.join(__dirname, "..", "..", "..", "examples", "two-hosts.yaml") } });
    expect(loaded.warnings).toEqual([]);
    expect(loaded.config.clusters.map((c) => [c.name, c.network.nodeSubnet, c.network.gateway, c.network.vip])).toEqual([
      ["lab-red", "192.168.1.0/24", "192.168.1.1", "192.168.1.50"],
      ["lab-blue", "192.168.1.0/24", "192.168.1.1", "192.168.1.60"],
    ]);
  });

  it("loads the three-cluster example with its overrides", () => {
    const config = threeClusterConfig();
    expect(config.clusters.map((c) => c.name)).toEqual(["talos-east", "talos-west", "talos-edge"]);
    expect(config.clusters[1].platform.rookCeph).toEqual({ enabled: true, replicas: 2, filesystem: { enabled: true }, objectStore: { enabled: true } });
    expect(config.clusters[2].workers.nodes).toEqual([]);
    expect(config.clusters[2].platform.extraReleases[0]).toMatchObject({
      name: "groundcover",
      podSecurity: "privileged",
      secretValues: { "global.groundcover_token": { env: "GROUNDCOVER_TOKEN" } },
    });
  });
});
