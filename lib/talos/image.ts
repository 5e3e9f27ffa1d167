import { Construct } from "constructs";
import { DataTalosImageFactoryUrls } from "../../.gen/providers/talos/data-talos-image-factory-urls";
import { ImageFactorySchematic } from "../../.gen/providers/talos/image-factory-schematic";
import { ImageSchematic, imageSchematic } from "./factory";

export interface TalosImageProps {
  /** Talos version of the image, e.g. `v1.12.4`. */
  readonly talosVersion: string;
  /**
   * Official system extensions (`siderolabs/<name>`); order does not matter.
   * @default - none: the stock image
   */
  readonly extensions?: readonly string[];
  /**
   * Register the schematic with the Image Factory (`talos_image_factory_schematic`,
   * one `POST /schematics` at apply). Only the stack that boots the image needs
   * to; the others name it by its ID, which is known at synth.
   * @default false
   */
  readonly register?: boolean;
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
 * A Talos image from the Image Factory, with the URLs the siderolabs/talos
 * provider derives for it (`talos_image_factory_urls`, read locally: no
 * factory call). The stack's talos provider names the factory
 * (`image_factory_url`).
 *
 * The schematic ID is computed here as the factory computes it, so that the
 * Talos stack knows its installer image at synth and can be planned before
 * the VMs stack is applied. Where the schematic is registered, a
 * postcondition stops the apply if the factory answers another ID.
 *
 * @see https://github.com/siderolabs/terraform-provider-talos/blob/v0.11.0/docs/resources/image_factory_schematic.md
 * @see https://github.com/siderolabs/image-factory#http-frontend-api
 */
export class TalosImage extends Construct {
  readonly schematic: ImageSchematic;
  /** Boot ISO URL; where registered, it references the registration, so downloads wait for it. */
  readonly isoUrl: string;
  /** Installer image for `machine.install.image`, so installed nodes keep the extensions. */
  readonly installerImage: string;

  constructor(scope: Construct, id: string, props: TalosImageProps) {
    super(scope, id);
    this.schematic = imageSchematic(props.extensions ?? []);
    let schematicId = this.schematic.id;
    if (props.register) {
      const registered = new ImageFactorySchematic(this, "schematic", {
        schematic: this.schematic.yaml,
        lifecycle: {
          postcondition: [
            {
              condition: `\${self.id == "${this.schematic.id}"}`,
              errorMessage: `The Image Factory gave the schematic an ID other than ${this.schematic.id}, the one aggrik8s computed and the Talos stack installs; the factory's ID scheme changed: report it.`,
            },
          ],
        },
      });
      schematicId = registered.id;
    }
    const urls = new DataTalosImageFactoryUrls(this, "urls", {
      talosVersion: props.talosVersion,
      schematicId,
      platform: props.platform ?? "nocloud",
      architecture: props.architecture ?? "amd64",
    });
    this.isoUrl = urls.urls.iso;
    this.installerImage = urls.urls.installer;
  }
}
