// `npm run synth`: main.ts, the app cdktf.json names, behind the command-line
// shape every npm script shares (--help; unknown flags refused).
import { cli } from "./lib/cli";

cli({
  name: "synth",
  summary: "Synthesizes every stack of the mesh config into cdktf.out/ (AGGRIK8S_CONFIG, else ./aggrik8s.yaml, else the embedded demo mesh).",
});
require("../main");
