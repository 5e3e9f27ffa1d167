import * as fs from "fs";
import * as path from "path";
import { PROVIDERS } from "../lib/versions";
import pins from "../versions.json";
import { scratchDir } from "./helpers";

interface Toolchain {
  mirroredBinary(name: string, version?: string): string;
  mirroredVersion(name: string): { version: string; snapshot: boolean } | undefined;
  useMirroredSnapshots(stackDir: string): string[];
}

// toolchain.js reads AGGRIK8S_CACHE on every call: a scratch cache per test.
function withCache(): Toolchain {
  process.env.AGGRIK8S_CACHE = scratchDir("aggrik8s-cache-");
  return require("../scripts/lib/toolchain") as Toolchain;
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

function stackRequiring(versions: Record<string, string>): string {
  const dir = scratchDir();
  const required = Object.fromEntries(Object.entries(versions).map(([name, version]) => [name, { source: PROVIDERS[name as keyof typeof PROVIDERS].source, version }]));
  fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify({ terraform: { required_providers: required } }));
  return dir;
}
const requiredVersions = (dir: string): Record<string, string> =>
  Object.fromEntries(
    Object.entries(JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")).terraform.required_providers as Record<string, { version: string }>)
      .map(([name, p]) => [name, p.version]),
  );

const tlsSnapshot = pins.providers.tls.go.snapshot;

it("a snapshot is mirrored under a prerelease of the patch after the release it follows", () => {
  for (const [name, p] of Object.entries(pins.providers)) {
    const snap = (p.go as { snapshot?: { version: string; afterRelease: string } }).snapshot;
    if (!snap) continue;
    const [major, minor, patch] = snap.afterRelease.split(".").map(Number);
    expect({ name, version: snap.version }).toEqual({ name, version: expect.stringMatching(new RegExp(`^${major}\\.${minor}\\.${patch + 1}-main\\.\\d{8}$`)) });
  }
});

it("points a stack at the mirrored snapshot when the pin is not mirrored, and says so", () => {
  const tc = withCache();
  put(tc.mirroredBinary("tls", tlsSnapshot.version));
  const dir = stackRequiring({ tls: PROVIDERS.tls.version });
  expect(tc.mirroredVersion("tls")).toEqual({ version: tlsSnapshot.version, snapshot: true });
  expect(tc.useMirroredSnapshots(dir)).toEqual([
    `hashicorp/tls ${tlsSnapshot.version} (snapshot after ${tlsSnapshot.afterRelease}; pinned ${PROVIDERS.tls.version} not buildable here)`,
  ]);
  expect(requiredVersions(dir)).toEqual({ tls: tlsSnapshot.version });
});

it("leaves the pin alone when the mirror holds the pinned build", () => {
  const tc = withCache();
  put(tc.mirroredBinary("tls"));
  put(tc.mirroredBinary("tls", tlsSnapshot.version));
  const dir = stackRequiring({ tls: PROVIDERS.tls.version, proxmox: PROVIDERS.proxmox.version });
  expect(tc.mirroredVersion("tls")).toEqual({ version: PROVIDERS.tls.version, snapshot: false });
  expect(tc.useMirroredSnapshots(dir)).toEqual([]);
  expect(requiredVersions(dir)).toEqual({ tls: PROVIDERS.tls.version, proxmox: PROVIDERS.proxmox.version });
});

it("holds nothing for a provider that has neither build in the mirror", () => {
  const tc = withCache();
  expect(tc.mirroredVersion("tls")).toBeUndefined();
  expect(tc.useMirroredSnapshots(stackRequiring({ tls: PROVIDERS.tls.version }))).toEqual([]);
});
