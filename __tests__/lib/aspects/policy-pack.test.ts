import * as fs from "fs";
import * as path from "path";
import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { applyPolicies, policyRules } from "../../../lib/aspects";
import { PolicyPack } from "../../../lib/aspects/pack";
import { PolicyRule, RULE_ID_SHAPE } from "../../../lib/aspects/rule";
import { annotate, violations } from "./harness";

// Built at run time so this file itself holds no secret-shaped literal.
const PEM_KEY = ["-----BEGIN", "RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----"].join(" ");

/** A rule for these tests: every output named `flagged*` is a finding, at `level`. */
const flagged = (level: PolicyRule["level"]): PolicyRule => ({
  id: "AGK-TEST-001",
  name: "flagged-outputs",
  level,
  description: "an output named flagged",
  fix: "rename it",
  check: ({ construct }) => (construct instanceof TerraformOutput && construct.friendlyUniqueId.startsWith("flagged") ? [{ message: "is flagged" }] : []),
});

describe("the policy pack", () => {
  it("reports every rule's violations of one construct", () => {
    expect(
      violations(policyRules(), (s) => {
        new KubernetesProvider(s, "k8s", { host: "https://10.0.0.1:6443", insecure: true, clientKey: PEM_KEY });
      }),
    ).toEqual([
      expect.stringMatching(/^\[AGK-SEC-002 no-insecure\] policy-test\/k8s: /),
      expect.stringMatching(/^\[AGK-SEC-003 no-literal-secrets\] policy-test\/k8s: provider\.kubernetes\[0\]\.client_key holds a PEM private key/),
    ]);
  });

  it("resolves each construct once for all its rules", () => {
    let calls = 0;
    violations(policyRules(), (s) => {
      const provider = new KubernetesProvider(s, "k8s", { host: "https://10.0.0.1:6443" });
      const toTerraform = provider.toTerraform.bind(provider);
      provider.toTerraform = () => (calls++, toTerraform());
    });
    expect(calls).toBe(1);
  });

  it("annotates each finding at its rule's level: only error-level findings are failures", () => {
    for (const [level, errors, warnings, infos] of [
      ["error", 1, 0, 0],
      ["warning", 0, 1, 0],
      ["info", 0, 0, 1],
    ] as const) {
      const r = annotate(flagged(level), (s) => new TerraformOutput(s, "flagged", { value: "x" }));
      expect({ level, errors: r.errors.length, warnings: r.warnings.length, infos: r.infos.length }).toEqual({ level, errors, warnings, infos });
      expect(r.pack.failures).toHaveLength(errors);
      expect(r.pack.findings).toEqual([
        expect.objectContaining({ ruleId: "AGK-TEST-001", level, path: "policy-test/flagged", message: "is flagged", fix: "rename it" }),
      ]);
    }
  });

  it("keeps its findings per pack: two apps, two packs, no shared state", () => {
    const synthOne = (name: string) => {
      const app = Testing.app();
      const stack = new TerraformStack(app, "s");
      new TerraformOutput(stack, name, { value: "x" });
      const pack = applyPolicies(app, [flagged("warning")]);
      app.synth();
      return pack;
    };
    const a = synthOne("flagged_a");
    const b = synthOne("flagged_b");
    expect(a.findings.map((f) => f.path)).toEqual(["s/flagged_a"]);
    expect(b.findings.map((f) => f.path)).toEqual(["s/flagged_b"]);
  });

  it("runs as a cdktf Aspect at synth, and cdktf refuses the error annotations it leaves", () => {
    const app = Testing.app();
    new TerraformOutput(new TerraformStack(app, "s"), "flagged", { value: "x" });
    const pack = applyPolicies(app, [flagged("error")]);
    expect(() => app.synth()).toThrow();
    expect(pack.failures.map((f) => f.path)).toEqual(["s/flagged"]);
  });

  it("refuses two rules with one id, and an id not shaped AGK-<AREA>-<NNN>", () => {
    expect(() => new PolicyPack([flagged("error"), { ...flagged("warning"), name: "other" }])).toThrow("id AGK-TEST-001 is taken by another rule of the pack");
    expect(() => new PolicyPack([{ ...flagged("error"), id: "flagged" }])).toThrow('id "flagged" is not shaped AGK-<AREA>-<NNN>');
  });
});

describe("the house's rules", () => {
  const dir = path.join(__dirname, "..", "..", "..", "lib", "aspects");
  // Every file of lib/aspects/ but the pack's own machinery is one rule.
  const machinery = ["index.ts", "rule.ts", "pack.ts", "acknowledge.ts"];
  const ruleFiles = fs.readdirSync(dir).filter((f) => f.endsWith(".ts") && !machinery.includes(f));

  it("are each one file exporting one rule, and the pack lists them all", () => {
    const exported = ruleFiles.map((f) => {
      const rules = Object.values(require(path.join(dir, f)) as Record<string, unknown>).filter(
        (v): v is PolicyRule => typeof v === "object" && v !== null && "check" in v,
      );
      expect({ file: f, rules: rules.length }).toEqual({ file: f, rules: 1 });
      return rules[0];
    });
    expect(new Set(policyRules())).toEqual(new Set(exported));
  });

  it("have unique ids shaped AGK-<AREA>-<NNN>, a level, a description and a fix; each has a test file", () => {
    const rules = policyRules();
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    for (const r of rules) {
      expect(r.id).toMatch(RULE_ID_SHAPE);
      expect(["error", "warning", "info"]).toContain(r.level);
      expect(r.description.length > 0 && r.fix.length > 0).toBe(true);
      expect(fs.existsSync(path.join(__dirname, `${r.name}.test.ts`))).toBe(true);
    }
  });
});
