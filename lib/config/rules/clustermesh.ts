/** ClusterMesh NodePorts unique (peers and firewall rules tell clusters apart by them) and the guest agent warning. */
import { QEMU_GUEST_AGENT } from "../../talos/factory";
import { MeshRule, clustersOf, unique } from "./rule";

export const clustermesh: MeshRule = (config, { err, warn }) => {
  const clusters = clustersOf(config);
  unique(
    clusters,
    (x) => x.c.clustermesh.nodePort,
    (x) => x.path,
    (x, first) =>
      err(
        `${x.path}.clustermesh.nodePort`,
        `nodePort ${x.c.clustermesh.nodePort} is already used by ${first.path} (${first.c.name})`,
        "give every cluster's clustermesh-apiserver its own NodePort, so peers and firewall rules can tell them apart",
      ),
  );

  for (const { c, path } of clusters) {
    if (!c.talos.extensions.includes(QEMU_GUEST_AGENT)) {
      warn(
        `${path}.talos.extensions`,
        `no ${QEMU_GUEST_AGENT}: the VMs run without the QEMU guest agent, so Proxmox can neither shut them down cleanly nor show their addresses`,
        `add ${QEMU_GUEST_AGENT}`,
      );
    }
  }
};
