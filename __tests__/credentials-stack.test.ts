import { Testing } from "cdktf";
import { CredentialsStack, MeshCredentialsStack } from "../stacks/credentials-stack";
import { parse, prepareAll, resolvedConfig, standInTalos } from "./helpers";

function build() {
  const config = resolvedConfig();
  const app = Testing.app();
  const talos = config.clusters.map((c) => ({ name: c.name, ...standInTalos(app, c.name) }));
  const perCluster = talos.map((t) => new CredentialsStack(app, { cluster: { name: t.name, credentials: t.credentials }, talosconfig: t.talosconfig, dir: config.credentials.dir }));
  const mesh = new MeshCredentialsStack(app, { clusters: talos.map((t) => ({ name: t.name, credentials: t.credentials })), dir: config.credentials.dir });
  prepareAll(app);
  return { perCluster, mesh };
}

const files = (json: any) => Object.values(json.resource.local_sensitive_file) as any[];

describe("credential export", () => {
  const { perCluster, mesh } = build();
  const east = parse(Testing.synth(perCluster[0]));
  const merged = parse(Testing.synth(mesh));

  it("matches the snapshots", () => {
    expect(Testing.synth(perCluster[0])).toMatchSnapshot();
    expect(Testing.synth(mesh)).toMatchSnapshot();
  });

  it("writes one kubeconfig/talosconfig pair per cluster, owner-only, in the gitignored directory", () => {
    expect(perCluster.map((s) => s.node.id)).toEqual(["talos-east-credentials", "talos-west-credentials"]);
    expect(files(east).map((f) => [f.filename, f.file_permission, f.directory_permission])).toEqual([
      ["../../../credentials/talos-east/kubeconfig", "0600", "0700"],
      ["../../../credentials/talos-east/talosconfig", "0600", "0700"],
    ]);
    expect(east.output).toEqual({ kubeconfig_path: { value: "credentials/talos-east/kubeconfig" }, talosconfig_path: { value: "credentials/talos-east/talosconfig" } });
  });

  it("takes the talosconfig from the Talos stack", () => {
    expect(files(east)[1].content).toBe("${data.terraform_remote_state.cross-stack-reference-input-talos-east-talos.outputs.cross-stack-output-vartalosconfig}");
  });

  it("renders a kubeconfig with one admin context per cluster from the Talos stacks' outputs", () => {
    const [file] = files(merged);
    expect(file.filename).toBe("../../../credentials/kubeconfig");
    const content: string = file.content;
    expect(content).toMatch(/^\$\{yamlencode\(\{/);
    expect(content).toContain('"current-context" = "admin@talos-east"');
    for (const c of ["talos-east", "talos-west"]) {
      expect(content).toContain(`"name" = "admin@${c}"`);
      expect(content).toContain(`base64encode(data.terraform_remote_state.cross-stack-reference-input-${c}-talos.outputs.cross-stack-output-varkey)`);
    }
  });
});
