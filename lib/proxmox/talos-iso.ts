import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { DownloadFile } from "../../.gen/providers/proxmox/download-file";
import { VirtualEnvironmentFile } from "../../.gen/providers/proxmox/virtual-environment-file";

/**
 * How the ISO reaches a Proxmox node's datastore:
 * - `download`: the node fetches it itself (`proxmox_download_file`). The
 *   provider first asks Proxmox for the URL's metadata
 *   (`query-url-metadata`), which has failed on Image Factory URLs with "403
 *   Permission check failed" (bpg/terraform-provider-proxmox#2339, #2656).
 * - `upload`: the machine running the engine fetches it and uploads it through
 *   the Proxmox API (`proxmox_virtual_environment_file`, ISOs need no SSH); no
 *   metadata query. The same file ends up in the same datastore.
 */
export type IsoTransfer = "download" | "upload";

export interface TalosIsoProps {
  /** URL of the Talos nocloud ISO (from the Image Factory). */
  readonly url: string;
  /** Proxmox nodes that run Talos VMs; the ISO goes once to each. */
  readonly proxmoxNodes: readonly string[];
  /** Datastore that holds ISOs on every node. @default - "local" */
  readonly datastore?: string;
  /** Datastore that holds ISOs, by Proxmox node, where it differs from `datastore`. @default - `datastore` everywhere */
  readonly datastoreByNode?: Readonly<Record<string, string>>;
  /** The Proxmox provider (API endpoint) of each node, when the stack has several. @default - the stack's default proxmox provider */
  readonly providerByNode?: Readonly<Record<string, TerraformProvider>>;
  /** File name on the datastore; must end in .iso. */
  readonly fileName: string;
  /** @default "download" */
  readonly transfer?: IsoTransfer;
}

/**
 * The Talos boot ISO in the datastore of each Proxmox node that runs a Talos VM.
 *
 * @see https://registry.terraform.io/providers/bpg/proxmox/latest/docs/resources/download_file
 * @see https://registry.terraform.io/providers/bpg/proxmox/latest/docs/resources/virtual_environment_file
 */
export class TalosIso extends Construct {
  /** Proxmox file id of the ISO by Proxmox node name. */
  readonly fileIdByNode: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: TalosIsoProps) {
    super(scope, id);
    const nodes = [...new Set(props.proxmoxNodes)].sort();
    this.fileIdByNode = Object.fromEntries(
      nodes.map((node) => {
        const datastoreId = props.datastoreByNode?.[node] ?? props.datastore ?? "local";
        const provider = props.providerByNode?.[node];
        const file =
          (props.transfer ?? "download") === "download"
            ? new DownloadFile(this, node, {
                nodeName: node,
                contentType: "iso",
                datastoreId,
                url: props.url,
                fileName: props.fileName,
                overwrite: false,
                // A partial file left by an interrupted download is replaced, not an error.
                overwriteUnmanaged: true,
                ...(provider ? { provider } : {}),
              })
            : new VirtualEnvironmentFile(this, `upload-${node}`, {
                ...(provider ? { provider } : {}),
                nodeName: node,
                contentType: "iso",
                datastoreId,
                sourceFile: { path: props.url, fileName: props.fileName },
                overwrite: false,
                // A Talos ISO is ~100-300 MiB; the default 30 minutes covers slow links.
                timeoutUpload: 1800,
              });
        return [node, file.id];
      }),
    );
  }
}
