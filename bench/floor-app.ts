// The floor: a minimal app importing the same provider bindings the mesh uses,
// one resource of each, no aggrik8s code. What synth costs before we add anything.
import { App, TerraformStack } from "cdktf";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { Release } from "@cdktf/provider-helm/lib/release";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { LocalProvider } from "@cdktf/provider-local/lib/provider";
import { SensitiveFile } from "@cdktf/provider-local/lib/sensitive-file";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import { PrivateKey } from "@cdktf/provider-tls/lib/private-key";
import { SelfSignedCert } from "@cdktf/provider-tls/lib/self-signed-cert";
import { HttpProvider } from "@cdktf/provider-http/lib/provider";
import { DataHttp } from "@cdktf/provider-http/lib/data-http";
import { ProxmoxProvider } from "../.gen/providers/proxmox/provider";
import { VirtualEnvironmentVm } from "../.gen/providers/proxmox/virtual-environment-vm";
import { DownloadFile } from "../.gen/providers/proxmox/download-file";

const app = new App({ stackTraces: false });
const s = new TerraformStack(app, "floor");
new HelmProvider(s, "helm");
new Release(s, "release", { name: "r", chart: "c" });
new KubernetesProvider(s, "kubernetes");
new NamespaceV1(s, "ns", { metadata: { name: "n" } });
new SecretV1(s, "secret", { metadata: { name: "s" } });
new LocalProvider(s, "local");
new SensitiveFile(s, "file", { filename: "f", content: "c" });
new TlsProvider(s, "tls");
const key = new PrivateKey(s, "key", { algorithm: "RSA" });
new SelfSignedCert(s, "cert", { privateKeyPem: key.privateKeyPem, validityPeriodHours: 1, allowedUses: [] });
new HttpProvider(s, "http");
new DataHttp(s, "schematic", { url: "https://example.invalid/schematics", method: "POST", requestBody: "{}" });
new ProxmoxProvider(s, "proxmox");
new VirtualEnvironmentVm(s, "vm", { nodeName: "pve1" });
new DownloadFile(s, "iso", { nodeName: "pve1", contentType: "iso", datastoreId: "local", url: "https://example.invalid/x.iso" });
app.synth();
