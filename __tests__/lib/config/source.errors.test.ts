// Mistakes as an operator writes them in the file: every problem names
// file:line:column, in the project's own words, and never repeats a value
// shaped like a credential.
import * as fs from "fs";
import * as path from "path";
import { runSynth, scratchDir } from "../../helpers";

/** A valid one-cluster mesh, as YAML lines; cases edit it by line. */
const BASE = `proxmox:
  endpoint: https://pve1.example.internal:8006/
clusters:
  - name: east
    id: 1
    network:
      nodeSubnet: 10.10.0.0/24
      gateway: 10.10.0.1
      podSubnet: 10.110.0.0/16
      serviceSubnet: 10.210.0.0/16
    controlPlane:
      memoryGiB: 8
      nodes:
        - { name: east-cp-1, ip: 10.10.0.11, vmId: 1011, proxmoxNode: pve1 }
    platform:
      rookCeph: { enabled: false }
      gatewayApi: { enabled: false }
`;

const dir = scratchDir();
let n = 0;
function synth(text: string, ext = "yaml") {
  const file = path.join(dir, `mesh-${n++}.${ext}`);
  fs.writeFileSync(file, text);
  const r = runSynth({ AGGRIK8S_CONFIG: file });
  return { ...r, file, lines: r.stderr.slice(1).map((l) => l.replace(`  - ${file}:`, "  - FILE:")) };
}
const replaceLine = (text: string, from: string, to: string) => {
  if (!text.includes(from)) throw new Error(`fixture has no ${from}`);
  return text.replace(from, to);
};

it("the base fixture is valid", () => {
  const r = synth(BASE);
  expect(r.stderr).toEqual([]);
  expect(r.code).toBe(0);
});

const CASES: [string, string, string, string[]][] = [
  // Accepted before, though wrong.
  [
    "a disk below Talos' minimum",
    "yaml",
    replaceLine(BASE, "      memoryGiB: 8\n", "      memoryGiB: 8\n      diskSizeGiB: 8\n"),
    [
      "  - FILE:13:20: clusters[0].controlPlane.diskSizeGiB: 8 GiB is below Talos' minimum system disk, 10 GiB (got 8). Fix: give diskSizeGiB at least 10 (the defaults are 32 and 64)",
    ],
  ],
  [
    "an extra release pinned to a range",
    "yaml",
    replaceLine(
      BASE,
      "      rookCeph: { enabled: false }\n",
      "      rookCeph: { enabled: false }\n      extraReleases:\n        - { name: gc, repository: https://helm.groundcover.com/, chart: groundcover, version: ^1.0.0, namespace: gc }\n",
    ),
    [
      '  - FILE:18:95: clusters[0].platform.extraReleases[0].version: not an exact chart version: a range or tag floats, so two deploys could install different charts (got "^1.0.0"). Fix: pin one version, e.g. 1.2.3',
    ],
  ],
  [
    "memory written in MiB",
    "yaml",
    replaceLine(BASE, "      memoryGiB: 8\n", "      memoryGiB: 16384\n"),
    [
      "  - FILE:12:18: clusters[0].controlPlane.memoryGiB: 16384 GiB is past any Proxmox host (over 4096 GiB): it reads like MiB (got 16384). Fix: write memoryGiB in GiB: 16384 MiB is 16 GiB",
    ],
  ],
  // The file itself.
  [
    "a duplicate key names the key and both lines",
    "yaml",
    replaceLine(BASE, "      gateway: 10.10.0.1\n", "      gateway: 10.10.0.1\n      gateway: 10.10.0.254\n"),
    ['  - FILE:9:7: key "gateway" appears twice: at line 8 and line 9. Fix: keep one of them (the parser would silently take the last)'],
  ],
  [
    "a YAML string left open points at its opening quote",
    "yaml",
    replaceLine(BASE, "  endpoint: https://pve1.example.internal:8006/\n", '  endpoint: "https://pve1.example.internal:8006/\n'),
    ['  - FILE:2:13: not valid YAML: Missing closing "quote. Fix: fix the YAML syntax at that line'],
  ],
  [
    "a flow list left open points at its bracket",
    "yaml",
    replaceLine(
      BASE,
      "      rookCeph: { enabled: false }\n",
      "      rookCeph: { enabled: false }\n    talos:\n      extensions: [siderolabs/qemu-guest-agent\n",
    ),
    ["  - FILE:18:19: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]. Fix: fix the YAML syntax at that line"],
  ],
  [
    "a JSON syntax error gives line and column",
    "json",
    '{\n  "proxmox": { "endpoint": "https://pve1:8006/" },\n  "clusters": [ }\n}\n',
    ["  - FILE:3:17: not valid JSON: Unexpected token '}'. Fix: fix the JSON syntax at that line"],
  ],
  [
    "an empty file says so",
    "yaml",
    "# nothing yet\n",
    ["  - FILE:1:1: the file is empty. Fix: write the mesh config into it: start from examples/three-clusters.yaml"],
  ],
  // Zod's words replaced by ours.
  [
    "a top-level list is cut to an excerpt",
    "yaml",
    "- proxmox: { endpoint: https://pve1.example.internal:8006/ }\n- clusters: [a, b, c, d, e, f, g, h]\n",
    [
      '  - FILE:1:1: (top level): the config must be a mapping of sections (proxmox, clusters, ...), but the file holds a list [{"proxmox":{"endpoint":"https://pve1.example.internal:80... Fix: start from examples/three-clusters.yaml',
    ],
  ],
  [
    "a mapping where a list belongs",
    "yaml",
    replaceLine(
      BASE,
      "      nodes:\n        - { name: east-cp-1, ip: 10.10.0.11, vmId: 1011, proxmoxNode: pve1 }\n",
      "      nodes: { name: east-cp-1, ip: 10.10.0.11, vmId: 1011, proxmoxNode: pve1 }\n",
    ),
    [
      '  - FILE:13:14: clusters[0].controlPlane.nodes: nodes must be a list, but it is a mapping {"name":"east-cp-1","ip":"10.10.0.11","vmId":1011,"proxmo... Fix: write nodes as a list',
    ],
  ],
  [
    "an unknown state backend lists the known ones",
    "yaml",
    `${BASE}state: { backend: consul }\n`,
    ['  - FILE:18:19: state.backend: unknown state backend "consul". Fix: use one of local, pg, s3, http'],
  ],
  [
    "a fractional number where a whole one belongs",
    "yaml",
    replaceLine(BASE, "      gateway: 10.10.0.1\n", "      gateway: 10.10.0.1\n      vlanId: 2.5\n"),
    ["  - FILE:9:15: clusters[0].network.vlanId: vlanId must be a whole number, but it is a number 2.5. Fix: write vlanId as a whole number"],
  ],
  [
    "a number below its bound says why",
    "yaml",
    replaceLine(BASE, "      rookCeph: { enabled: false }\n", "      rookCeph: { enabled: false, replicas: 0 }\n"),
    [
      "  - FILE:16:45: clusters[0].platform.rookCeph.replicas: replicas must be at least 1: Ceph keeps at least one copy of every object (got 0). Fix: set replicas to at least 1",
    ],
  ],
  [
    "a secret from both env and doppler",
    "yaml",
    replaceLine(
      BASE,
      "  endpoint: https://pve1.example.internal:8006/\n",
      "  endpoint: https://pve1.example.internal:8006/\n  apiToken: { env: PVE_TOKEN, doppler: PVE_TOKEN }\n",
    ),
    ["  - FILE:3:13: proxmox.apiToken: a secret comes from one of env or doppler, not both. Fix: keep {env: NAME} or {doppler: NAME}"],
  ],
  [
    "a key one level too high",
    "yaml",
    replaceLine(BASE, "    id: 1\n", "    id: 1\n    podSubnet: 10.110.0.0/16\n"),
    [
      '  - FILE:6:5: clusters[0]: unknown key "podSubnet". Fix: "podSubnet" belongs elsewhere: did you mean `network.podSubnet`? (allowed here: name, id, network, controlPlane, workers, talos, clustermesh, platform, allowPkiDestroy, healthGates)',
    ],
  ],
  [
    "every problem in one run: a Doppler reference without Doppler and a reused id",
    "yaml",
    `${replaceLine(BASE, "  endpoint: https://pve1.example.internal:8006/\n", "  endpoint: https://pve1.example.internal:8006/\n  apiToken: { doppler: PVE_TOKEN }\n")}  - name: west\n    id: 1\n    network: { nodeSubnet: 10.20.0.0/24, gateway: 10.20.0.1, podSubnet: 10.120.0.0/16, serviceSubnet: 10.220.0.0/16 }\n    controlPlane: { memoryGiB: 8, nodes: [{ name: west-cp-1, ip: 10.20.0.11, vmId: 2011, proxmoxNode: pve1 }] }\n    platform: { rookCeph: { enabled: false } }\n    clustermesh: { nodePort: 32380 }\n`,
    [
      "  - FILE:3:13: proxmox.apiToken: refers to a Doppler secret but doppler.enabled is false. Fix: set doppler.enabled: true (with project and config), or use {env: NAME}",
      "  - FILE:20:9: clusters[1].id: cluster id 1 is already used by clusters[0] (east). Fix: give every cluster a unique id from 1 to 255",
    ],
  ],
  [
    "a reused id is found even when the other cluster fails the schema",
    "yaml",
    `${replaceLine(BASE, "    id: 1\n", "    id: 1\n    colour: blue\n")}  - name: west\n    id: 1\n    network: { nodeSubnet: 10.20.0.0/24, gateway: 10.20.0.1, podSubnet: 10.120.0.0/16, serviceSubnet: 10.220.0.0/16 }\n    controlPlane: { memoryGiB: 8, nodes: [{ name: west-cp-1, ip: 10.20.0.11, vmId: 2011, proxmoxNode: pve1 }] }\n    platform: { rookCeph: { enabled: false } }\n    clustermesh: { nodePort: 32380 }\n`,
    [
      '  - FILE:6:5: clusters[0]: unknown key "colour". Fix: remove "colour" (allowed here: name, id, network, controlPlane, workers, talos, clustermesh, platform, allowPkiDestroy, healthGates)',
      "  - FILE:20:9: clusters[1].id: cluster id 1 is already used by clusters[0]. Fix: give every cluster a unique id",
    ],
  ],
];

describe("mistakes in the file are located and said plainly", () => {
  it.each(CASES)("%s", (_name, ext, text, expected) => {
    const r = synth(text, ext);
    expect(r.lines).toEqual(expected);
    expect(r.code).toBe(1);
  });
});

it("YAML merge keys, as Kubernetes users write them, are read", () => {
  const text = `${replaceLine(BASE, "    controlPlane:\n      memoryGiB: 8\n", "    controlPlane:\n      <<: &pool { cores: 4, memoryGiB: 6 }\n")}`;
  const r = synth(text);
  expect(r.stderr).toEqual([]);
  expect(r.code).toBe(0);
  const vms = JSON.parse(fs.readFileSync(path.join(r.outdir, "stacks", "east-vms", "cdk.tf.json"), "utf8"));
  expect((Object.values(vms.resource.proxmox_virtual_environment_vm)[0] as any).memory.dedicated).toBe(6144);
});

describe("no error repeats a value shaped like a credential", () => {
  const SECRETS = {
    proxmoxToken: "root@pam!terraform=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
    dopplerToken: "dp.st.prd.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd",
    pem: "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----",
    urlPassword: "s3cr3t-pa55word",
    honeycombKey: "hcaik01hq3xyzABCDEF0123456789abcdefGHIJ",
  };
  const PLACES: [string, string][] = [
    [
      "a Proxmox token where an env name belongs",
      replaceLine(
        BASE,
        "  endpoint: https://pve1.example.internal:8006/\n",
        `  endpoint: https://pve1.example.internal:8006/\n  apiToken: { env: "${SECRETS.proxmoxToken}" }\n`,
      ),
    ],
    [
      "a literal Proxmox token",
      replaceLine(
        BASE,
        "  endpoint: https://pve1.example.internal:8006/\n",
        `  endpoint: https://pve1.example.internal:8006/\n  apiToken: "${SECRETS.proxmoxToken}"\n`,
      ),
    ],
    ["a literal Doppler token", `${BASE}doppler: { enabled: true, token: "${SECRETS.dopplerToken}" }\n`],
    ["a Doppler token as an env name", `${BASE}doppler: { enabled: true, token: { env: "${SECRETS.dopplerToken}" } }\n`],
    ["a PEM block as a cluster name", replaceLine(BASE, "  - name: east\n", `  - name: "${SECRETS.pem}"\n`)],
    ["a PEM block as a key", `${BASE}"${SECRETS.pem}": 1\n`],
    ["a URL with a password", `${BASE}state: { backend: pg, connStr: "postgres://tf:${SECRETS.urlPassword}@db.internal:5432/tf" }\n`],
    [
      "an API key as a secret value",
      replaceLine(
        BASE,
        "      rookCeph: { enabled: false }\n",
        `      rookCeph: { enabled: false }\n      openTelemetry: { apiKey: "${SECRETS.honeycombKey}" }\n`,
      ),
    ],
    ["an API key as an endpoint", replaceLine(BASE, "  endpoint: https://pve1.example.internal:8006/\n", `  endpoint: "${SECRETS.honeycombKey}"\n`)],
    ["a token in a JSON syntax error", `{"proxmox": {"apiToken": "${SECRETS.proxmoxToken}" ]`],
  ];
  it.each(PLACES)("%s", (_name, text) => {
    const r = synth(text, text.startsWith("{") ? "json" : "yaml");
    expect(r.code).toBe(1);
    const out = r.stderr.join("\n");
    for (const [kind, secret] of Object.entries(SECRETS)) {
      const parts = kind === "pem" ? ["MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"] : [secret];
      for (const p of parts) expect({ kind, leaked: out.includes(p) }).toEqual({ kind, leaked: false });
    }
  });
});
