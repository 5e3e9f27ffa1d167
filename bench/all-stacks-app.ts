// Every stack of the config (AGGRIK8S_CONFIG) with the policy pack, as synth
// builds them, without the config loader's file handling.
import { App } from "cdktf";
import { applyPolicies } from "../lib/aspects";
import { loadConfig } from "../lib/config/load";
import { buildMesh } from "../stacks";

const app = new App({ stackTraces: false });
buildMesh(app, loadConfig({ env: process.env }).config);
applyPolicies(app);
app.synth();
