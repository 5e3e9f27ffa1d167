// Every bad config goes through runApp, the entry point `cdktf synth` runs
// (main.ts), and must: exit 1, print exactly the expected problems, and leave
// the output directory as it was.
import * as fs from "fs";
import * as path from "path";
import { MeshConfigInput } from "../../../lib/config/schema";
import { allComponentsOff, defaultInput, runSynth, scratchDir, writeConfig } from "../../helpers";

type Edit = (c: MeshConfigInput & Record<string, any>) => void;
const east = (c: MeshConfigInput) => c.clusters[0];
const west = (c: MeshConfigInput) => c.clusters[1];

// A chart directory that exists but holds only Cilium's chart.
const partialCharts = scratchDir("charts");
fs.writeFileSync(path.join(partialCharts, "cilium-1.19.6.tgz"), "");

const CASES: [string, Edit, string[]][] = [
  [
    "chart directory that does not exist",
    (c) => {
      c.charts = { source: "dir", dir: "/nonexistent/aggrik8s-charts" };
    },
    ["charts.dir: /nonexistent/aggrik8s-charts is not a directory. Fix: create it and `helm pull` every chart into it, or use source: registry"],
  ],
  [
    "chart directory without the charts the mesh installs",
    (c) => {
      c.charts = { source: "dir", dir: partialCharts };
    },
    [
      `charts.dir: ${partialCharts} lacks 6 charts the mesh installs: tetragon-1.7.0.tgz, cert-manager-v1.21.1.tgz, rook-ceph-v1.19.10.tgz, rook-ceph-cluster-v1.19.10.tgz, kubescape-operator-1.40.3.tgz, metrics-server-3.13.1.tgz. Fix: helm pull tetragon --repo https://helm.cilium.io/ --version 1.7.0 -d ${partialCharts}; helm pull cert-manager --repo https://charts.jetstack.io --version v1.21.1 -d ${partialCharts}; helm pull rook-ceph --repo https://charts.rook.io/release --version v1.19.10 -d ${partialCharts}; helm pull rook-ceph-cluster --repo https://charts.rook.io/release --version v1.19.10 -d ${partialCharts}; helm pull kubescape-operator --repo https://kubescape.github.io/helm-charts/ --version 1.40.3 -d ${partialCharts}; helm pull metrics-server --repo https://kubernetes-sigs.github.io/metrics-server/ --version 3.13.1 -d ${partialCharts}`,
    ],
  ],
  [
    "chart registry that is not oci://",
    (c) => {
      c.charts = { source: "oci", registry: "https://harbor.lab.internal/charts" };
    },
    [
      'charts.registry: not an oci:// registry URL (got "https://harbor.lab.internal/charts"). Fix: write it as oci://HOST[:PORT]/PATH, e.g. oci://harbor.lab.internal/charts',
    ],
  ],
  [
    "unknown top-level key",
    (c) => {
      c.extra = 1;
    },
    [
      '(top level): unknown key "extra". Fix: remove "extra" (allowed here: versions, proxmox, doppler, credentials, state, charts, encryption, allowPkiDestroy, healthGates, clusters)',
    ],
  ],
  [
    "misspelt key gets a suggestion",
    (c) => {
      const n: any = east(c).network;
      n.podSubent = n.podSubnet;
      delete n.podSubnet;
    },
    [
      "clusters[0].network.podSubnet: required field is missing. Fix: add clusters[0].network.podSubnet (see docs/config.md)",
      'clusters[0].network: unknown key "podSubent". Fix: "podSubent" -> did you mean "podSubnet"? (allowed here: nodeSubnet, gateway, dnsServers, bridge, vlanId, vip, podSubnet, serviceSubnet, loadBalancer)',
    ],
  ],
  [
    "cluster id of the wrong type",
    (c) => {
      (east(c) as any).id = "1";
    },
    ['clusters[0].id: cluster id must be a whole number (got "1"). Fix: use 1 to 255'],
  ],
  [
    "cluster name not a DNS label",
    (c) => {
      east(c).name = "Talos_East";
    },
    [
      "clusters[0].name: cluster name is not a DNS label (got \"Talos_East\"). Fix: use lower-case letters, digits and '-', starting and ending with a letter or digit",
    ],
  ],
  [
    "cluster name over 32 characters",
    (c) => {
      east(c).name = "a".repeat(33);
    },
    ['clusters[0].name: cluster name is longer than 32 characters (got "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"). Fix: shorten it to 32 or fewer'],
  ],
  [
    "cluster name default",
    (c) => {
      east(c).name = "default";
    },
    ['clusters[0].name: cluster name "default" is reserved by Cilium. Fix: choose another name, e.g. talos-east'],
  ],
  [
    "cluster name mesh: its credentials stack would be the mesh-wide mesh-credentials",
    (c) => {
      east(c).name = "mesh";
    },
    [
      'clusters[0].name: cluster name "mesh" names its credentials stack mesh-credentials, the name of the mesh-wide stack. Fix: choose another name, e.g. talos-east',
    ],
  ],
  [
    "duplicate cluster names",
    (c) => {
      west(c).name = "talos-east";
    },
    ['clusters[1].name: cluster name "talos-east" is already used by clusters[0]. Fix: give every cluster a unique name'],
  ],
  [
    "cluster id 0",
    (c) => {
      east(c).id = 0;
    },
    ["clusters[0].id: cluster id below 1 (got 0). Fix: use 1 to 255 (0 means 'no ClusterMesh' to Cilium)"],
  ],
  [
    "cluster id 256",
    (c) => {
      east(c).id = 256;
    },
    ["clusters[0].id: cluster id above 255 (got 256). Fix: use 1 to 255 (Cilium's limit with maxConnectedClusters 255)"],
  ],
  [
    "duplicate cluster ids",
    (c) => {
      west(c).id = 1;
    },
    ["clusters[1].id: cluster id 1 is already used by clusters[0] (talos-east). Fix: give every cluster a unique id from 1 to 255"],
  ],
  [
    "pod CIDR not a CIDR",
    (c) => {
      east(c).network.podSubnet = "10.300.0.0/16";
    },
    ['clusters[0].network.podSubnet: not an IPv4 CIDR (got "10.300.0.0/16"). Fix: write network/prefix such as 10.244.0.0/16'],
  ],
  [
    "pod CIDR with host bits",
    (c) => {
      east(c).network.podSubnet = "10.110.1.0/16";
    },
    ["clusters[0].network.podSubnet: 10.110.1.0/16 has host bits set. Fix: write the network address: 10.110.0.0/16"],
  ],
  [
    "pod CIDRs overlap across clusters",
    (c) => {
      west(c).network.podSubnet = "10.110.128.0/17";
    },
    [
      "clusters[1].network.podSubnet: 10.110.128.0/17 overlaps clusters[0].network.podSubnet (10.110.0.0/16). Fix: give every pod and service range in the mesh its own CIDR, overlapping no other range and no node subnet (node subnets alone may be shared: clusters on one LAN)",
    ],
  ],
  [
    "service CIDR overlaps own pod CIDR",
    (c) => {
      east(c).network.serviceSubnet = "10.110.0.0/20";
    },
    [
      "clusters[0].network.serviceSubnet: 10.110.0.0/20 overlaps clusters[0].network.podSubnet (10.110.0.0/16). Fix: give every pod and service range in the mesh its own CIDR, overlapping no other range and no node subnet (node subnets alone may be shared: clusters on one LAN)",
    ],
  ],
  [
    "node subnet overlaps another cluster's service CIDR",
    (c) => {
      west(c).network.serviceSubnet = "10.10.0.0/16";
    },
    [
      // The pool inside that node subnet overlaps it too.
      "clusters[0].network.loadBalancer.pool: pool 10.10.0.200-10.10.0.219 overlaps clusters[1].network.serviceSubnet (10.10.0.0/16). Fix: move the pool to addresses nothing else in the mesh uses (the node subnet's free range, or a routed range with bgp)",
      "clusters[1].network.serviceSubnet: 10.10.0.0/16 overlaps clusters[0].network.nodeSubnet (10.10.0.0/24). Fix: give every pod and service range in the mesh its own CIDR, overlapping no other range and no node subnet (node subnets alone may be shared: clusters on one LAN)",
    ],
  ],
  [
    "two clusters on one LAN with the same VIP",
    (c) => {
      Object.assign(west(c).network, {
        nodeSubnet: "10.10.0.0/24",
        gateway: "10.10.0.1",
        vip: "10.10.0.10",
        loadBalancer: { pool: "10.10.0.220-10.10.0.239" },
      });
      west(c).controlPlane.nodes.forEach((n, i) => (n.ip = `10.10.0.${111 + i}`));
      west(c).workers!.nodes!.forEach((n, i) => (n.ip = `10.10.0.${121 + i}`));
    },
    [
      "clusters[1].network.vip: VIP 10.10.0.10 is also the VIP of clusters[0] (talos-east). Fix: clusters may share a node subnet (one flat LAN), so every node IP and VIP must be distinct across the mesh and none may be a gateway: use a free address",
    ],
  ],
  [
    "two clusters on one LAN, a node on the other cluster's node IP and another on its gateway",
    (c) => {
      Object.assign(west(c).network, {
        nodeSubnet: "10.10.0.0/24",
        gateway: "10.10.0.254",
        vip: "10.10.0.110",
        loadBalancer: { pool: "10.10.0.220-10.10.0.239" },
      });
      west(c).controlPlane.nodes.forEach((n, i) => (n.ip = `10.10.0.${111 + i}`));
      west(c).workers!.nodes!.forEach((n, i) => (n.ip = `10.10.0.${121 + i}`));
      west(c).workers!.nodes![0].ip = "10.10.0.21";
      west(c).workers!.nodes![1].ip = "10.10.0.1";
    },
    [
      "clusters[1].workers.nodes[0].ip: IP 10.10.0.21 is already used by clusters[0].workers.nodes[0]. Fix: give every node in the mesh its own address",
      "clusters[1].workers.nodes[1].ip: IP 10.10.0.1 is the gateway of clusters[0] (talos-east). Fix: clusters may share a node subnet (one flat LAN), so every node IP and VIP must be distinct across the mesh and none may be a gateway: use a free address",
    ],
  ],
  [
    "node IP outside the node subnet",
    (c) => {
      east(c).controlPlane.nodes[0].ip = "10.99.0.11";
    },
    ["clusters[0].controlPlane.nodes[0].ip: IP 10.99.0.11 is outside nodeSubnet 10.10.0.0/24. Fix: use an address inside 10.10.0.0/24"],
  ],
  [
    "node IP is the network address",
    (c) => {
      east(c).controlPlane.nodes[0].ip = "10.10.0.0";
    },
    ["clusters[0].controlPlane.nodes[0].ip: IP 10.10.0.0 is the network address of 10.10.0.0/24. Fix: use a free host address of the node subnet"],
  ],
  [
    "node IP is the broadcast address",
    (c) => {
      east(c).controlPlane.nodes[0].ip = "10.10.0.255";
    },
    ["clusters[0].controlPlane.nodes[0].ip: IP 10.10.0.255 is the broadcast address of 10.10.0.0/24. Fix: use a free host address of the node subnet"],
  ],
  [
    "node IP is the gateway",
    (c) => {
      east(c).controlPlane.nodes[0].ip = "10.10.0.1";
    },
    ["clusters[0].controlPlane.nodes[0].ip: IP 10.10.0.1 is the gateway of 10.10.0.0/24. Fix: use a free host address of the node subnet"],
  ],
  [
    "two nodes share an IP",
    (c) => {
      east(c).workers!.nodes![0].ip = "10.10.0.11";
    },
    ["clusters[0].workers.nodes[0].ip: IP 10.10.0.11 is already used by clusters[0].controlPlane.nodes[0]. Fix: give every node in the mesh its own address"],
  ],
  [
    "gateway outside the node subnet",
    (c) => {
      east(c).network.gateway = "10.11.0.1";
    },
    ["clusters[0].network.gateway: gateway 10.11.0.1 is outside nodeSubnet 10.10.0.0/24. Fix: use the router address of the node subnet"],
  ],
  [
    "VIP outside the node subnet",
    (c) => {
      east(c).network.vip = "10.99.0.10";
    },
    ["clusters[0].network.vip: VIP 10.99.0.10 is outside nodeSubnet 10.10.0.0/24. Fix: use a free address inside 10.10.0.0/24"],
  ],
  [
    "VIP is a node IP",
    (c) => {
      east(c).network.vip = "10.10.0.12";
    },
    [
      "clusters[0].network.vip: VIP 10.10.0.12 is the IP of clusters[0].controlPlane.nodes[1]. Fix: use an address no node has: Talos moves the VIP between control planes",
    ],
  ],
  [
    "VM ids reused across clusters",
    (c) => {
      west(c).controlPlane.nodes[0].vmId = 1011;
    },
    [
      "clusters[1].controlPlane.nodes[0].vmId: vmId 1011 is already used by clusters[0].controlPlane.nodes[0]. Fix: give every VM in the mesh a unique Proxmox id",
    ],
  ],
  [
    "VM id below 100",
    (c) => {
      east(c).controlPlane.nodes[0].vmId = 50;
    },
    ["clusters[0].controlPlane.nodes[0].vmId: vmId below 100 (got 50). Fix: Proxmox reserves ids below 100: use 100 to 999999999"],
  ],
  [
    "node names reused across clusters",
    (c) => {
      west(c).workers!.nodes![0].name = "talos-east-w-1";
    },
    [
      'clusters[1].workers.nodes[0].name: node name "talos-east-w-1" is already used by clusters[0].workers.nodes[0]. Fix: give every node in the mesh a unique name (it is the hostname and the VM name)',
    ],
  ],
  [
    "even number of control planes",
    (c) => {
      east(c).controlPlane.nodes.pop();
    },
    ["clusters[0].controlPlane.nodes: 2 control planes. Fix: use an odd number (1, 3 or 5) so etcd keeps quorum"],
  ],
  [
    "no control planes",
    (c) => {
      east(c).controlPlane.nodes = [];
    },
    ["clusters[0].controlPlane.nodes: 0 control planes. Fix: use an odd number (1, 3 or 5) so etcd keeps quorum"],
  ],
  [
    "rook replicas above the worker count",
    (c) => {
      east(c).platform = { rookCeph: { replicas: 4 } };
    },
    ["clusters[0].platform.rookCeph.replicas: replica count 4 is larger than the worker count 3. Fix: use at most 3, or add workers"],
  ],
  [
    "rook on without workers",
    (c) => {
      east(c).workers = { nodes: [] };
    },
    [
      "clusters[0].platform.rookCeph.enabled: rook-ceph is on but the cluster has no workers for its OSDs. Fix: add workers, or set platform.rookCeph.enabled: false",
    ],
  ],
  [
    "rook filesystem and object store replicas above the worker count",
    (c) => {
      east(c).platform = { rookCeph: { filesystem: { replicas: 4 }, objectStore: { replicas: 5 } } };
    },
    [
      "clusters[0].platform.rookCeph.filesystem.replicas: replica count 4 is larger than the worker count 3. Fix: use at most 3, or add workers",
      "clusters[0].platform.rookCeph.objectStore.replicas: replica count 5 is larger than the worker count 3. Fix: use at most 3, or add workers",
    ],
  ],
  [
    "kubescape with no default StorageClass for its PVC",
    (c) => {
      east(c).platform = { rookCeph: { enabled: false }, proxmoxCsi: { enabled: false } };
    },
    [
      "clusters[0].platform.kubescape.enabled: kubescape needs a default StorageClass (a PersistentVolumeClaim without a class binds only through one), and none of platform.rookCeph, platform.proxmoxCsi is on. Fix: switch on platform.rookCeph or platform.proxmoxCsi, or set platform.kubescape.enabled: false",
    ],
  ],
  [
    "the Proxmox CSI plugin on a cluster behind two Proxmox APIs, without its token on the standalone host",
    (c) => {
      c.proxmox.hosts = { pve2: { endpoint: "https://pve2.example.internal:8006/" } };
      east(c).platform = { rookCeph: { enabled: false } };
    },
    [
      "clusters[0].platform.proxmoxCsi.hosts: the Proxmox CSI plugin talks to every Proxmox API of talos-east, and proxmox.hosts.pve2 serves nodes of it but has no token of the plugin's. Fix: make the plugin's token on pve2 (docs/operations.md: storage) and add platform.proxmoxCsi.hosts.pve2: { tokenSecret: { env: PROXMOX_CSI_PVE2_TOKEN_SECRET } }, or set platform.proxmoxCsi.enabled: false",
    ],
  ],
  [
    "the Proxmox CSI plugin with a token for a host that serves none of the cluster's nodes",
    (c) => {
      east(c).platform = { rookCeph: { enabled: false }, proxmoxCsi: { hosts: { "pve-9": { tokenSecret: { env: "PVE9_CSI" } } } } };
    },
    [
      "clusters[0].platform.proxmoxCsi.hosts.pve-9: pve-9 serves no node of talos-east (its nodes are behind proxmox.endpoint), so this token is never used. Fix: remove it, or name a host under proxmox.hosts that a node's proxmoxNode names",
    ],
  ],
  [
    "the Proxmox CSI plugin with two APIs in one region",
    (c) => {
      c.proxmox.hosts = { pve2: { endpoint: "https://pve2.example.internal:8006/" } };
      east(c).platform = { rookCeph: { enabled: false }, proxmoxCsi: { hosts: { pve2: { region: "proxmox", tokenSecret: { env: "PVE2_CSI" } } } } };
    },
    [
      "clusters[0].platform.proxmoxCsi.hosts.pve2.region: region proxmox of proxmox.hosts.pve2 is also the region of proxmox.endpoint: the plugin finds a volume's API by its region, so it could not tell them apart. Fix: give platform.proxmoxCsi.hosts.pve2.region a name of its own, e.g. pve2",
    ],
  ],
  [
    "OLM and the Gateway without cert-manager",
    (c) => {
      east(c).platform = { certManager: { enabled: false }, olm: { enabled: true } };
    },
    [
      "clusters[0].platform.gateway.enabled: gateway needs cert-manager (its CRDs and a ready webhook), and none of platform.certManager is on. Fix: switch on platform.certManager, or set platform.gateway.enabled: false",
      "clusters[0].platform.olm.enabled: olm needs cert-manager (its CRDs and a ready webhook), and none of platform.certManager is on. Fix: switch on platform.certManager, or set platform.olm.enabled: false",
    ],
  ],
  [
    "control plane below the Talos core minimum",
    (c) => {
      east(c).controlPlane.cores = 1;
    },
    [
      "clusters[0].controlPlane.cores: 1 cores (talos-east-cp-1, talos-east-cp-2, talos-east-cp-3) is below the Talos minimum for a control plane, 2 cores. Fix: give it at least 2 cores",
    ],
  ],
  [
    "worker below the Talos memory minimum",
    (c) => {
      east(c).workers!.nodes![1].memoryGiB = 0.5;
    },
    [
      "clusters[0].workers.memoryGiB: a node of the workers has 0.1 GiB allocatable but one node must hold 5.2 GiB (DaemonSets, its Ceph OSD and the largest pod). Fix: give the workers at least 7 GiB (workers.memoryGiB)",
      "clusters[0].workers.nodes[1].memoryGiB: 0.5 GiB (talos-east-w-2) is below the Talos minimum for a worker, 1 GiB. Fix: give it at least 1 GiB",
    ],
  ],
  [
    "workers too small for the platform",
    (c) => {
      east(c).workers!.memoryGiB = 4;
    },
    [
      "clusters[0].workers.memoryGiB: the platform requests 22.4 GiB of memory but the workers offer 10.9 GiB after Talos' reservations: pods would stay Pending and Helm's atomic rollback would undo the releases. Fix: give the workers at least 10 GiB each (workers.memoryGiB), add nodes, or switch components off (docs/config.md: capacity)",
    ],
  ],
  [
    "single-node cluster of 4 GiB",
    (c) => {
      c.clusters = [
        { ...east(c), controlPlane: { nodes: [east(c).controlPlane.nodes[0]] }, workers: { nodes: [] }, platform: { rookCeph: { enabled: false } } },
      ];
    },
    [
      "clusters[0].controlPlane.memoryGiB: the platform requests 2.9 GiB of memory but the control planes (no workers) offer 2.7 GiB after Talos' reservations: pods would stay Pending and Helm's atomic rollback would undo the releases. Fix: give the control planes (no workers) at least 5 GiB each (controlPlane.memoryGiB), add nodes, or switch components off (docs/config.md: capacity)",
    ],
  ],
  [
    "Talos version not in the table",
    (c) => {
      c.versions = { talos: "v1.9.5" };
    },
    [
      "versions.talos: Talos v1.9.5 is not in the compatibility table (1.10.x, 1.11.x, 1.12.x, 1.13.x). Fix: choose a Talos version from the table in docs/config.md, or extend lib/config/compat.ts from the Talos machinery sources",
    ],
  ],
  [
    "Kubernetes outside the Talos range",
    (c) => {
      c.versions = { kubernetes: "1.37.0" };
    },
    [
      "versions.kubernetes: Kubernetes 1.37.0 is outside what Talos v1.13.9 supports (1.31 - 1.36). Fix: choose Kubernetes 1.31 to 1.36, or another Talos version",
    ],
  ],
  [
    "the first control plane leaving",
    (c) => {
      c.clusters[0].controlPlane.nodes[0].leaving = true;
    },
    [
      "clusters[0].controlPlane.nodes: 2 control planes. Fix: use an odd number (1, 3 or 5) so etcd keeps quorum",
      "clusters[0].controlPlane.nodes[0].leaving: talos-east-cp-1 is the first control plane, where etcd was bootstrapped. Fix: keep it (any other node can leave), or rebuild it in place: give it a new vmId and its config is applied to the new VM",
    ],
  ],
  [
    "a leaving control plane counts out of the quorum",
    (c) => {
      c.clusters[0].controlPlane.nodes[2].leaving = true;
    },
    ["clusters[0].controlPlane.nodes: 2 control planes. Fix: use an odd number (1, 3 or 5) so etcd keeps quorum"],
  ],
  [
    "Cilium version not in the table",
    (c) => {
      c.versions = { cilium: "1.18.4" };
    },
    ["versions.cilium: Cilium 1.18.4 is not in the compatibility table (1.19.x, 1.20.x). Fix: choose a Cilium version from the table in docs/config.md"],
  ],
  [
    "clustermesh NodePort reused",
    (c) => {
      west(c).clustermesh = { nodePort: 32379 };
    },
    [
      "clusters[1].clustermesh.nodePort: nodePort 32379 is already used by clusters[0] (talos-east). Fix: give every cluster's clustermesh-apiserver its own NodePort, so peers and firewall rules can tell them apart",
    ],
  ],
  [
    "clustermesh NodePort out of range",
    (c) => {
      east(c).clustermesh = { nodePort: 40000 };
    },
    ["clusters[0].clustermesh.nodePort: nodePort above 32767 (got 40000). Fix: use a port in the Kubernetes NodePort range 30000-32767"],
  ],
  [
    "clustermesh-apiserver service type unknown",
    (c) => {
      east(c).clustermesh = { serviceType: "ClusterIP" as any };
    },
    [
      'clusters[0].clustermesh.serviceType: not a service type aggrik8s supports (got "ClusterIP"). Fix: use NodePort (the default) or LoadBalancer (with network.loadBalancer)',
    ],
  ],
  [
    "Proxmox endpoint not https",
    (c) => {
      c.proxmox.endpoint = "http://pve1:8006/";
    },
    ['proxmox.endpoint: not an https URL (got "http://pve1:8006/"). Fix: write the Proxmox API URL as https://host:8006/'],
  ],
  [
    "Proxmox token written inline",
    (c) => {
      (c.proxmox as any).apiToken = "root@pam!ci=00000000-0000-0000-0000-000000000000";
    },
    [
      "proxmox.apiToken: secrets are never written inline. Fix: write {env: VARIABLE_NAME} to read it from the environment at deploy time, or {doppler: SECRET_NAME} with doppler.enabled",
    ],
  ],
  [
    "Robusta key written inline",
    (c) => {
      east(c).platform = { robusta: { signingKey: "abc" as any } };
    },
    [
      "clusters[0].platform.robusta.signingKey: secrets are never written inline. Fix: write {env: VARIABLE_NAME} to read it from the environment at deploy time, or {doppler: SECRET_NAME} with doppler.enabled",
    ],
  ],
  [
    "Doppler secret without Doppler",
    (c) => {
      east(c).platform = { openTelemetry: { apiKey: { doppler: "HONEYCOMB_API_KEY" } } };
    },
    [
      "clusters[0].platform.openTelemetry.apiKey: refers to a Doppler secret but doppler.enabled is false. Fix: set doppler.enabled: true (with project and config), or use {env: NAME}",
    ],
  ],
  [
    "extra release names reused",
    (c) => {
      const r = { name: "gc", repository: "https://helm.groundcover.com/", chart: "groundcover", version: "1.0.0", namespace: "groundcover" };
      east(c).platform = { extraReleases: [r, r] };
    },
    [
      'clusters[0].platform.extraReleases[1].name: release name "gc" is already used by clusters[0].platform.extraReleases[0]. Fix: give every extra release in the cluster a unique name',
    ],
  ],
  [
    "an extra release's secret value inside a list",
    (c) => {
      east(c).platform = {
        extraReleases: [
          {
            name: "x",
            repository: "https://charts.example.com/",
            chart: "x",
            version: "1.0.0",
            namespace: "x",
            secretValues: { "auth.apiKey": { env: "X_KEY" }, "sinks[0].token": { env: "X_TOKEN" } },
          },
        ],
      };
    },
    [
      "clusters[0].platform.extraReleases[0].secretValues.sinks[0].token: secret value sinks[0].token sits inside a list: the helm provider merges write-only values map by map and replaces a list whole, so the list would keep only this value. Fix: give the secret through a Kubernetes Secret the chart reads (most charts take an existing Secret's name), or a key of a map",
    ],
  ],
  [
    "extra release into kube-system",
    (c) => {
      east(c).platform = { extraReleases: [{ name: "x", repository: "https://charts.example.com/", chart: "x", version: "1.0.0", namespace: "kube-system" }] };
    },
    [
      "clusters[0].platform.extraReleases[0].namespace: namespace kube-system belongs to Kubernetes/Talos and is not relabelled. Fix: install the release into a namespace of its own",
    ],
  ],
  [
    "extra release relabels a built-in namespace",
    (c) => {
      east(c).platform = {
        extraReleases: [
          { name: "x", repository: "https://charts.example.com/", chart: "x", version: "1.0.0", namespace: "rook-ceph", podSecurity: "baseline" },
        ],
      };
    },
    [
      "clusters[0].platform.extraReleases[0].podSecurity: namespace rook-ceph is privileged for a built-in component, not baseline. Fix: use podSecurity: privileged, or another namespace",
    ],
  ],
  [
    "extension not an official name",
    (c) => {
      east(c).talos = { extensions: ["qemu-guest-agent"] };
    },
    ['clusters[0].talos.extensions[0]: not an official extension name (got "qemu-guest-agent"). Fix: write it as siderolabs/<name>'],
  ],
  [
    "image factory not an http(s) URL",
    (c) => {
      east(c).talos = { imageFactoryUrl: "ftp://factory.lab.internal" };
    },
    [
      'clusters[0].talos.imageFactoryUrl: not an http(s) URL (got "ftp://factory.lab.internal"). Fix: write the Image Factory\'s base URL, e.g. https://factory.talos.dev',
    ],
  ],
  [
    "proxmox section missing",
    (c) => {
      delete (c as any).proxmox;
    },
    ["proxmox: required field is missing. Fix: add proxmox (see docs/config.md)"],
  ],
  [
    "a Proxmox node with no API endpoint (no mesh default, not under hosts)",
    (c) => {
      delete c.proxmox.endpoint;
      c.proxmox.hosts = { pve1: { endpoint: "https://pve1.lab.internal:8006/" }, pve2: { endpoint: "https://pve2.lab.internal:8006/" } };
      east(c).controlPlane.nodes.forEach((n) => (n.proxmoxNode = "pve1"));
      east(c).workers!.nodes!.forEach((n) => (n.proxmoxNode = "pve2"));
      west(c).controlPlane.nodes.forEach((n) => (n.proxmoxNode = "pve1"));
      west(c).workers!.nodes!.forEach((n) => (n.proxmoxNode = "pve2"));
      west(c).workers!.nodes![2].proxmoxNode = "pve3";
    },
    [
      'clusters[1].workers.nodes[2].proxmoxNode: Proxmox node "pve3" has no API endpoint: it is not under proxmox.hosts and proxmox.endpoint is not set. Fix: add proxmox.hosts.pve3.endpoint (a standalone host), or set proxmox.endpoint to the PVE cluster that has node pve3',
    ],
  ],
  [
    "a Proxmox host that is not an https URL, with an unknown key",
    (c) => {
      c.proxmox.hosts = { pve1: { endpoint: "http://pve1.lab.internal:8006/", token: "x" } as any };
    },
    [
      'proxmox.hosts.pve1.endpoint: not an https URL (got "http://pve1.lab.internal:8006/"). Fix: write the Proxmox API URL as https://host:8006/',
      'proxmox.hosts.pve1: unknown key "token". Fix: remove "token" (allowed here: endpoint, apiToken, insecure, isoDatastore)',
    ],
  ],
];

/** Problem lines with their `file:line:column: ` prefix checked and removed (positions have their own table below). */
function located(lines: string[], file: string): string[] {
  return lines.map((l) => {
    const prefix = `  - ${file}:`;
    expect({ line: l, located: l.startsWith(prefix) && /^\d+:\d+: /.test(l.slice(prefix.length)) }).toEqual({ line: l, located: true });
    return `  - ${l.slice(prefix.length).replace(/^\d+:\d+: /, "")}`;
  });
}

describe("bad configs are refused at synth with exact messages", () => {
  it.each(CASES)("%s", (_name, edit, expected) => {
    const input = defaultInput();
    edit(input as any);
    const outdir = scratchDir();
    fs.writeFileSync(path.join(outdir, "sentinel"), "untouched");
    const file = writeConfig(input);
    const result = runSynth({ AGGRIK8S_CONFIG: file }, outdir);
    expect(result.code).toBe(1);
    expect(located(result.stderr.slice(1), file)).toEqual(expected.map((e) => `  - ${e}`));
    expect(fs.readdirSync(outdir)).toEqual(["sentinel"]);
  });
});

describe("config files that cannot be read", () => {
  const dir = scratchDir();
  const FILES: [string, string, string][] = [
    [
      "missing file",
      "nope.yaml",
      `AGGRIK8S_CONFIG: file ${path.join(dir, "nope.yaml")} does not exist. Fix: point AGGRIK8S_CONFIG at your mesh config, or unset it to use the embedded default mesh`,
    ],
    ["unsupported extension", "mesh.toml", `AGGRIK8S_CONFIG: ${path.join(dir, "mesh.toml")} has extension ".toml". Fix: name a .yaml, .yml or .json file`],
  ];
  fs.writeFileSync(path.join(dir, "mesh.toml"), "a = 1");
  it.each(FILES)("%s", (_name, name, expected) => {
    const result = runSynth({ AGGRIK8S_CONFIG: path.join(dir, name) });
    expect(result.code).toBe(1);
    expect(result.stderr.slice(1)).toEqual([`  - ${expected}`]);
  });
});

it("reports schema and cross-field problems of a config at once", () => {
  const input = defaultInput();
  input.clusters[1].id = 1;
  input.clusters[1].network.podSubnet = "10.110.0.0/16";
  (input.proxmox as any).colour = "blue";
  const file = writeConfig(input);
  const r = runSynth({ AGGRIK8S_CONFIG: file });
  expect(r.code).toBe(1);
  expect(r.stderr[0]).toMatch(/^error: 3 problems in the mesh config \(.*mesh\.yaml\):$/);
  expect(located(r.stderr.slice(1), file)).toEqual([
    '  - proxmox: unknown key "colour". Fix: remove "colour" (allowed here: endpoint, insecure, apiToken, isoTransfer, isoDatastore, hosts)',
    "  - clusters[1].id: cluster id 1 is already used by clusters[0] (talos-east). Fix: give every cluster a unique id from 1 to 255",
    "  - clusters[1].network.podSubnet: 10.110.0.0/16 overlaps clusters[0].network.podSubnet (10.110.0.0/16). Fix: give every pod and service range in the mesh its own CIDR, overlapping no other range and no node subnet (node subnets alone may be shared: clusters on one LAN)",
  ]);
});

it("keeps checking the other clusters when one fails the schema, with their own paths", () => {
  const input = defaultInput();
  (input.clusters[0] as any).colour = "blue";
  input.clusters[1].controlPlane.nodes.pop();
  const file = writeConfig(input);
  const r = runSynth({ AGGRIK8S_CONFIG: file });
  expect(located(r.stderr.slice(1), file)).toEqual([
    '  - clusters[0]: unknown key "colour". Fix: remove "colour" (allowed here: name, id, network, controlPlane, workers, talos, clustermesh, platform, allowPkiDestroy, healthGates)',
    "  - clusters[1].controlPlane.nodes: 2 control planes. Fix: use an odd number (1, 3 or 5) so etcd keeps quorum",
  ]);
});

it("prints warnings but synthesizes", () => {
  const input = defaultInput();
  input.clusters[0].workers!.memoryGiB = 1.5;
  input.clusters[0].platform = allComponentsOff();
  input.clusters[1].workers!.memoryGiB = 8;
  input.proxmox.insecure = true;
  input.clusters[1].talos = { extensions: ["siderolabs/iscsi-tools"] };
  const file = writeConfig(input, "mesh.json");
  const result = runSynth({ AGGRIK8S_CONFIG: file });
  expect(result.code).toBe(0);
  // Warnings carry their place in the file too; a JSON file is located like YAML.
  expect(result.stderr.map((l) => l.replace(new RegExp(`^warning: ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+: `), "warning: "))).toEqual([
    "warning: proxmox.insecure: TLS verification of the Proxmox API is off. Fix: give Proxmox a trusted certificate and remove insecure",
    "warning: clusters[0].workers.memoryGiB: 1.5 GiB (talos-east-w-1, talos-east-w-2, talos-east-w-3) is below the Talos recommendation for a worker, 2 GiB. Fix: give it 2 GiB for production",
    "warning: clusters[1].workers.memoryGiB: the platform requests 22.4 GiB, 98% of the 22.9 GiB the workers offer: little room for workloads or a node failure. Fix: give the workers more memory (workers.memoryGiB) or add nodes",
    "warning: clusters[1].talos.extensions: no siderolabs/qemu-guest-agent: the VMs run without the QEMU guest agent, so Proxmox can neither shut them down cleanly nor show their addresses. Fix: add siderolabs/qemu-guest-agent",
  ]);
  expect(fs.existsSync(path.join(result.outdir, "manifest.json"))).toBe(true);
});

it("says when rook-ceph on 2 workers gets a single Ceph mon", () => {
  const input = defaultInput();
  input.clusters[1].workers!.nodes!.pop();
  input.clusters[1].workers!.memoryGiB = 16;
  const file = writeConfig(input);
  const result = runSynth({ AGGRIK8S_CONFIG: file });
  expect(result.code).toBe(0);
  expect(result.stderr.map((l) => l.replace(`${file}:`, "").replace(/^warning: \d+:\d+: /, "warning: "))).toEqual([
    "warning: clusters[1].platform.rookCeph: rook-ceph on 2 workers runs a single Ceph mon (mons are one per node, in an odd number: 3 need 3 workers), so the storage stops whenever that mon's worker is down. Fix: add workers to reach 3 for three mons, or keep one mon knowingly (fine for a lab)",
  ]);
});

it("synthesizes two clusters on one flat LAN: a shared node subnet and gateway, distinct node IPs and VIPs", () => {
  const input = defaultInput();
  Object.assign(input.clusters[1].network, {
    nodeSubnet: "10.10.0.0/24",
    gateway: "10.10.0.1",
    vip: "10.10.0.110",
    loadBalancer: { pool: "10.10.0.220-10.10.0.239" },
  });
  input.clusters[1].controlPlane.nodes.forEach((n, i) => (n.ip = `10.10.0.${111 + i}`));
  input.clusters[1].workers!.nodes!.forEach((n, i) => (n.ip = `10.10.0.${121 + i}`));
  const result = runSynth({ AGGRIK8S_CONFIG: writeConfig(input) });
  expect(result.stderr).toEqual([]);
  expect(result.code).toBe(0);
  const west = JSON.parse(fs.readFileSync(path.join(result.outdir, "stacks", "talos-west-vms", "cdk.tf.json"), "utf8"));
  const addresses = Object.values(west.resource.proxmox_virtual_environment_vm as Record<string, any>).map((vm) => vm.initialization.ip_config[0].ipv4.address);
  expect(addresses).toContain("10.10.0.111/24");
});
