import { Testing, TerraformStack } from "cdktf";
import { HttpProvider } from "@cdktf/provider-http/lib/provider";
import { DEFAULT_IMAGE_FACTORY, imageSchematic } from "../lib/talos/factory";
import { TalosImage, TalosImageProps } from "../lib/talos/image";
import { parse } from "./helpers";

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
      imageSchematic(["siderolabs/util-linux-tools", "siderolabs/qemu-guest-agent", "siderolabs/iscsi-tools", "siderolabs/nfs-utils", "siderolabs/trident-iscsi-tools"]).id,
    ).toBe(FIVE);
  });

  it("does not depend on the order or repetition of extensions", () => {
    const a = imageSchematic(["siderolabs/iscsi-tools", "siderolabs/qemu-guest-agent"]);
    const b = imageSchematic(["siderolabs/qemu-guest-agent", "siderolabs/iscsi-tools", "siderolabs/qemu-guest-agent"]);
    expect(b).toEqual(a);
    expect(a.yaml).toBe("customization:\n    systemExtensions:\n        officialExtensions:\n            - siderolabs/iscsi-tools\n            - siderolabs/qemu-guest-agent\n");
  });
});

function synthImage(props: TalosImageProps) {
  const stack = new TerraformStack(Testing.app(), "image");
  new HttpProvider(stack, "http");
  const image = new TalosImage(stack, "talos-image", props);
  const json = parse(Testing.synth(stack));
  const [upload] = Object.values(json.data.http) as any[];
  return { image, upload };
}

describe("TalosImage", () => {
  it("uploads the schematic and refuses a factory answer other than the computed ID", () => {
    const { image, upload } = synthImage({ talosVersion: "v1.12.4", extensions: ["siderolabs/qemu-guest-agent"] });
    expect(upload).toMatchObject({ url: `${DEFAULT_IMAGE_FACTORY}/schematics`, method: "POST", request_body: imageSchematic(["siderolabs/qemu-guest-agent"]).yaml });
    expect(upload.lifecycle.postcondition.map((p: any) => p.condition)).toEqual([
      "${self.status_code >= 200 && self.status_code < 300}",
      `\${try(jsondecode(self.response_body).id, "") == "${QEMU_AGENT}"}`,
    ]);
    expect(image.schematic.id).toBe(QEMU_AGENT);
  });

  it("names the installer image with the schematic, so installed nodes keep their extensions", () => {
    const { image } = synthImage({ talosVersion: "v1.12.4", extensions: ["siderolabs/qemu-guest-agent"] });
    expect(image.installerImage).toBe(`factory.talos.dev/nocloud-installer/${QEMU_AGENT}:v1.12.4`);
  });

  it("uses a self-hosted factory for the upload, the ISO and the installer", () => {
    const { image, upload } = synthImage({ talosVersion: "v1.12.4", factoryUrl: "https://factory.lab.internal/", architecture: "arm64" });
    expect(upload.url).toBe("https://factory.lab.internal/schematics");
    expect(image.installerImage).toBe(`factory.lab.internal/nocloud-installer/${STOCK}:v1.12.4`);
    expect(image.isoUrl).toMatch(/^https:\/\/factory\.lab\.internal\/image\/\$\{TfToken\[TOKEN\.\d+\]\}\/v1\.12\.4\/nocloud-arm64\.iso$/);
  });
});
