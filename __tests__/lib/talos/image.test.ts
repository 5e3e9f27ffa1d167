import { Testing, TerraformStack } from "cdktf";
import { TalosProvider } from "../../../.gen/providers/talos/provider";
import { imageSchematic } from "../../../lib/talos/factory";
import { TalosImage, TalosImageProps } from "../../../lib/talos/image";
import { parse } from "../../helpers";

// IDs the Image Factory itself hands out, as published: the stock image (the
// factory's README), qemu-guest-agent alone (Talos' Proxmox guides), and a
// five-extension image seen in public installer references.
const STOCK = "376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba";
const QEMU_AGENT = "ce4c980550dd2ab1b17bbf2b08801c7eb59418eafe8f279833297925d67c7515";
const FIVE = "060a945412986c731a206fa0dd0b736e1363e94a38c1f3eb62dc38e63933ba8e";

describe("imageSchematic", () => {
  it("computes the Image Factory's own IDs", () => {
    expect(imageSchematic([]).id).toBe(STOCK);
    expect(imageSchematic(["siderolabs/qemu-guest-agent"]).id).toBe(QEMU_AGENT);
    expect(
      imageSchematic([
        "siderolabs/util-linux-tools",
        "siderolabs/qemu-guest-agent",
        "siderolabs/iscsi-tools",
        "siderolabs/nfs-utils",
        "siderolabs/trident-iscsi-tools",
      ]).id,
    ).toBe(FIVE);
  });

  it("does not depend on the order or repetition of extensions", () => {
    const a = imageSchematic(["siderolabs/iscsi-tools", "siderolabs/qemu-guest-agent"]);
    const b = imageSchematic(["siderolabs/qemu-guest-agent", "siderolabs/iscsi-tools", "siderolabs/qemu-guest-agent"]);
    expect(b).toEqual(a);
    expect(a.yaml).toBe(
      "customization:\n    systemExtensions:\n        officialExtensions:\n            - siderolabs/iscsi-tools\n            - siderolabs/qemu-guest-agent\n",
    );
  });
});

function synthImage(props: TalosImageProps) {
  const stack = new TerraformStack(Testing.app(), "image");
  new TalosProvider(stack, "talos");
  const image = new TalosImage(stack, "talos-image", props);
  const json = parse(Testing.synth(stack));
  return {
    image,
    json,
    urls: (Object.values(json.data.talos_image_factory_urls) as any[])[0],
    schematic: (Object.values(json.resource?.talos_image_factory_schematic ?? {}) as any[])[0],
  };
}

describe("TalosImage", () => {
  it("registers the schematic with the provider's resource and stops the apply if the factory answers another ID", () => {
    const { image, schematic, urls } = synthImage({ talosVersion: "v1.12.4", extensions: ["siderolabs/qemu-guest-agent"], register: true });
    expect(schematic.schematic).toBe(imageSchematic(["siderolabs/qemu-guest-agent"]).yaml);
    expect(schematic.lifecycle.postcondition.map((p: any) => p.condition)).toEqual([`\${self.id == "${QEMU_AGENT}"}`]);
    // The URLs follow the registration, so the ISO download waits for it.
    expect(urls).toMatchObject({
      talos_version: "v1.12.4",
      platform: "nocloud",
      architecture: "amd64",
      schematic_id: expect.stringMatching(/^\$\{talos_image_factory_schematic\./),
    });
    expect(image.schematic.id).toBe(QEMU_AGENT);
  });

  it("without registering, names the image by the computed ID, known at synth", () => {
    const { json, urls } = synthImage({ talosVersion: "v1.12.4", extensions: ["siderolabs/qemu-guest-agent"] });
    expect(json.resource).toBeUndefined();
    expect(urls.schematic_id).toBe(QEMU_AGENT);
  });

  it("builds for another platform and architecture when asked", () => {
    const { urls } = synthImage({ talosVersion: "v1.12.4", platform: "metal", architecture: "arm64" });
    expect(urls).toMatchObject({ platform: "metal", architecture: "arm64", schematic_id: STOCK });
  });
});
