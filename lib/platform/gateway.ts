/**
 * One shared Gateway per cluster (Gateway API v1, Cilium's `cilium`
 * GatewayClass): an HTTPS listener for `*.<domain>`, terminating TLS with a
 * certificate from cert-manager's `aggrik8s` ClusterIssuer, open to
 * HTTPRoutes from every namespace. Cilium gives it a LoadBalancer Service,
 * whose IP comes from the cluster's LB-IPAM pool: the one the config names
 * (`address`), else any free one.
 *
 * The Gateway and Certificate need CRDs that exist only once Cilium's
 * Gateway API CRDs and cert-manager are installed, so they are a release of
 * the repository's objects chart (charts/objects), after cert-manager.
 *
 * @see https://docs.cilium.io/en/stable/network/servicemesh/gateway-api/gateway-api/
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#gateway
 */
import { z } from "zod";
import { enabled, fix } from "../schema-parts";
import { CLUSTER_ISSUER } from "./cert-manager";
import { defineComponent } from "./component";

export const GATEWAY_NAMESPACE = "gateway";
export const GATEWAY_NAME = "shared";
/** The Secret cert-manager writes the listener's certificate into. */
export const GATEWAY_TLS_SECRET = "shared-gateway-tls";
/** Label on the Gateway's Service (Gateway `infrastructure.labels`), for an LB-IPAM pool's serviceSelector. */
export const GATEWAY_SERVICE_LABEL = { "aggrik8s.io/gateway": GATEWAY_NAME } as const;

/** The domain the Gateway serves when the config gives none. */
export const defaultGatewayDomain = (clusterName: string) => `${clusterName}.internal`;

export interface GatewayObjectsProps {
  /** Hostnames served: `*.<domain>` and `<domain>`. */
  readonly domain: string;
  /** IPv4 address from the cluster's LB-IPAM pool. @default - any free address of the pool */
  readonly address?: string;
}

/** The Certificate and the Gateway, as the objects chart installs them. */
export function gatewayObjects(props: GatewayObjectsProps): object[] {
  return [
    {
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: { name: GATEWAY_TLS_SECRET, namespace: GATEWAY_NAMESPACE },
      spec: {
        secretName: GATEWAY_TLS_SECRET,
        dnsNames: [`*.${props.domain}`, props.domain],
        privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
        issuerRef: { name: CLUSTER_ISSUER, kind: "ClusterIssuer", group: "cert-manager.io" },
      },
    },
    {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "Gateway",
      metadata: { name: GATEWAY_NAME, namespace: GATEWAY_NAMESPACE },
      spec: {
        gatewayClassName: "cilium",
        ...(props.address ? { addresses: [{ type: "IPAddress", value: props.address }] } : {}),
        infrastructure: { labels: GATEWAY_SERVICE_LABEL },
        listeners: [
          {
            name: "https",
            protocol: "HTTPS",
            port: 443,
            hostname: `*.${props.domain}`,
            tls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", group: "", name: GATEWAY_TLS_SECRET }] },
            allowedRoutes: { namespaces: { from: "All" } },
          },
        ],
      },
    },
  ];
}

export const gateway = defineComponent({
  key: "gateway",
  schema: z
    .strictObject({
      enabled: enabled(),
      domain: z
        .string()
        .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
          error: fix("not a DNS name", "write a domain such as apps.example.com (the Gateway serves *.<domain>)"),
        })
        .optional()
        .describe("Domain the shared Gateway serves (`*.<domain>`, certificate from the `aggrik8s` issuer). Default: `<cluster name>.internal`."),
      address: z
        .ipv4({ error: fix("not an IPv4 address", "write an address of the cluster's LoadBalancer pool, e.g. 10.10.0.200") })
        .optional()
        .describe(
          "IPv4 address of the Gateway, from the cluster's LoadBalancer (LB-IPAM) pool and not clustermesh.loadBalancerIP. Default: any free address of the pool.",
        ),
    })
    .prefault({})
    .describe("One shared Gateway (gatewayClassName cilium) with an HTTPS listener whose certificate comes from cert-manager."),
  // No pods run here: Cilium's agents serve the Gateway; the namespace holds it, its Service and its certificate.
  namespace: { name: GATEWAY_NAMESPACE, level: "restricted" },
  needs: ["cert-manager"],
  releases: (c, { clusterName }) => [
    {
      id: "gateway",
      name: "gateway",
      chart: { localPath: "charts/objects" },
      values: { objects: gatewayObjects({ domain: c.domain ?? defaultGatewayDomain(clusterName), address: c.address }) },
    },
  ],
  memoryRequests: () => [],
});
