// LB-IPAM and the settings that depend on it, refused at synth with exact
// messages (through runApp, like load.errors.test.ts).
import { MeshConfigInput } from "../../../lib/config/schema";
import { defaultInput, runSynth, writeConfig } from "../../helpers";

type Edit = (c: MeshConfigInput & Record<string, any>) => void;
const east = (c: MeshConfigInput) => c.clusters[0];
const west = (c: MeshConfigInput) => c.clusters[1];
const OVERLAP_FIX = "Fix: move the pool to addresses nothing else in the mesh uses (the node subnet's free range, or a routed range with bgp)";

const CASES: [string, Edit, string[]][] = [
  [
    "pool holds a node IP",
    (c) => {
      east(c).network.loadBalancer = { pool: "10.10.0.20-10.10.0.29" };
    },
    [
      `clusters[0].network.loadBalancer.pool: pool 10.10.0.20-10.10.0.29 holds 10.10.0.21, which is clusters[0].workers.nodes[0].ip. ${OVERLAP_FIX}`,
      `clusters[0].network.loadBalancer.pool: pool 10.10.0.20-10.10.0.29 holds 10.10.0.22, which is clusters[0].workers.nodes[1].ip. ${OVERLAP_FIX}`,
      `clusters[0].network.loadBalancer.pool: pool 10.10.0.20-10.10.0.29 holds 10.10.0.23, which is clusters[0].workers.nodes[2].ip. ${OVERLAP_FIX}`,
    ],
  ],
  [
    "pool holds the VIP and the gateway",
    (c) => {
      east(c).network.loadBalancer = { pool: "10.10.0.1-10.10.0.10" };
    },
    [
      `clusters[0].network.loadBalancer.pool: pool 10.10.0.1-10.10.0.10 holds 10.10.0.1, which is clusters[0].network.gateway. ${OVERLAP_FIX}`,
      `clusters[0].network.loadBalancer.pool: pool 10.10.0.1-10.10.0.10 holds 10.10.0.10, which is clusters[0].network.vip. ${OVERLAP_FIX}`,
    ],
  ],
  [
    "pool holds the node subnet's network address",
    (c) => {
      east(c).network.loadBalancer = { pool: "10.10.0.0/30" };
    },
    [
      `clusters[0].network.loadBalancer.pool: pool 10.10.0.0/30 holds 10.10.0.1, which is clusters[0].network.gateway. ${OVERLAP_FIX}`,
      `clusters[0].network.loadBalancer.pool: pool 10.10.0.0/30 holds 10.10.0.0, which is the network address of clusters[0].network.nodeSubnet. ${OVERLAP_FIX}`,
    ],
  ],
  [
    "pool overlaps another cluster's pool (both named)",
    (c) => {
      east(c).network.loadBalancer = { pool: "10.31.0.0/28", announce: "bgp", bgp: { localASN: 64513, peers: [{ address: "10.10.0.1", asn: 64512 }] } };
      west(c).network.loadBalancer = { pool: "10.31.0.8-10.31.0.20", announce: "bgp", bgp: { localASN: 64514, peers: [{ address: "10.20.0.1", asn: 64512 }] } };
    },
    [
      "clusters[1].network.loadBalancer.pool: pool 10.31.0.8-10.31.0.20 of talos-west overlaps clusters[0].network.loadBalancer.pool (10.31.0.0/28) of talos-east. Fix: give every cluster's pool its own addresses",
    ],
  ],
  [
    "two clusters on one LAN: a pool holding the other cluster's node IP, and the two pools overlapping",
    (c) => {
      Object.assign(west(c).network, {
        nodeSubnet: "10.10.0.0/24",
        gateway: "10.10.0.1",
        vip: "10.10.0.110",
        loadBalancer: { pool: "10.10.0.210-10.10.0.239" },
      });
      west(c).controlPlane.nodes.forEach((n, i) => (n.ip = `10.10.0.${111 + i}`));
      west(c).workers!.nodes!.forEach((n, i) => (n.ip = `10.10.0.${121 + i}`));
      west(c).workers!.nodes![2].ip = "10.10.0.205";
    },
    [
      `clusters[0].network.loadBalancer.pool: pool 10.10.0.200-10.10.0.219 holds 10.10.0.205, which is clusters[1].workers.nodes[2].ip. ${OVERLAP_FIX}`,
      "clusters[1].network.loadBalancer.pool: pool 10.10.0.210-10.10.0.239 of talos-west overlaps clusters[0].network.loadBalancer.pool (10.10.0.200-10.10.0.219) of talos-east. Fix: give every cluster's pool its own addresses",
    ],
  ],
  [
    "pool overlaps a pod range",
    (c) => {
      east(c).network.loadBalancer = { pool: "10.120.0.0/28", announce: "bgp", bgp: { localASN: 64513, peers: [{ address: "10.10.0.1", asn: 64512 }] } };
    },
    [`clusters[0].network.loadBalancer.pool: pool 10.120.0.0/28 overlaps clusters[1].network.podSubnet (10.120.0.0/16). ${OVERLAP_FIX}`],
  ],
  [
    "pool too small",
    (c) => {
      east(c).network.loadBalancer = { pool: "10.10.0.200/32" };
    },
    [
      "clusters[0].network.loadBalancer.pool: pool 10.10.0.200/32 holds 1 address, fewer than the 2 it needs (the shared Gateway takes 1, and apps need at least 1). Fix: give the pool at least 2 addresses, e.g. 10.10.0.200-10.10.0.201",
    ],
  ],
  [
    "pool too small for the clustermesh-apiserver as well",
    (c) => {
      east(c).network.loadBalancer = { pool: "10.10.0.200-10.10.0.201" };
      east(c).clustermesh = { serviceType: "LoadBalancer", loadBalancerIP: "10.10.0.201", nodePort: 32379 };
    },
    [
      "clusters[0].network.loadBalancer.pool: pool 10.10.0.200-10.10.0.201 holds 2 addresses, fewer than the 3 it needs (the shared Gateway and the clustermesh-apiserver take 2, and apps need at least 1). Fix: give the pool at least 3 addresses, e.g. 10.10.0.200-10.10.0.202",
    ],
  ],
  [
    "pool written backwards",
    (c) => {
      east(c).network.loadBalancer = { pool: "10.10.0.219-10.10.0.200" };
    },
    ["clusters[0].network.loadBalancer.pool: pool 10.10.0.219-10.10.0.200 ends before it starts. Fix: write the lower address first: 10.10.0.200-10.10.0.219"],
  ],
  [
    "pool not a CIDR or range",
    (c) => {
      east(c).network.loadBalancer = { pool: "10.10.0.200" };
    },
    [
      'clusters[0].network.loadBalancer.pool: not an IPv4 CIDR or range (got "10.10.0.200"). Fix: write a CIDR such as 10.10.0.224/28 or a range such as 10.10.0.200-10.10.0.219',
    ],
  ],
  [
    "L2 pool outside any subnet the nodes reach",
    (c) => {
      east(c).network.loadBalancer = { pool: "10.40.0.0/28" };
    },
    [
      "clusters[0].network.loadBalancer.pool: pool 10.40.0.0/28 is outside nodeSubnet 10.10.0.0/24: L2 announcements answer ARP on the node subnet only, so nothing reaches those addresses. Fix: use free addresses inside 10.10.0.0/24, or announce: bgp with a router that routes the pool to the nodes",
    ],
  ],
  [
    "BGP without its settings",
    (c) => {
      east(c).network.loadBalancer = { pool: "10.40.0.0/28", announce: "bgp" };
    },
    [
      "clusters[0].network.loadBalancer.bgp: announce: bgp without bgp settings: no router would learn the pool. Fix: add bgp.localASN and bgp.peers (the routers' addresses and AS numbers)",
    ],
  ],
  [
    "BGP peer off the node subnet",
    (c) => {
      east(c).network.loadBalancer = { pool: "10.40.0.0/28", announce: "bgp", bgp: { localASN: 64513, peers: [{ address: "192.168.1.1", asn: 64512 }] } };
    },
    [
      "clusters[0].network.loadBalancer.bgp.peers[0].address: BGP peer 192.168.1.1 is outside nodeSubnet 10.10.0.0/24: the nodes peer over their one NIC, single hop. Fix: use the router's address on 10.10.0.0/24 (often the gateway, 10.10.0.1)",
    ],
  ],
  [
    "clustermesh-apiserver LoadBalancer without LB-IPAM",
    (c) => {
      delete east(c).network.loadBalancer;
      east(c).clustermesh = { serviceType: "LoadBalancer", loadBalancerIP: "10.10.0.200", nodePort: 32379 };
    },
    [
      "clusters[0].clustermesh.serviceType: serviceType LoadBalancer without LB-IPAM: on Proxmox nothing gives the Service an address, so it stays <pending> and no peer connects. Fix: add network.loadBalancer (a pool, enabled), or use serviceType: NodePort",
    ],
  ],
  [
    "clustermesh-apiserver LoadBalancer without its address",
    (c) => {
      east(c).clustermesh = { serviceType: "LoadBalancer", nodePort: 32379 };
    },
    [
      "clusters[0].clustermesh.loadBalancerIP: serviceType LoadBalancer without loadBalancerIP: peers are configured with the address before it exists. Fix: give an address of the pool 10.10.0.200-10.10.0.219",
    ],
  ],
  [
    "clustermesh-apiserver address outside the pool",
    (c) => {
      east(c).clustermesh = { serviceType: "LoadBalancer", loadBalancerIP: "10.10.0.250", nodePort: 32379 };
    },
    [
      "clusters[0].clustermesh.loadBalancerIP: loadBalancerIP 10.10.0.250 is outside the pool 10.10.0.200-10.10.0.219. Fix: give an address of the pool 10.10.0.200-10.10.0.219",
    ],
  ],
  [
    "Gateway API on a Cilium minor without its CRDs here",
    (c) => {
      c.versions = { cilium: "1.20.0" };
      west(c).platform = { gatewayApi: { enabled: false } };
    },
    [
      "clusters[0].platform.gatewayApi: Gateway API is on with Cilium 1.20.0, but aggrik8s ships the Gateway API CRDs v1.4.1 for Cilium 1.19 only. Fix: switch platform.gatewayApi off on this cluster, or use Cilium 1.19.x",
    ],
  ],
  [
    "shared Gateway address outside the pool",
    (c) => {
      east(c).platform = { gateway: { address: "10.10.0.250" } };
    },
    [
      "clusters[0].platform.gateway.address: address 10.10.0.250 is outside the LoadBalancer pool 10.10.0.200-10.10.0.219, so the Gateway's Service stays <pending>. Fix: give an address of the pool 10.10.0.200-10.10.0.219, or remove it for any free one",
    ],
  ],
  [
    "shared Gateway address equal to the clustermesh-apiserver's",
    (c) => {
      east(c).platform = { gateway: { address: "10.10.0.201" } };
      east(c).clustermesh = { serviceType: "LoadBalancer", loadBalancerIP: "10.10.0.201", nodePort: 32379 };
    },
    [
      "clusters[0].platform.gateway.address: address 10.10.0.201 is also clustermesh.loadBalancerIP 10.10.0.201: LB-IPAM gives an address to one Service, so the Gateway's Service stays <pending>. Fix: give the Gateway another address of the pool 10.10.0.200-10.10.0.219, or remove it for any free one",
    ],
  ],
  [
    "shared Gateway address on a cluster without a pool",
    (c) => {
      delete east(c).network.loadBalancer;
      east(c).platform = { gateway: { address: "10.10.0.200" } };
    },
    [
      "clusters[0].platform.gateway.address: address 10.10.0.200 is set, but the cluster has no LoadBalancer pool: nothing gives the Gateway's Service an address, so it stays <pending>. Fix: add network.loadBalancer with a pool that holds it, or remove platform.gateway.address",
    ],
  ],
  [
    "encryption type unknown",
    (c) => {
      c.encryption = { type: "ipsec" as any };
    },
    ['encryption.type: "ipsec" is not allowed. Fix: use one of "none", "wireguard"'],
  ],
];

describe("LB-IPAM configs are refused at synth with exact messages", () => {
  it.each(CASES)("%s", (_name, edit, expected) => {
    const input = defaultInput();
    edit(input as any);
    const file = writeConfig(input);
    const result = runSynth({ AGGRIK8S_CONFIG: file });
    expect(result.code).toBe(1);
    expect(result.stderr.slice(1).map((l) => l.replace(/^ {2}- [^:]+:\d+:\d+: /, ""))).toEqual(expected);
  });
});

it("warns when a cluster with Gateway API has no pool, and synthesizes", () => {
  const input = defaultInput();
  delete input.clusters[0].network.loadBalancer;
  const result = runSynth({ AGGRIK8S_CONFIG: writeConfig(input) });
  expect(result.code).toBe(0);
  expect(result.stderr).toContainEqual(
    expect.stringContaining(
      "clusters[0].network: no loadBalancer pool: LoadBalancer services, the shared Gateway's among them, stay <pending>. Fix: add network.loadBalancer.pool, a free range of the node subnet such as 10.10.0.200-10.10.0.219",
    ),
  );
});
