// Literal secrets where the config takes free-form values (extra releases'
// Helm values, any free-form part of a component) are refused at synth, with
// exact messages that never repeat the secret, and nothing is synthesized.
import * as fs from "fs";
import * as path from "path";
import { isHighEntropy, isSecretKeyName, literalSecrets } from "../../../lib/config/literal-secrets";
import { MeshConfigInput } from "../../../lib/config/schema";
import { defaultInput, runSynth, scratchDir, writeConfig } from "../../helpers";

const release = (values: Record<string, unknown>) => ({
  name: "app",
  repository: "https://charts.example.com/",
  chart: "app",
  version: "1.0.0",
  namespace: "app",
  values,
});
const withValues = (values: Record<string, unknown>) => (c: MeshConfigInput) => {
  c.clusters[0].platform = { extraReleases: [release(values)] };
};
const at = (p: string) => `clusters[0].platform.extraReleases[0].values.${p}`;
const KEY = (p: string, key: string, valuePath = p.replace(/^/, "")) =>
  `${at(p)}: ${JSON.stringify(key)} names a secret and its value is a literal string (not repeated here), which would land in cdktf.out/ and every plan in clear text. Fix: move it to secretValues of extraReleases[0] as ${JSON.stringify(valuePath)}: {env: VARIABLE_NAME} (or {doppler: SECRET_NAME} with doppler.enabled), which Helm gets as a sensitive value at deploy time`;
const ENTROPY = (p: string) =>
  `${at(p)}: holds a high-entropy string shaped like a key or token (not repeated here), which would land in cdktf.out/ and every plan in clear text. Fix: move it to secretValues of extraReleases[0] as ${JSON.stringify(p)}: {env: VARIABLE_NAME} (or {doppler: SECRET_NAME} with doppler.enabled), which Helm gets as a sensitive value at deploy time`;

const SECRET = "S3cr3tP@ssw0rd!";
const TOKEN = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";

const CASES: [string, (c: MeshConfigInput) => void, string[]][] = [
  ["the new user's adminPassword (camelCase)", withValues({ adminPassword: SECRET }), [KEY("adminPassword", "adminPassword")]],
  ["snake_case, nested", withValues({ auth: { db_password: SECRET } }), [KEY("auth.db_password", "db_password")]],
  ["kebab-case key", withValues({ headers: { "x-api-key": SECRET } }), [KEY("headers.x-api-key", "x-api-key")]],
  ["ALL_CAPS env-style key", withValues({ config: { API_TOKEN: SECRET } }), [KEY("config.API_TOKEN", "API_TOKEN")]],
  ["a token, deep in a list", withValues({ sinks: [{ slack: { token: SECRET } }] }), [KEY("sinks[0].slack.token", "token")]],
  ["client secret", withValues({ oidc: { clientSecret: SECRET } }), [KEY("oidc.clientSecret", "clientSecret")]],
  ["credentials", withValues({ s3: { credentials: SECRET } }), [KEY("s3.credentials", "credentials")]],
  ["private key", withValues({ tls: { privateKey: SECRET } }), [KEY("tls.privateKey", "privateKey")]],
  ["an api key in one word", withValues({ apikey: SECRET }), [KEY("apikey", "apikey")]],
  ["a secret key (S3)", withValues({ storage: { secretKey: SECRET } }), [KEY("storage.secretKey", "secretKey")]],
  ["a passphrase", withValues({ backup: { encryption: { passphrase: SECRET } } }), [KEY("backup.encryption.passphrase", "passphrase")]],
  ["an env list entry named like a secret", withValues({ extraEnv: [{ name: "DB_PASSWORD", value: SECRET }] }), [KEY("extraEnv[0].value", "DB_PASSWORD")]],
  ["a token under an innocent key", withValues({ integration: { id: TOKEN } }), [ENTROPY("integration.id")]],
  ["a token inside a longer string", withValues({ args: [`--auth=${TOKEN}`] }), [ENTROPY("args[0]")]],
  [
    "a JWT",
    withValues({ bootstrap: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U" }),
    [ENTROPY("bootstrap")],
  ],
  ["a PEM private key", withValues({ webhook: { pem: "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----" } }), [ENTROPY("webhook.pem")]],
  [
    "a secret reference inside values (never resolved there)",
    withValues({ auth: { password: { env: "APP_PASSWORD" } } }),
    [
      `${at("auth.password")}: is a secret reference inside values, which Helm would receive as it is, never resolved. Fix: move it to secretValues of extraReleases[0] as "auth.password": {env: VARIABLE_NAME} (or {doppler: SECRET_NAME} with doppler.enabled), which Helm gets as a sensitive value at deploy time`,
    ],
  ],
  [
    "every one of several, in the second release of the second cluster",
    (c) => {
      c.clusters[1].platform = {
        extraReleases: [
          { ...release({}), name: "a" },
          { ...release({ grafana: { adminPassword: SECRET }, slackToken: SECRET }), name: "b" },
        ],
      };
    },
    [
      `clusters[1].platform.extraReleases[1].values.grafana.adminPassword: "adminPassword" names a secret and its value is a literal string (not repeated here), which would land in cdktf.out/ and every plan in clear text. Fix: move it to secretValues of extraReleases[1] as "grafana.adminPassword": {env: VARIABLE_NAME} (or {doppler: SECRET_NAME} with doppler.enabled), which Helm gets as a sensitive value at deploy time`,
      `clusters[1].platform.extraReleases[1].values.slackToken: "slackToken" names a secret and its value is a literal string (not repeated here), which would land in cdktf.out/ and every plan in clear text. Fix: move it to secretValues of extraReleases[1] as "slackToken": {env: VARIABLE_NAME} (or {doppler: SECRET_NAME} with doppler.enabled), which Helm gets as a sensitive value at deploy time`,
    ],
  ],
  [
    "a token in a component's free-form field",
    (c) => {
      c.clusters[0].platform = { openTelemetry: { otlpEndpoint: `api.honeycomb.io:443/${TOKEN}` } };
    },
    [
      "clusters[0].platform.openTelemetry.otlpEndpoint: holds a high-entropy string shaped like a key or token (not repeated here), which would land in cdktf.out/ and every plan in clear text. Fix: give a secret as {env: VARIABLE_NAME} (or {doppler: SECRET_NAME} with doppler.enabled) in a field that takes one; free-form fields take none (an extra release's secret Helm values go in its secretValues)",
    ],
  ],
];

describe("literal secrets in free-form values are refused at synth", () => {
  it.each(CASES)("%s", (_name, edit, expected) => {
    const input = defaultInput();
    edit(input);
    const outdir = scratchDir();
    fs.writeFileSync(path.join(outdir, "sentinel"), "untouched");
    const file = writeConfig(input);
    const result = runSynth({ AGGRIK8S_CONFIG: file }, outdir);
    expect(result.code).toBe(1);
    // Positions are the loader's (checked in load.errors.test.ts); here the messages.
    expect(result.stderr.slice(1).map((l) => l.replace(/^ {2}- .*?:\d+:\d+: /, "  - "))).toEqual(expected.map((e) => `  - ${e}`));
    expect(result.stderr.join("\n")).not.toContain(SECRET);
    expect(result.stderr.join("\n")).not.toContain(TOKEN);
    expect(fs.readdirSync(outdir)).toEqual(["sentinel"]);
  });
});

describe("what is not taken for a secret", () => {
  it("references to secrets, and ordinary values, pass", () => {
    const input = defaultInput();
    input.clusters[0].platform = {
      extraReleases: [
        {
          ...release({
            auth: { existingSecret: "app-auth", existingSecretPasswordKey: "password", secretName: "app-tls", passwordFile: "/run/secrets/pw" },
            tolerations: [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists" }],
            env: [
              { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
              { name: "LOG_LEVEL", value: "debug" },
            ],
            image: { repository: "ghcr.io/groundcover-com/alligator", tag: "3f9c2b8e1d4a7c6b5e0f9a8d7c6b5a4e3d2c1b0a" },
            digest: "quay.io/cilium/cilium:v1.19.6@sha256:0b3e6e5f4c1b2a3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5",
            serviceAccount: { name: "MyApp2ServiceAccountName" },
            clusterId: "123e4567-e89b-12d3-a456-426614174000",
            password: "",
            tokenTTL: "24h",
          }),
          secretValues: { "auth.password": { env: "APP_PASSWORD" } },
        },
      ],
    };
    const result = runSynth({ AGGRIK8S_CONFIG: writeConfig(input), APP_PASSWORD: "x" });
    expect(result.stderr.filter((l) => l.startsWith("error"))).toEqual([]);
    expect(result.code).toBe(0);
  });

  it("key names: camelCase, snake_case, kebab-case and one-word forms mean secrets; names of secrets do not", () => {
    const secret = [
      "adminPassword",
      "DB_PASSWORD",
      "api-key",
      "apiKey",
      "client_secret",
      "accessToken",
      "signing_key",
      "sshKey",
      "AUTH_TOKEN",
      "credentials",
      "sshPrivateKey",
      "publicKeySecret",
    ];
    const notSecret = [
      "key",
      "secretName",
      "existingSecret",
      "secretKeyRef",
      "tokenFile",
      "keyFile",
      "clientId",
      "tokenUrl",
      "monkey",
      "keyboard",
      "agePublicKey",
      "ssh_public_key",
    ];
    expect(secret.filter((k) => !isSecretKeyName(k))).toEqual([]);
    expect(notSecret.filter((k) => isSecretKeyName(k))).toEqual([]);
  });

  it("high entropy: keys and tokens are, names, paths, versions, UUIDs and digests are not", () => {
    const tokens = [
      TOKEN,
      "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY",
      "xoxb-2462749151-4738164843217-fX5hQ9bTz3YqK8mN2pR7vW1s",
      "a3f9c2b8e1d4a7c6b5e0f9a8d7c6b5a4",
      "AKIA2OGYBAH6STMMNXNN",
    ];
    const plain = [
      "otel/opentelemetry-collector-k8s",
      "kube-prometheus-stack-admission-webhook",
      "k8s-1-34-1-nodepool-worker-0123",
      "AWSLoadBalancerControllerIAMPolicy2024",
      "registry.k8s.io/metrics-server/metrics-server:v0.7.2",
      "prometheus-operated.monitoring.svc.cluster.local:9090",
      "123e4567-e89b-12d3-a456-426614174000",
      "2026-01-01T00:00:00Z",
      // An age recipient (a public key: an etcd backup is encrypted to it).
      "age1eudfewpz730t3jhra2pmqqnfscd9rpr8s9rsrzhgg3dvsku2rzaqe90sjh",
    ];
    expect(tokens.filter((t) => !isHighEntropy(t))).toEqual([]);
    expect(plain.filter((t) => isHighEntropy(t))).toEqual([]);
  });

  it("a component's own secret fields, given as references, are not literal", () => {
    expect(literalSecrets({ signingKey: { env: "X" }, enabled: true }, "p", { refsAreLiteral: false })).toEqual([]);
  });
});
