// `npm run preflight` (and deploy, which runs it first) against stand-in
// Proxmox VE APIs on 127.0.0.1: HTTPS with a CA made here, the token checked,
// answers recorded in fixtures/proxmox-api/ in the shape the Proxmox VE 9 API
// documents (https://pve.proxmox.com/pve-docs/api-viewer/: GET /version,
// /nodes, /nodes/{node}/storage, /nodes/{node}/network,
// /cluster/resources?type=vm, /access/permissions; every answer is {"data": ...}).
import { spawn } from "child_process";
import * as fs from "fs";
import * as https from "https";
import type { AddressInfo } from "net";
import * as path from "path";
import YAML from "yaml";
import { allComponentsOff, scratchDir, writeConfig } from "../helpers";
import { hasPrivilege } from "../../tools/preflight";
import { Pki, makePki } from "./kube-stand-in";

const root = path.join(__dirname, "..", "..");
const FIXTURES = path.join(__dirname, "fixtures", "proxmox-api");
const fixture = (file: string, vars: Record<string, string>) =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, file), "utf8").replace(/\{\{(\w+)\}\}/g, (_, k: string) => vars[k]));

const TOKENS = { "pve-a": "aggrik8s@pve!deploy=0b6f8e4c-1d2a-4c3b-9e8f-7a6b5c4d3e2f", "pve-b": "aggrik8s@pve!deploy=5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a" };

/** One standalone host's API: GET path -> body (or a status code), read on every request. */
type Routes = Record<string, unknown>;

function hostRoutes(node: string, octet: string): Routes {
  return {
    "/api2/json/version": fixture("version.json", {}),
    "/api2/json/nodes": fixture("nodes.json", { node }),
    [`/api2/json/nodes/${node}/storage`]: fixture("storage.json", {}),
    [`/api2/json/nodes/${node}/network`]: fixture("network.json", { octet }),
    "/api2/json/cluster/resources?type=vm": fixture("cluster-resources-vm.json", { node }),
    "/api2/json/access/permissions": fixture("access-permissions.json", {}),
  };
}

interface Host {
  url: string;
  routes: Routes;
  seen: { method: string; path: string }[];
  server: https.Server;
}

async function startHost(pki: Pki, node: keyof typeof TOKENS, octet: string): Promise<Host> {
  const host: Host = { url: "", routes: hostRoutes(node, octet), seen: [], server: undefined as unknown as https.Server };
  host.server = https.createServer({ key: pki.serverKey, cert: pki.serverCert }, (req, res) => {
    host.seen.push({ method: req.method ?? "", path: req.url ?? "" });
    res.setHeader("Content-Type", "application/json;charset=UTF-8");
    // Proxmox answers a bad token with 401 and {"data": null}.
    if (req.headers.authorization !== `PVEAPIToken=${TOKENS[node]}`) {
      res.statusCode = 401;
      res.statusMessage = "invalid token value!";
      return res.end(JSON.stringify({ data: null }));
    }
    const body = host.routes[req.url ?? ""];
    if (typeof body === "number") {
      res.statusCode = body;
      res.statusMessage = body === 403 ? "Permission check failed" : "error";
      return res.end(JSON.stringify({ data: null }));
    }
    if (body === undefined) {
      res.statusCode = 501;
      res.statusMessage = `Method 'GET ${req.url}' not implemented`;
      return res.end(JSON.stringify({ data: null }));
    }
    return res.end(JSON.stringify(body));
  });
  await new Promise<void>((r) => host.server.listen(0, "127.0.0.1", r));
  host.url = `https://127.0.0.1:${(host.server.address() as AddressInfo).port}/`;
  return host;
}

let pki: Pki;
let caFile: string;
let hosts: Record<"pve-a" | "pve-b", Host>;

beforeAll(() => {
  pki = makePki();
  caFile = path.join(scratchDir(), "ca.crt");
  fs.writeFileSync(caFile, pki.ca);
});
beforeEach(async () => {
  hosts = { "pve-a": await startHost(pki, "pve-a", "2"), "pve-b": await startHost(pki, "pve-b", "3") };
});
afterEach(async () => {
  for (const h of Object.values(hosts)) {
    h.server.closeAllConnections();
    await new Promise((r) => h.server.close(r));
  }
});

/** examples/two-hosts.yaml with its two hosts pointed at the stand-ins, every component off (fewer secrets for deploy). */
function config(edit: (c: any) => void = () => {}): string {
  const c = YAML.parse(fs.readFileSync(path.join(root, "examples", "two-hosts.yaml"), "utf8"));
  c.proxmox.hosts["pve-a"].endpoint = hosts["pve-a"].url;
  c.proxmox.hosts["pve-b"].endpoint = hosts["pve-b"].url;
  for (const cl of c.clusters) cl.platform = allComponentsOff();
  edit(c);
  return writeConfig(c);
}

function run(entry: string, args: string[], file: string, env: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, "dist", "scripts", entry.replace(/\.ts$/, ".js")), ...args], {
      cwd: scratchDir(),
      env: {
        ...process.env,
        AGGRIK8S_CONFIG: file,
        NODE_EXTRA_CA_CERTS: caFile,
        PVE_A_API_TOKEN: TOKENS["pve-a"],
        PVE_B_API_TOKEN: TOKENS["pve-b"],
        CHECKPOINT_DISABLE: "1",
        ...env,
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
const preflight = (file: string, env: NodeJS.ProcessEnv = {}) => run("preflight.ts", [], file, env);

describe("npm run preflight", () => {
  it("finds two standalone hosts ready, reading only, and exits 0", async () => {
    const r = await preflight(config());
    expect({ status: r.status, lines: r.stdout.trim().split("\n") }).toEqual({
      status: 0,
      lines: [
        `preflight: ${hosts["pve-a"].url} (pve-a): ok (1 node, 2 VM ids)`,
        `preflight: ${hosts["pve-b"].url} (pve-b): ok (1 node, 2 VM ids)`,
        "preflight: 2 Proxmox endpoints ready",
      ],
    });
    const seen = hosts["pve-a"].seen;
    expect(seen.every((s) => s.method === "GET")).toBe(true);
    expect(seen.map((s) => s.path).sort()).toEqual(Object.keys(hosts["pve-a"].routes).sort());
  });

  it("reports every problem of every endpoint at once, each with its fix", async () => {
    const a = hosts["pve-a"].routes as any;
    const b = hosts["pve-b"].routes as any;
    // pve-a: its VM datastore gone, the ISO datastore without iso, VM id 1052 taken; pve-b: bridge not VLAN-aware, no Sys.Modify, no VM rights on one VM.
    a["/api2/json/nodes/pve-a/storage"].data = a["/api2/json/nodes/pve-a/storage"].data.filter((s: any) => s.storage !== "local-lvm");
    a["/api2/json/nodes/pve-a/storage"].data[0].content = "vztmpl,backup";
    a["/api2/json/cluster/resources?type=vm"].data.push({ id: "qemu/1062", type: "qemu", vmid: 1062, name: "nas", node: "pve-a", status: "running" });
    b["/api2/json/nodes/pve-b/network"].data[1].bridge_vlan_aware = 0;
    b["/api2/json/access/permissions"].data["/nodes"] = { "Sys.Audit": 1 };
    b["/api2/json/access/permissions"].data["/vms/1061"] = { "VM.Audit": 0 };
    const file = config((c) => (c.clusters[1].network.vlanId = 20));
    const r = await preflight(file);
    expect(r.status).toBe(1);
    expect(r.stdout.trim().split("\n")).toEqual([
      `preflight: ${hosts["pve-a"].url} (pve-a): 4 problems (1 node, 2 VM ids)`,
      '  - clusters[0].controlPlane.datastore: datastore "local-lvm" is not on Proxmox node pve-a (or the token cannot see it: Datastore.Audit). Fix: name one of local, or grant Datastore.Audit on /storage',
      '  - clusters[1].workers.datastore: datastore "local-lvm" is not on Proxmox node pve-a (or the token cannot see it: Datastore.Audit). Fix: name one of local, or grant Datastore.Audit on /storage',
      '  - proxmox.hosts.pve-a.isoDatastore: datastore "local" on pve-a does not take ISO images (content: vztmpl,backup). Fix: pvesm set local --content vztmpl,backup,iso, or set isoDatastore to a datastore with content iso',
      '  - clusters[1].workers.nodes[0].vmId: VM id 1062 is taken by qemu "nas" on pve-a. Fix: give blue-w-1 a free id (pvesh get /cluster/nextid suggests one)',
      `preflight: ${hosts["pve-b"].url} (pve-b): 3 problems (1 node, 2 VM ids)`,
      '  - clusters[1].network.vlanId: bridge "vmbr0" on pve-b is not VLAN-aware, so VLAN 20 cannot be tagged on it. Fix: tick "VLAN aware" on vmbr0 (bridge-vlan-aware yes in /etc/network/interfaces) and ifreload -a, or drop vlanId',
      "  - proxmox.hosts.pve-b: the token lacks VM.Allocate, VM.Config.CDROM, VM.Config.CPU, VM.Config.Cloudinit, VM.Config.Disk, VM.Config.HWType, VM.Config.Memory, VM.Config.Network, VM.Config.Options, VM.Console, VM.PowerMgmt, VM.GuestAgent.Audit on /vms/1061. Fix: pveum acl modify /vms -user <user> -role AggriK8s (grant the role of the README's prerequisites (pveum role add AggriK8s ...; pveum acl modify <path> -user <user> -role AggriK8s))",
      "  - proxmox.hosts.pve-b: the token lacks Sys.Modify on /nodes/pve-b. (Sys.Audit and Sys.Modify are for the ISO download's URL query; proxmox.isoTransfer: upload needs neither.) Fix: pveum acl modify /nodes -user <user> -role AggriK8s (grant the role of the README's prerequisites (pveum role add AggriK8s ...; pveum acl modify <path> -user <user> -role AggriK8s))",
      "preflight: 7 problems on 2 of 2 Proxmox endpoints; nothing was changed",
    ]);
  });

  it("names a Proxmox node the endpoint does not have, with the ones it has", async () => {
    (hosts["pve-b"].routes as any)["/api2/json/nodes"].data[0].node = "pve-b2";
    const r = await preflight(config());
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      `  - proxmox.hosts.pve-b: Proxmox node "pve-b" is not behind ${hosts["pve-b"].url} (it has: pve-b2). Fix: write proxmoxNode as Proxmox names the node, or add it under proxmox.hosts with its own endpoint`,
    );
  });

  it("keeps TLS verification on: a certificate this machine does not trust is refused, unless insecure is set", async () => {
    const refused = await preflight(config(), { NODE_EXTRA_CA_CERTS: "" });
    expect(refused.status).toBe(1);
    expect(refused.stdout).toMatch(
      new RegExp(
        `proxmox\\.hosts\\.pve-a: ${hosts["pve-a"].url.replace(/\./g, "\\.")}: TLS verification failed \\(.*certificate.*\\)\\. Fix: give Proxmox a certificate your machine trusts`,
      ),
    );
    const insecure = await preflight(
      config((c) => (c.proxmox.insecure = true)),
      { NODE_EXTRA_CA_CERTS: "" },
    );
    expect(insecure.status).toBe(0);
  });

  it("says which token is missing or refused", async () => {
    const r = await preflight(config(), { PVE_A_API_TOKEN: "", PVE_B_API_TOKEN: "aggrik8s@pve!deploy=00000000-0000-0000-0000-000000000000" });
    expect(r.status).toBe(1);
    const lines = r.stdout.split("\n");
    expect(lines).toContain(`  - the API token of ${hosts["pve-a"].url}: PVE_A_API_TOKEN is not set. Fix: export PVE_A_API_TOKEN='user@realm!id=<secret>'`);
    expect(lines).toContain(
      `  - proxmox.hosts.pve-b: ${hosts["pve-b"].url} refused the API token (401). Fix: check the token (user@realm!id=secret) in the variable the config names, and that it has not expired`,
    );
  });
});

it("npm run deploy runs the preflight first and stops on a problem, before cdktf deploys anything", async () => {
  (hosts["pve-b"].routes as any)["/api2/json/nodes/pve-b/network"].data[1].iface = "vmbr1";
  const r = await run("cdktf.ts", ["deploy", "--auto-approve"], config());
  expect(r.status).toBe(1);
  expect(r.stdout).toContain(
    '  - clusters[0].network.bridge: bridge "vmbr0" is not on Proxmox node pve-b (bridges there: vmbr1). Fix: name one of them, or create it on pve-b',
  );
  expect(r.stderr).toContain("deploy: stopped by the preflight (npm run preflight): fix the problems above, or pass --skip-preflight");
  expect(r.stderr).not.toContain("in this order");
  // A synth of the mesh first: seconds on a loaded machine.
}, 30_000);

describe("privileges as Proxmox computes them", () => {
  const perms = { "/": { "Sys.Audit": 0 }, "/vms": { "VM.Audit": 1 }, "/vms/100": { "VM.Console": 1 }, "/storage": { "Datastore.Audit": 0 } };
  it.each([
    ["/vms/101", "VM.Audit", true],
    ["/vms/100", "VM.Audit", false],
    ["/vms/100", "VM.Console", true],
    ["/storage", "Datastore.Audit", true],
    ["/vms/100/x", "VM.Console", true],
    ["/storage/local", "Datastore.Audit", false],
    ["/nodes/pve1", "Sys.Audit", false],
  ])("%s %s: %s", (p, priv, expected) => {
    expect(hasPrivilege(perms, p, priv)).toBe(expected);
  });
});
