// Loads the mesh config and wires the stacks; everything else lives in lib/ and stacks/.
import { runApp } from "./lib/app";
import { buildMesh } from "./stacks";

process.exitCode = runApp({ env: process.env, build: buildMesh });
