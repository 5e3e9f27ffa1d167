// scripts/gate.js crds-established against a stand-in Kubernetes API (TLS,
// client certificate): it waits while a CRD is missing or not Established,
// passes once every one is, and fails with the fix when time runs out. The
// tests poll every 0.2 s (GATE_INTERVAL_SECONDS) instead of the gate's 10 s,
// so no test waits for an interval to pass.
import { spawn } from "child_process";
import * as path from "path";
import { Pki, StandIn, StandInApi, makePki, startStandIn } from "../tools/kube-stand-in";

const root = path.join(__dirname, "..", "..");
const CRD_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/";
const crd = (name: string, established: boolean) => ({
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name },
  status: { conditions: [{ type: "NamesAccepted", status: "True" }, ...(established ? [{ type: "Established", status: "True" }] : [])] },
});

let pki: Pki;
let server: StandIn;
const api: StandInApi = { routes: {}, agentStatus: {} };

beforeAll(async () => {
  pki = makePki();
  server = await startStandIn(pki, api);
});
afterAll(() => server.close());

function gate(crds: string[], timeoutSeconds: number, interval = "0.2"): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, "scripts", "gate.js"), "crds-established"], {
      env: {
        PATH: process.env.PATH,
        GATE_HOST: server.url,
        GATE_CA_PEM: pki.ca,
        GATE_CERT_PEM: pki.clientCert,
        GATE_KEY_PEM: pki.clientKey,
        GATE_CRDS: crds.join(","),
        GATE_TIMEOUT_SECONDS: String(timeoutSeconds),
        GATE_INTERVAL_SECONDS: interval,
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const POOLS = "ciliumloadbalancerippools.cilium.io";
const L2 = "ciliuml2announcementpolicies.cilium.io";

it("passes at once when every CRD is Established", async () => {
  api.routes[CRD_PATH + POOLS] = crd(POOLS, true);
  api.routes[CRD_PATH + L2] = crd(L2, true);
  const r = await gate([POOLS, L2], 30);
  expect(r).toMatchObject({ code: 0, stdout: "gate crds-established: passed\n" });
});

it("waits while a CRD is not yet registered, and passes once the operator has registered it", async () => {
  delete api.routes[CRD_PATH + L2];
  const run = gate([POOLS, L2], 60);
  setTimeout(() => (api.routes[CRD_PATH + L2] = crd(L2, true)), 1000);
  const r = await run;
  expect(r.code).toBe(0);
  expect(server.requests.filter((q) => q.path === CRD_PATH + L2).length).toBeGreaterThanOrEqual(2);
}, 40000);

it("fails with what is missing and the fix when a CRD never becomes Established", async () => {
  api.routes[CRD_PATH + L2] = crd(L2, false);
  delete api.routes[CRD_PATH + POOLS];
  const r = await gate([POOLS, L2], 1);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`${POOLS} not registered; ${L2} not Established. Fix: the operator that registers them (cilium-operator for cilium.io)`);
}, 40000);

it("refuses an interval that is not a positive number of seconds, before asking the API", async () => {
  const before = server.requests.length;
  const r = await gate([POOLS], 1, "soon");
  expect(r.code).toBe(2);
  expect(r.stderr).toBe('gate: GATE_INTERVAL_SECONDS "soon" is not a positive number of seconds. Fix: unset it (10 s) or give one, e.g. 5\n');
  expect(server.requests.length).toBe(before);
});
