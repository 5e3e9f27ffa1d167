// Every cross-field rule, on its own: the default mesh passes it, and a config
// that breaks it is reported by it (exact messages: load.errors.test.ts).
import { RULES } from "../../../lib/config/rules";
import { MeshConfigInput, MeshConfigSchema } from "../../../lib/config/schema";
import { Problem } from "../../../lib/errors";
import { defaultInput } from "../../helpers";

type Edit = (c: MeshConfigInput & Record<string, any>) => void;
/** An age X25519 recipient (public key) shaped as age-keygen prints one. */
const AGE_KEY = "age1eudfewpz730t3jhra2pmqqnfscd9rpr8s9rsrzhgg3dvsku2rzaqe90sjh";

const FAILING: Record<keyof typeof RULES, Edit> = {
  namesAndIds: (c) => {
    c.clusters[1].id = 1;
  },
  addressRanges: (c) => {
    c.clusters[1].network.podSubnet = c.clusters[0].network.podSubnet;
  },
  subnetAddresses: (c) => {
    c.clusters[0].network.vip = "10.10.0.11";
  },
  lanAddresses: (c) => {
    // West on east's LAN (allowed), with east's VIP (not).
    Object.assign(c.clusters[1].network, { nodeSubnet: "10.10.0.0/24", gateway: "10.10.0.1", vip: "10.10.0.10" });
    c.clusters[1].controlPlane.nodes.forEach((n, i) => (n.ip = `10.10.0.${111 + i}`));
    c.clusters[1].workers!.nodes!.forEach((n, i) => (n.ip = `10.10.0.${121 + i}`));
  },
  rookMons: (c) => {
    c.clusters[0].workers!.nodes!.pop();
  },
  clusterShape: (c) => {
    c.clusters[0].controlPlane.nodes.pop();
  },
  extraReleaseNamespaces: (c) => {
    c.clusters[0].platform = {
      extraReleases: [{ name: "x", repository: "https://charts.example.com/", chart: "x", version: "1.0.0", namespace: "kube-system" }],
    };
  },
  resources: (c) => {
    c.clusters[0].controlPlane.cores = 1;
  },
  capacity: (c) => {
    c.clusters[0].workers!.memoryGiB = 4;
  },
  versions: (c) => {
    c.versions = { talos: "v1.9.5" };
  },
  clustermesh: (c) => {
    c.clusters[1].clustermesh = { nodePort: 32379 };
  },
  secretsAndTls: (c) => {
    c.proxmox.insecure = true;
  },
  proxmoxEndpoints: (c) => {
    delete c.proxmox.endpoint;
  },
  literalSecrets: (c) => {
    c.clusters[0].platform = {
      extraReleases: [
        { name: "x", repository: "https://charts.example.com/", chart: "x", version: "1.0.0", namespace: "x", values: { adminPassword: "S3cr3tP@ssw0rd!" } },
      ],
    };
  },
  componentNeeds: (c) => {
    c.clusters[0].platform = { rookCeph: { enabled: false }, proxmoxCsi: { enabled: false } };
  },
  rookStores: (c) => {
    c.clusters[0].platform = { rookCeph: { objectStore: { replicas: 4 } } };
  },
  proxmoxCsiApi: (c) => {
    c.proxmox.hosts = { pve2: { endpoint: "https://pve2.example.internal:8006/" } };
    c.clusters[0].platform = { rookCeph: { enabled: false } };
  },
  chartSources: (c) => {
    c.charts = { source: "dir", dir: "/nonexistent/aggrik8s-charts" };
  },
  lbPoolOverlaps: (c) => {
    c.clusters[1].network.loadBalancer = { pool: c.clusters[0].network.loadBalancer!.pool };
  },
  lbPoolSize: (c) => {
    c.clusters[0].network.loadBalancer = { pool: "10.10.0.200/32" };
  },
  lbPoolReach: (c) => {
    c.clusters[0].network.loadBalancer = { pool: "10.40.0.0/28" };
  },
  clustermeshLoadBalancer: (c) => {
    c.clusters[0].clustermesh = { serviceType: "LoadBalancer" };
  },
  gatewayApi: (c) => {
    c.versions = { cilium: "1.20.0" };
  },
  gatewayAddress: (c) => {
    c.clusters[0].platform = { gateway: { address: "10.10.0.250" } };
  },
  etcdBackupTarget: (c) => {
    c.clusters[0].platform = { etcdBackup: { enabled: true, agePublicKey: AGE_KEY } };
  },
  etcdBackupPathStyle: (c) => {
    c.clusters[0].platform = { etcdBackup: { enabled: true, agePublicKey: AGE_KEY, s3: { bucket: "talos-backups", pathStyle: true } } };
  },
};

/**
 * The rules whose breaking edit above is only warned about (synth goes on);
 * every other rule's is an error (synth stops). Kept apart so a rule demoted
 * to a warning, or a warning promoted to an error, fails here.
 */
const WARNS: ReadonlySet<keyof typeof RULES> = new Set<keyof typeof RULES>(["rookMons", "secretsAndTls"]);

/**
 * For the rules that refuse some configs and only warn about others: an edit
 * that must be warned about, and not refused.
 */
const WARNING: Partial<Record<keyof typeof RULES, Edit>> = {
  clustermesh: (c) => {
    c.clusters[0].talos = { extensions: ["siderolabs/iscsi-tools"] };
  },
  lbPoolReach: (c) => {
    delete c.clusters[0].network.loadBalancer;
  },
  proxmoxEndpoints: (c) => {
    c.proxmox.hosts = { pve9: { endpoint: "https://pve9.example.internal:8006/" } };
  },
  resources: (c) => {
    c.clusters[0].controlPlane.cores = 3;
  },
  versions: (c) => {
    c.versions = { kubernetes: "1.36.0" };
  },
};

interface Findings {
  readonly errors: Problem[];
  readonly warnings: Problem[];
}

function findings(rule: keyof typeof RULES, edit: Edit = () => {}): Findings {
  const input = defaultInput();
  edit(input as any);
  const errors: Problem[] = [];
  const warnings: Problem[] = [];
  const report = {
    err: (path: string, message: string, fix: string) => errors.push({ path, message, fix }),
    warn: (path: string, message: string, fix: string) => warnings.push({ path, message, fix }),
  };
  RULES[rule](MeshConfigSchema.parse(input), report);
  return { errors, warnings };
}

const NONE: Findings = { errors: [], warnings: [] };

/** Configs each rule must accept beyond the default mesh: what a rule allows matters as much as what it refuses. */
const PASSING: Partial<Record<keyof typeof RULES, [string, Edit][]>> = {
  addressRanges: [
    [
      "two clusters on one flat LAN (a shared node subnet)",
      (c) => {
        Object.assign(c.clusters[1].network, { nodeSubnet: "10.10.0.0/24", gateway: "10.10.0.1", vip: "10.10.0.20" });
      },
    ],
    [
      "overlapping node subnets (a /23 and a /24 inside it)",
      (c) => {
        c.clusters[1].network.nodeSubnet = "10.10.0.0/23";
      },
    ],
  ],
  lanAddresses: [
    [
      "two clusters on one flat LAN, one router, distinct VIPs and node IPs",
      (c) => {
        Object.assign(c.clusters[1].network, { nodeSubnet: "10.10.0.0/24", gateway: "10.10.0.1", vip: "10.10.0.110" });
        c.clusters[1].controlPlane.nodes.forEach((n, i) => (n.ip = `10.10.0.${111 + i}`));
        c.clusters[1].workers!.nodes!.forEach((n, i) => (n.ip = `10.10.0.${121 + i}`));
      },
    ],
  ],
  gatewayAddress: [
    [
      "the Gateway at the pool's first address, the clustermesh-apiserver at its second",
      (c) => {
        c.clusters[0].platform = { gateway: { address: "10.10.0.200" } };
        c.clusters[0].clustermesh = { serviceType: "LoadBalancer", loadBalancerIP: "10.10.0.201" };
      },
    ],
    [
      "the Gateway at the pool's last address, clustermesh on NodePort",
      (c) => {
        c.clusters[0].platform = { gateway: { address: "10.10.0.219" } };
      },
    ],
    [
      "an address outside the pool on a cluster whose Gateway is off",
      (c) => {
        c.clusters[0].platform = { gateway: { enabled: false, address: "10.10.0.250" } };
      },
    ],
  ],
  proxmoxCsiApi: [
    [
      "a cluster behind the PVE cluster's endpoint and a standalone host, with the plugin's token on that host",
      (c) => {
        c.proxmox.hosts = { pve2: { endpoint: "https://pve2.example.internal:8006/" } };
        c.clusters[0].platform = { rookCeph: { enabled: false }, proxmoxCsi: { hosts: { pve2: { tokenSecret: { env: "PVE2_CSI" } } } } };
      },
    ],
  ],
  etcdBackupTarget: [
    [
      "backups on with a bucket and an age key",
      (c) => {
        c.clusters[0].platform = { etcdBackup: { enabled: true, agePublicKey: AGE_KEY, s3: { bucket: "talos-backups" } } };
      },
    ],
    ["backups off with neither", (c) => void (c.clusters[0].platform = { etcdBackup: { enabled: false } })],
  ],
  etcdBackupPathStyle: [
    [
      "pathStyle with an endpoint",
      (c) => {
        c.clusters[0].platform = {
          etcdBackup: { enabled: true, agePublicKey: AGE_KEY, s3: { bucket: "talos-backups", endpoint: "https://minio.lab.internal:9000", pathStyle: true } },
        };
      },
    ],
    ["pathStyle without an endpoint on a cluster whose backups are off", (c) => void (c.clusters[0].platform = { etcdBackup: { s3: { pathStyle: true } } })],
  ],
  rookMons: [
    [
      "rook-ceph off on 2 workers",
      (c) => {
        c.clusters[0].workers!.nodes!.pop();
        c.clusters[0].platform = { rookCeph: { enabled: false } };
      },
    ],
  ],
};

describe.each(Object.keys(RULES) as (keyof typeof RULES)[])("rule %s", (rule) => {
  const level = WARNS.has(rule) ? "warning" : "error";

  it("passes the default mesh, with neither an error nor a warning", () => {
    expect(findings(rule)).toEqual(NONE);
  });

  it(`reports a config that breaks it as ${level === "error" ? "an error" : "a warning only"}`, () => {
    const { errors, warnings } = findings(rule, FAILING[rule]);
    if (level === "error") expect(errors.length).toBeGreaterThan(0);
    else expect({ errors, warned: warnings.length > 0 }).toEqual({ errors: [], warned: true });
  });

  const warning = WARNING[rule];
  if (warning)
    it("warns about a config it accepts with a caveat, with no error", () => {
      const { errors, warnings } = findings(rule, warning);
      expect({ errors, warned: warnings.length > 0 }).toEqual({ errors: [], warned: true });
    });

  it.each(PASSING[rule] ?? [["(no further case)", () => {}] as [string, Edit]])("accepts %s, with neither an error nor a warning", (_name, edit) => {
    expect(findings(rule, edit)).toEqual(NONE);
  });
});
