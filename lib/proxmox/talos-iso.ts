import { Construct } from "constructs";
import { DownloadFile } from "../../.gen/providers/proxmox/download-file";

export interface TalosIsoProps {
  /** URL of the Talos nocloud ISO (from the Image Factory). */
  readonly url: string;
  /** Proxmox nodes that run Talos VMs; the ISO is downloaded once to each. */
  readonly proxmoxNodes: readonly string[];
  /** Datastore that holds ISOs on every node. @default - "local" */
  readonly datastore?: string;
  /** File name on the datastore; must end in .iso. */
  readonly fileName: string;
}

/**
 * The Talos boot ISO, downloaded by each Proxmox node that runs a Talos VM
 * (Proxmox fetches it itself; nothing passes through the machine running
 * Terraform).
 *
 * @see https://registry.terraform.io/providers/bpg/proxmox/latest/docs/resources/download_file
 */
export class TalosIso extends Construct {
  /** Proxmox file id of the ISO by Proxmox node name. */
  readonly fileIdByNode: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: TalosIsoProps) {
    super(scope, id);
    const nodes = [...new Set(props.proxmoxNodes)].sort();
    this.fileIdByNode = Object.fromEntries(
      nodes.map((node) => {
        const file = new DownloadFile(this, node, {
          nodeName: node,
          contentType: "iso",
          datastoreId: props.datastore ?? "local",
          url: props.url,
          fileName: props.fileName,
          overwrite: false,
        });
        return [node, file.id];
      }),
    );
  }
}
