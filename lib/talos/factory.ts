// The Image Factory's naming, kept free of cdktf so the config schema can use it.
import { createHash } from "crypto";
import YAML from "yaml";

/** The extension that lets Proxmox talk to a Talos VM (clean shutdown, addresses in the UI). */
export const QEMU_GUEST_AGENT = "siderolabs/qemu-guest-agent";

/** The public Talos Image Factory. */
export const DEFAULT_IMAGE_FACTORY = "https://factory.talos.dev";

/** An Image Factory schematic: the customisation an image is built with, and its ID. */
export interface ImageSchematic {
  /** The schematic as the factory reads it (YAML). */
  readonly yaml: string;
  /** Hex SHA-256 of `yaml`: the factory's ID for it. */
  readonly id: string;
}

/**
 * The schematic for a set of official system extensions, computed as the Image
 * Factory does: the ID is the SHA-256 of the schematic marshalled by Go's
 * yaml package (four-space indent, `customization: {}` when empty). Extensions
 * are sorted and de-duplicated so the config's order does not change the image.
 *
 * @see https://docs.siderolabs.com/talos/v1.12/learn-more/image-factory
 */
export function imageSchematic(extensions: readonly string[]): ImageSchematic {
  const official = [...new Set(extensions)].sort();
  const doc = { customization: official.length ? { systemExtensions: { officialExtensions: official } } : {} };
  const yaml = YAML.stringify(doc, { indent: 4, indentSeq: true });
  return { yaml, id: createHash("sha256").update(yaml).digest("hex") };
}
