import * as fs from "fs";
import * as path from "path";
import pins from "../../versions.json";
import { scratchDir } from "../helpers";

interface Toolchain {
  mirroredBinary(name: string, version?: string): string;
  mirroredProviders(): string[];
}

// toolchain.js reads AGGRIK8S_CACHE on every call: a scratch cache per test.
function withCache(): Toolchain {
  process.env.AGGRIK8S_CACHE = scratchDir("aggrik8s-cache-");
  return require("../../scripts/lib/toolchain") as Toolchain;
}
const savedCache = process.env.AGGRIK8S_CACHE;
afterEach(() => {
  if (savedCache === undefined) delete process.env.AGGRIK8S_CACHE;
  else process.env.AGGRIK8S_CACHE = savedCache;
});

function put(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, "");
}

it("every provider is built at its pin: a module and the commit of its release tag, and an archive named after the version", () => {
  for (const [name, p] of Object.entries(pins.providers)) {
    const go = p.go as { module: string; ref: string; archive?: string; replace?: Record<string, string> };
    expect({ name, module: go.module }).toEqual({ name, module: expect.stringMatching(/^github\.com\//) });
    expect({ name, ref: go.ref }).toEqual({ name, ref: expect.stringMatching(/^(v\d+\.\d+\.\d+|[0-9a-f]{40})$/) });
    if (go.archive) expect({ name, archive: go.archive }).toEqual({ name, archive: `terraform-provider-${p.source.split("/")[1]}-${p.version}.tar.gz` });
    expect(p).not.toHaveProperty("go.snapshot");
  }
  expect(pins.providers.talos.go.replace).toEqual({ "github.com/siderolabs/image-factory": "image-factory-1.3.1.tar.gz" });
});

it("the mirror counts a provider only when its pinned binary is there", () => {
  const tc = withCache();
  expect(tc.mirroredProviders()).toEqual([]);
  put(tc.mirroredBinary("tls"));
  put(tc.mirroredBinary("helm", "9.9.9"));
  expect(tc.mirroredProviders()).toEqual(["tls"]);
  expect(tc.mirroredBinary("doppler")).toMatch(
    /registry\.terraform\.io\/dopplerhq\/doppler\/1\.21\.4\/[a-z]+_[a-z0-9]+\/terraform-provider-doppler_v1\.21\.4$/,
  );
});
