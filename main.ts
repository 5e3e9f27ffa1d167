// Loads the mesh config and wires the stacks; everything else lives in lib/ and stacks/.
import { CONTEXT_ENV } from "cdktf";
import { runApp } from "./tools/app";
import { buildMesh } from "./stacks";

// Run by the cdktf CLI (which sets CONTEXT_ENV), the CLI lists the stacks itself.
process.exitCode = runApp({ env: process.env, build: buildMesh, announce: process.env[CONTEXT_ENV] === undefined });
