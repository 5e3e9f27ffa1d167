// The apply proof's stand-in for a deployed Talos stack must carry every
// output the real stack declares, in the shapes the talos provider gives
// them, or the downstream stacks would read something no real deploy gives.
import * as fs from "fs";
import * as path from "path";
import { writeTalosFixtureState } from "../../proofs/apply/fixture-state";
import { fixture } from "../fixtures";
import { scratchDir } from "../helpers";

const k8s = { host: "https://127.0.0.1:16002", caPem: "CA PEM", clientCertPem: "CERT PEM", clientKeyPem: "KEY PEM" };
const talos = { caPem: "TALOS CA", certPem: "TALOS CERT", keyPem: "TALOS KEY" };
// The whole app's synthesis (fixtures.ts), so the cross-stack outputs other stacks read exist.
const stack = fixture("default").json("talos-east-talos");
const file = path.join(scratchDir(), "state", "talos-east-talos.tfstate");
const names = writeTalosFixtureState(stack, file, "talos-east", k8s, talos);
const state = JSON.parse(fs.readFileSync(file, "utf8"));
const value = (suffix: RegExp) => Object.entries(state.outputs as Record<string, { value: string }>).find(([n]) => suffix.test(n))![1].value;

it("holds exactly the outputs the Talos stack declares, sensitive where they are", () => {
  expect(names.sort()).toEqual(Object.keys(stack.output).sort());
  for (const [name, o] of Object.entries(stack.output as Record<string, { sensitive?: boolean }>))
    expect(state.outputs[name].sensitive ?? false).toBe(o.sensitive ?? false);
});

it("gives the Kubernetes client configuration as the provider does: the host plain, certificates and key base64", () => {
  expect(value(/kubernetes_client_configurationhost$/)).toBe(k8s.host);
  expect(Buffer.from(value(/kubernetes_client_configurationca_certificate$/), "base64").toString()).toBe("CA PEM");
  expect(Buffer.from(value(/kubernetes_client_configurationclient_key$/), "base64").toString()).toBe("KEY PEM");
});

it("is a state file the engine reads: version 4, no resources, readable only by its owner", () => {
  expect(state).toMatchObject({ version: 4, serial: 1, resources: [] });
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
});

it("refuses an output it has no value for, naming it", () => {
  expect(() => writeTalosFixtureState({ output: { x: { value: "${talos_new.thing.attr}" } } }, file, "talos-east", k8s, talos)).toThrow(
    'fixture state: no value for output x = "${talos_new.thing.attr}" of talos-east\'s Talos stack; add its attribute to proofs/apply/fixture-state.ts',
  );
});
