/**
 * cert-manager, with its CRDs, and the ClusterIssuer the cluster's
 * certificates come from (the shared Gateway's among them):
 * - `selfSigned` (default): a CA certificate cert-manager issues itself, and
 *   a CA issuer on it; clients trust `aggrik8s-ca` (secret in cert-manager);
 * - `acme`: an ACME account (Let's Encrypt by default) solving DNS-01 through
 *   Cloudflare, whose API token is a secret reference.
 *
 * The issuer objects need cert-manager's CRDs, which exist only once its
 * release has installed them: they are a release of the repository's objects
 * chart (charts/objects), after cert-manager, not kubernetes_manifest
 * resources (those need the CRDs at plan time).
 *
 * @see https://cert-manager.io/docs/installation/helm/
 * @see https://cert-manager.io/docs/configuration/selfsigned/#bootstrapping-ca-issuers
 * @see https://cert-manager.io/docs/configuration/acme/dns01/cloudflare/
 */
import { z } from "zod";
import { SecretRefSchema, enabled } from "../schema-parts";
import { ComponentRelease, defineComponent } from "./component";

export const CERT_MANAGER_NAMESPACE = "cert-manager";
/** The ClusterIssuer every aggrik8s certificate names, whichever kind the config chooses. */
export const CLUSTER_ISSUER = "aggrik8s";
/** The self-signed CA's certificate and key (selfSigned), in the cert-manager namespace. */
export const CA_SECRET = "aggrik8s-ca";
/** Where the ACME DNS-01 token is kept (acme), in the cert-manager namespace (a ClusterIssuer's secrets live there). */
export const ACME_TOKEN_SECRET = { name: "acme-dns01", key: "api-token" } as const;
export const LETS_ENCRYPT = "https://acme-v02.api.letsencrypt.org/directory";

/** Memory each cert-manager pod requests (set in values; the capacity table counts them). */
export const CERT_MANAGER_MEMORY_MIB = { controller: 128, webhook: 64, cainjector: 128 } as const;

const IssuerSchema = z
  .discriminatedUnion("type", [
    z.strictObject({
      type: z.literal("selfSigned").describe("A CA cert-manager issues itself (no outside account): browsers do not trust it until you add `aggrik8s-ca`."),
    }),
    z.strictObject({
      type: z.literal("acme").describe("An ACME CA (Let's Encrypt by default), solving DNS-01."),
      email: z.email().describe("Contact address of the ACME account (expiry notices)."),
      server: z.url().default(LETS_ENCRYPT).describe("ACME directory URL; Let's Encrypt's staging directory for trials."),
      dns01: z
        .strictObject({
          cloudflare: z
            .strictObject({
              apiToken: SecretRefSchema.default({ env: "CLOUDFLARE_API_TOKEN" }).describe("Cloudflare API token with Zone.DNS edit on the zone."),
            })
            .prefault({}),
        })
        .prefault({})
        .describe("How the DNS-01 challenge is answered: Cloudflare, with an API token."),
    }),
  ])
  .default({ type: "selfSigned" })
  .describe("The ClusterIssuer `aggrik8s` the config chooses: selfSigned (default) or acme.");
export type IssuerConfig = z.output<typeof IssuerSchema>;

export function certManagerValues() {
  const request = (mib: number) => ({ requests: { memory: `${mib}Mi` } });
  return {
    crds: { enabled: true, keep: true },
    // Its leader-election lease in its own namespace, not kube-system.
    global: { leaderElection: { namespace: CERT_MANAGER_NAMESPACE } },
    resources: request(CERT_MANAGER_MEMORY_MIB.controller),
    webhook: { resources: request(CERT_MANAGER_MEMORY_MIB.webhook) },
    cainjector: { resources: request(CERT_MANAGER_MEMORY_MIB.cainjector) },
  };
}

/** The ClusterIssuer objects (and the self-signed CA behind one), as the objects chart installs them. */
export function clusterIssuerObjects(issuer: IssuerConfig, clusterName: string): object[] {
  if (issuer.type === "acme") {
    return [
      {
        apiVersion: "cert-manager.io/v1",
        kind: "ClusterIssuer",
        metadata: { name: CLUSTER_ISSUER },
        spec: {
          acme: {
            email: issuer.email,
            server: issuer.server,
            privateKeySecretRef: { name: `${CLUSTER_ISSUER}-acme-account` },
            solvers: [{ dns01: { cloudflare: { apiTokenSecretRef: ACME_TOKEN_SECRET } } }],
          },
        },
      },
    ];
  }
  const bootstrap = `${CLUSTER_ISSUER}-selfsigned`;
  return [
    { apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: bootstrap }, spec: { selfSigned: {} } },
    {
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: { name: CA_SECRET, namespace: CERT_MANAGER_NAMESPACE },
      spec: {
        isCA: true,
        commonName: `${clusterName} aggrik8s CA`,
        secretName: CA_SECRET,
        duration: "87600h",
        privateKey: { algorithm: "ECDSA", size: 256 },
        issuerRef: { name: bootstrap, kind: "ClusterIssuer", group: "cert-manager.io" },
      },
    },
    { apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: CLUSTER_ISSUER }, spec: { ca: { secretName: CA_SECRET } } },
  ];
}

export const certManager = defineComponent({
  key: "certManager",
  schema: z
    .strictObject({ enabled: enabled(), issuer: IssuerSchema })
    .prefault({})
    .describe("cert-manager with its CRDs, and the ClusterIssuer `aggrik8s` (self-signed CA by default, or ACME with DNS-01)."),
  // Its chart runs every pod as non-root, without privilege escalation, capabilities dropped, RuntimeDefault seccomp.
  namespace: { name: CERT_MANAGER_NAMESPACE, level: "restricted" },
  provides: ["cert-manager"],
  kubernetesSecrets: (c) =>
    c.issuer.type === "acme"
      ? [{ id: "acme-dns01-secret", ...ACME_TOKEN_SECRET, ref: c.issuer.dns01.cloudflare.apiToken, description: "ACME DNS-01 API token" }]
      : [],
  releases: (c, { clusterName }) => {
    // The startupapicheck job makes Helm's wait last until the webhook answers, so the issuers below are admitted.
    const release: ComponentRelease = { id: "cert-manager", name: "cert-manager", chart: "certManager", values: certManagerValues() };
    return [
      release,
      {
        id: "cluster-issuer",
        name: "cluster-issuer",
        chart: { localPath: "charts/objects" },
        values: { objects: clusterIssuerObjects(c.issuer, clusterName) },
        after: release,
      },
    ];
  },
  memoryRequests: () => [
    { component: "cert-manager", workload: "controller", memoryMiB: CERT_MANAGER_MEMORY_MIB.controller, placement: "cluster" },
    { component: "cert-manager", workload: "webhook", memoryMiB: CERT_MANAGER_MEMORY_MIB.webhook, placement: "cluster" },
    { component: "cert-manager", workload: "cainjector", memoryMiB: CERT_MANAGER_MEMORY_MIB.cainjector, placement: "cluster" },
  ],
});
