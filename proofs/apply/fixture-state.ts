/**
 * Test-only state standing in for a `<cluster>-talos` stack that was
 * deployed: exactly the outputs the real stack declares (read from its
 * synthesized JSON), with the values its resources would give for a local
 * control plane, written where the stack's backend keeps its state. Nothing
 * in the project knows about it: downstream stacks read it through their
 * ordinary terraform_remote_state.
 *
 * Values follow the talos provider's attribute shapes (v0.11 docs:
 * talos_cluster_kubeconfig.kubernetes_client_configuration.* and
 * talos_machine_secrets.client_configuration.* are base64 PEM;
 * talos_client_configuration.talos_config is a talosconfig YAML).
 */
import { randomUUID } from "crypto";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { LocalCredentials } from "./control-plane";

/** A Talos API client identity (CA, cert, key as PEM) the fixture hands out; nothing dials it. */
export interface TalosClientPem {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

const b64 = (s: string) => Buffer.from(s).toString("base64");

/** Output value by the attribute path its expression ends with, most specific first. */
function valueFor(expression: string, cluster: string, k8s: LocalCredentials, talos: TalosClientPem): string | undefined {
  const rules: [RegExp, () => string][] = [
    [/kubernetes_client_configuration\.host$/, () => k8s.host],
    [/kubernetes_client_configuration\.ca_certificate$/, () => b64(k8s.caPem)],
    [/kubernetes_client_configuration\.client_certificate$/, () => b64(k8s.clientCertPem)],
    [/kubernetes_client_configuration\.client_key$/, () => b64(k8s.clientKeyPem)],
    [/client_configuration\.ca_certificate$/, () => b64(talos.caPem)],
    [/client_configuration\.client_certificate$/, () => b64(talos.certPem)],
    [/client_configuration\.client_key$/, () => b64(talos.keyPem)],
    [/\.talos_config$/, () => talosconfig(cluster, talos)],
    [/\.kubeconfig_raw$/, () => kubeconfig(cluster, k8s)],
    [/urls\.installer$/, () => `factory.talos.dev/nocloud-installer/${"0".repeat(64)}:fixture`],
  ];
  const body = expression.replace(/^\$\{|\}$/g, "");
  return rules.find(([re]) => re.test(body))?.[1]();
}

function talosconfig(cluster: string, t: TalosClientPem): string {
  return YAML.stringify({
    context: cluster,
    contexts: { [cluster]: { endpoints: ["127.0.0.1"], nodes: ["127.0.0.1"], ca: b64(t.caPem), crt: b64(t.certPem), key: b64(t.keyPem) } },
  });
}

function kubeconfig(cluster: string, k: LocalCredentials): string {
  return YAML.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: cluster, cluster: { server: k.host, "certificate-authority-data": b64(k.caPem) } }],
    users: [{ name: `admin@${cluster}`, user: { "client-certificate-data": b64(k.clientCertPem), "client-key-data": b64(k.clientKeyPem) } }],
    contexts: [{ name: `admin@${cluster}`, context: { cluster, user: `admin@${cluster}`, namespace: "default" } }],
    "current-context": `admin@${cluster}`,
  });
}

/**
 * Writes the state of a deployed Talos stack: `stackJson` is its synthesized
 * cdk.tf.json, `stateFile` where its local backend keeps state. Throws naming
 * an output whose value the fixture does not know (a new output of the real
 * stack: add its attribute above).
 */
export function writeTalosFixtureState(
  stackJson: { output?: Record<string, { value: unknown; sensitive?: boolean }> },
  stateFile: string,
  cluster: string,
  k8s: LocalCredentials,
  talos: TalosClientPem,
): string[] {
  const outputs: Record<string, { value: string; type: string; sensitive?: boolean }> = {};
  for (const [name, o] of Object.entries(stackJson.output ?? {})) {
    const value = typeof o.value === "string" && !o.value.includes("${") ? o.value : valueFor(String(o.value), cluster, k8s, talos);
    if (value === undefined)
      throw new Error(
        `fixture state: no value for output ${name} = ${JSON.stringify(o.value)} of ${cluster}'s Talos stack; add its attribute to proofs/apply/fixture-state.ts`,
      );
    outputs[name] = { value, type: "string", ...(o.sensitive ? { sensitive: true } : {}) };
  }
  fs.mkdirSync(path.dirname(stateFile), { recursive: true });
  fs.writeFileSync(
    stateFile,
    JSON.stringify({ version: 4, terraform_version: "1.11.0", serial: 1, lineage: randomUUID(), outputs, resources: [], check_results: null }, null, 2),
    { mode: 0o600 },
  );
  return Object.keys(outputs);
}
