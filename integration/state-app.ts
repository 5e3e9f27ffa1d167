// What proofs/state.ts deploys against real PostgreSQL and MinIO, in the backend
// the config (AGGRIK8S_CONFIG) names:
// - state-producer -> state-consumer: a cross-stack reference that needs no
//   provider at all (terraform_data is built in);
// - the mesh as main.ts builds it (buildMesh: the mesh CA) and mesh-ca-reader,
//   which takes the CA certificate and private key through remote state, as
//   every cluster's Cilium stack does.
import { App, DataResource, Fn, TerraformOutput } from "cdktf";
import { loadConfig } from "../lib/config/load";
import { Aggrik8sStack } from "../stacks/base";
import { buildMesh } from "../stacks";

const { config } = loadConfig({ env: process.env });
const app = new App({ stackTraces: false });
const producer = new Aggrik8sStack(app, "state-producer", { state: config.state });
const made = new DataResource(producer, "value", { input: { value: "made-by-state-producer" } });
const consumer = new Aggrik8sStack(app, "state-consumer", { state: config.state });
const copy = new DataResource(consumer, "copy", { input: { value: made.output.lookup("value") } });
new TerraformOutput(consumer, "copied", { value: copy.output.lookup("value") });

const { meshCa } = buildMesh(app, config);
const reader = new Aggrik8sStack(app, "mesh-ca-reader", { state: config.state });
new TerraformOutput(reader, "ca_certificate_pem", { value: meshCa.ca.certificatePem });
// A digest, not the key: enough to show the sensitive value crossed stacks intact.
new TerraformOutput(reader, "ca_private_key_sha256", { value: Fn.sha256(meshCa.ca.privateKeyPem), sensitive: true });
app.synth();
