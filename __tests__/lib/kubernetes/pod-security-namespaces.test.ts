// Namespaces of a stack: created by add, only looked up by nameOf.
import { TerraformStack, Testing } from "cdktf";
import { PodSecurityNamespaces } from "../../../lib/kubernetes/pod-security-namespace";

describe("PodSecurityNamespaces", () => {
  const make = () => new PodSecurityNamespaces(new TerraformStack(Testing.app(), "s"), "namespaces");

  it("creates each namespace once; reading a name creates nothing", () => {
    const ns = make();
    ns.add("apps", "baseline");
    ns.add("apps", "baseline");
    expect(ns.node.children.map((c) => c.node.id)).toEqual(["apps"]);
    expect(ns.nameOf("apps")).toMatch(/^\$\{TfToken\[/);
    expect(ns.node.children).toHaveLength(1);
  });

  it("refuses a name never added, naming the known ones", () => {
    const ns = make();
    ns.add("apps", "baseline");
    expect(() => ns.nameOf("appz")).toThrow('s/namespaces: namespace appz was never added (known: apps). Fix: add("appz", level) before reading its name');
    expect(ns.node.children).toHaveLength(1);
  });

  it("refuses one name at two Pod Security levels", () => {
    const ns = make();
    ns.add("apps", "baseline");
    expect(() => ns.add("apps", "privileged")).toThrow("namespace apps is wanted at Pod Security levels baseline and privileged");
  });
});
