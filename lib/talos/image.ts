import { Fn } from "cdktf";
import { Construct } from "constructs";
import { DataHttp } from "@cdktf/provider-http/lib/data-http";
import { DEFAULT_IMAGE_FACTORY, ImageSchematic, imageSchematic } from "./factory";

export interface TalosImageProps {
  /** Talos version of the image, e.g. `v1.12.4`. */
  readonly talosVersion: string;
  /**
   * Official system extensions (`siderolabs/<name>`); order does not matter.
   * @default - none: the stock image
   */
  readonly extensions?: readonly string[];
  /**
   * Image Factory base URL, for a self-hosted factory.
   * @default - "https://factory.talos.dev"
   */
  readonly factoryUrl?: string;
  /**
   * Talos platform the image is built for: `nocloud` reads the addresses
   * Proxmox's cloud-init drive hands it, `metal` configures nothing itself.
   * @default - "nocloud"
   */
  readonly platform?: "nocloud" | "metal";
  /** @default - "amd64" */
  readonly architecture?: "amd64" | "arm64";
}

/**
 * A Talos image from the Image Factory. The schematic is uploaded on every
 * plan (`POST /schematics`, which only stores content-addressed data, so
 * repeating it changes nothing) and the factory's answer must be the ID
 * computed here, or the plan stops before anything downloads the image.
 *
 * @see https://github.com/siderolabs/image-factory#http-frontend-api
 */
export class TalosImage extends Construct {
  readonly schematic: ImageSchematic;
  /** Boot ISO URL; references the upload, so downloads are ordered after it. */
  readonly isoUrl: string;
  /** Installer image for `machine.install.image`, so installed nodes keep the extensions. */
  readonly installerImage: string;

  constructor(scope: Construct, id: string, props: TalosImageProps) {
    super(scope, id);
    const factory = (props.factoryUrl ?? DEFAULT_IMAGE_FACTORY).replace(/\/+$/, "");
    const platform = props.platform ?? "nocloud";
    const arch = props.architecture ?? "amd64";
    this.schematic = imageSchematic(props.extensions ?? []);
    const upload = new DataHttp(this, "schematic", {
      url: `${factory}/schematics`,
      method: "POST",
      requestBody: this.schematic.yaml,
      retry: { attempts: 3, minDelayMs: 1000, maxDelayMs: 10000 },
      lifecycle: {
        postcondition: [
          {
            condition: "${self.status_code >= 200 && self.status_code < 300}",
            errorMessage: `The Image Factory at ${factory} refused the schematic upload. Check talos.imageFactoryUrl and that the extensions exist for this Talos version.`,
          },
          {
            condition: `\${try(jsondecode(self.response_body).id, "") == "${this.schematic.id}"}`,
            errorMessage: `The Image Factory at ${factory} gave the schematic an ID other than ${this.schematic.id}, the one aggrik8s computed; the factory's ID scheme changed: report it.`,
          },
        ],
      },
    });
    const registeredId = Fn.lookup(Fn.jsondecode(upload.responseBody), "id");
    this.isoUrl = `${factory}/image/${registeredId}/${props.talosVersion}/${platform}-${arch}.iso`;
    const registry = factory.replace(/^https?:\/\//, "");
    this.installerImage = `${registry}/${platform}-installer/${this.schematic.id}:${props.talosVersion}`;
  }
}
