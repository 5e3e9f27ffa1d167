import { Testing } from "cdktf";
import { Secret } from "../../.gen/providers/doppler/secret";
import { fixture } from "../fixtures";
import { meshApp, parse, resolvedConfig } from "../helpers";

function build(edit?: Parameters<typeof resolvedConfig>[0]) {
  const { stacks } = meshApp(resolvedConfig(edit));
  return { perCluster: stacks.clusters.map((c) => c.credentials), mesh: stacks.meshCredentials };
}

const files = (json: any) => Object.values(json.resource.local_sensitive_file) as any[];

describe("credential export", () => {
  // The default mesh's synthesis, shared by every test file of the run (fixtures.ts).
  const mesh = fixture("default");
  const perCluster = mesh.stacks.filter((s) => s.kind === "credentials");
  const east = mesh.json(perCluster[0].name);
  const merged = mesh.json("mesh-credentials");

  it("matches the snapshots", () => {
    expect(perCluster[0].synth).toMatchSnapshot();
    expect(mesh.stack("mesh-credentials").synth).toMatchSnapshot();
  });

  it("writes one kubeconfig/talosconfig pair per cluster, owner-only, in the gitignored directory", () => {
    expect(perCluster.map((s) => s.name)).toEqual(["talos-east-credentials", "talos-west-credentials"]);
    expect(files(east).map((f) => [f.filename, f.file_permission, f.directory_permission])).toEqual([
      ["../../../credentials/talos-east/kubeconfig", "0600", "0700"],
      ["../../../credentials/talos-east/talosconfig", "0600", "0700"],
    ]);
    expect(east.output).toEqual({
      kubeconfig_path: { value: "credentials/talos-east/kubeconfig" },
      talosconfig_path: { value: "credentials/talos-east/talosconfig" },
    });
  });

  it("takes the talosconfig from the Talos stack", () => {
    expect(files(east)[1].content).toMatch(
      /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-talos-east-talos\.outputs\.cross-stack-output-datatalos_client_configurationcluster_talosconfig_[0-9A-F]+talos_config\}$/,
    );
  });

  it("writes nothing to Doppler unless it is on", () => {
    expect(perCluster[0].synth).not.toHaveResource(Secret);
    expect(east.resource.doppler_secret).toBeUndefined();
    expect(east.provider.doppler).toBeUndefined();
  });

  it("with Doppler on, also stores the kubeconfig and talosconfig there, token from the provider's own variable", () => {
    const doppler = parse(Testing.synth(build((c) => (c.doppler = { enabled: true, project: "infra", config: "prd" })).perCluster[1]));
    const secrets = Object.values(doppler.resource.doppler_secret) as any[];
    expect(secrets.map((x) => [x.project, x.config, x.name])).toEqual([
      ["infra", "prd", "TALOS_WEST_KUBECONFIG"],
      ["infra", "prd", "TALOS_WEST_TALOSCONFIG"],
    ]);
    expect(secrets[0].value).toMatch(/^\$\{yamlencode\(/);
    expect(secrets[1].value).toMatch(/cross-stack-reference-input-talos-west-talos/);
    expect(doppler.provider.doppler).toEqual([{ verify_tls: true }]);
    expect(doppler.variable).toBeUndefined();
  });

  it("renders a kubeconfig with one admin context per cluster from the Talos stacks' outputs", () => {
    const [file] = files(merged);
    expect(file.filename).toBe("../../../credentials/kubeconfig");
    const content: string = file.content;
    expect(content).toMatch(/^\$\{yamlencode\(\{/);
    expect(content).toContain('"current-context" = "admin@talos-east"');
    for (const c of ["talos-east", "talos-west"]) {
      expect(content).toContain(`"name" = "admin@${c}"`);
      expect(content).toMatch(
        new RegExp(
          `base64encode\\(base64decode\\(data\\.terraform_remote_state\\.cross-stack-reference-input-${c}-talos\\.outputs\\.cross-stack-output-[A-Za-z0-9_.]+client_key\\)`,
        ),
      );
    }
  });
});
