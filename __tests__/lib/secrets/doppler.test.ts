import { Testing, TerraformStack } from "cdktf";
import { StackSecrets } from "../../../lib/secrets/stack-secrets";
import { fixture } from "../../fixtures";
import { meshApp, parse, resolvedConfig } from "../../helpers";

describe("{doppler: NAME} secrets", () => {
  const config = resolvedConfig((c) => {
    c.doppler = { enabled: true, project: "infra", config: "prd", token: { env: "CI_DOPPLER_TOKEN" } };
    c.proxmox.apiToken = { doppler: "PVE_TOKEN" };
    c.clusters[0].platform = { robusta: { enabled: true, signingKey: { doppler: "ROBUSTA_SIGNING_KEY" }, accountId: { doppler: "ROBUSTA_ACCOUNT_ID" } } };
  });
  const { stacks } = meshApp(config);
  const platform = parse(Testing.synth(stacks.clusters[0].platform));
  const vms = parse(Testing.synth(stacks.clusters[0].vms));

  it("are read in the stack that needs them from one doppler_secrets data source, checked to exist", () => {
    const [data] = Object.values(platform.data.doppler_secrets) as any[];
    expect(data).toMatchObject({ project: "infra", config: "prd" });
    expect(data.lifecycle.postcondition.map((p: any) => p.condition)).toEqual([
      '${contains(keys(self.map), "ROBUSTA_SIGNING_KEY")}',
      '${contains(keys(self.map), "ROBUSTA_ACCOUNT_ID")}',
    ]);
    const robusta = (Object.values(platform.resource.helm_release) as any[]).find((r) => r.name === "robusta");
    const sensitive = Object.fromEntries(robusta.set_wo.map((s: any) => [s.name, s.value]));
    expect(sensitive["globalConfig.signing_key"]).toMatch(/^\$\{data\.doppler_secrets\.secrets_doppler-secrets_[0-9A-F]+\.map\.ROBUSTA_SIGNING_KEY\}$/);
    // The default {env} references stay variables.
    expect(Object.keys(platform.variable).sort()).toEqual(["CI_DOPPLER_TOKEN", "ROBUSTA_UI_SINK_TOKEN"]);
  });

  it("authenticate with the token from its environment variable, as a sensitive variable, TLS verified", () => {
    expect(platform.provider.doppler).toEqual([{ doppler_token: "${var.CI_DOPPLER_TOKEN}", verify_tls: true }]);
    expect(platform.variable.CI_DOPPLER_TOKEN).toMatchObject({ sensitive: true, type: "string" });
  });

  it("serve the Proxmox token too, and never appear in the synthesized JSON", () => {
    expect(vms.provider.proxmox[0].api_token).toMatch(/^\$\{data\.doppler_secrets\.secrets_doppler-secrets_[0-9A-F]+\.map\.PVE_TOKEN\}$/);
    const text = JSON.stringify([platform, vms]);
    expect(text).not.toMatch(/dp\.st\./);
  });

  it("are refused by a stack given no Doppler settings, naming the fix", () => {
    const secrets = new StackSecrets(new TerraformStack(Testing.app(), "s"), "secrets");
    expect(() => secrets.value({ doppler: "X" }, "x")).toThrow(
      "s/secrets: {doppler: X} given but this stack has no Doppler settings. Fix: set doppler.enabled: true in the config",
    );
  });

  it("leave no Doppler provider in a mesh that does not use Doppler", () => {
    for (const s of fixture("default").stacks)
      expect({ stack: s.name, doppler: parse(s.synth).provider?.doppler }).toEqual({ stack: s.name, doppler: undefined });
  });
});
