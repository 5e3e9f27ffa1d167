// Every stack kind for every cluster of the config (AGGRIK8S_CONFIG), with the
// policy pack, as synth will run once buildMesh wires them all.
import { App } from "cdktf";
import { applyPolicies } from "../lib/aspects";
import { loadConfig } from "../lib/config/load";
import { buildAllStackKinds } from "../__tests__/helpers";

const app = new App({ stackTraces: false });
buildAllStackKinds(app, loadConfig({ env: process.env }).config);
applyPolicies(app);
app.synth();
