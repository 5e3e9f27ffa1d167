/** Cluster names and ids, node names, VM ids and node IPs: unique across the mesh; no cluster's stack named like a mesh-wide one. */
import { CLUSTER_STACK_KINDS, MESH_STACK_KINDS, clusterStackName } from "../../../stacks/naming";
import { MeshRule, clustersOf, nodesOf, unique } from "./rule";

export const namesAndIds: MeshRule = (config, { err }) => {
  const clusters = clustersOf(config);
  const nodes = nodesOf(config);
  for (const { c, path } of clusters) {
    if (c.name === "default") {
      err(`${path}.name`, `cluster name "default" is reserved by Cilium`, "choose another name, e.g. talos-east");
    }
    // Stack names are state addresses and CLI arguments: a cluster "mesh" would give its credentials stack the mesh's name.
    for (const kind of CLUSTER_STACK_KINDS) {
      const name = clusterStackName(c.name, kind);
      if ((MESH_STACK_KINDS as readonly string[]).includes(name))
        err(
          `${path}.name`,
          `cluster name "${c.name}" names its ${kind} stack ${name}, the name of the mesh-wide stack`,
          "choose another name, e.g. talos-east",
        );
    }
  }
  unique(
    clusters,
    (x) => x.c.name,
    (x) => x.path,
    (x, first) => err(`${x.path}.name`, `cluster name "${x.c.name}" is already used by ${first.path}`, "give every cluster a unique name"),
  );
  unique(
    clusters,
    (x) => x.c.id,
    (x) => x.path,
    (x, first) =>
      err(`${x.path}.id`, `cluster id ${x.c.id} is already used by ${first.path} (${first.c.name})`, "give every cluster a unique id from 1 to 255"),
  );
  unique(
    nodes,
    (n) => n.node.name,
    (n) => n.path,
    (n, first) =>
      err(
        `${n.path}.name`,
        `node name "${n.node.name}" is already used by ${first.path}`,
        "give every node in the mesh a unique name (it is the hostname and the VM name)",
      ),
  );
  unique(
    nodes,
    (n) => n.node.vmId,
    (n) => n.path,
    (n, first) => err(`${n.path}.vmId`, `vmId ${n.node.vmId} is already used by ${first.path}`, "give every VM in the mesh a unique Proxmox id"),
  );
  unique(
    nodes,
    (n) => n.node.ip,
    (n) => n.path,
    (n, first) => err(`${n.path}.ip`, `IP ${n.node.ip} is already used by ${first.path}`, "give every node in the mesh its own address"),
  );
};
