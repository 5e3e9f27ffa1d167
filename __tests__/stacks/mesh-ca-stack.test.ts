import { PrivateKey } from "@cdktf/provider-tls/lib/private-key";
import { Testing } from "cdktf";
import { ClusterMeshCertificates } from "../../lib/pki/clustermesh-certs";
import { fixture } from "../fixtures";
import { parse, resolvedConfig, synthMeshStack } from "../helpers";

describe("mesh-ca stack", () => {
  // The default mesh's synthesis, shared by every test file of the run (fixtures.ts): cross-stack outputs included.
  const { synth } = fixture("default").stack("mesh-ca");
  const json = fixture("default").json("mesh-ca");

  it("matches the snapshot", () => {
    expect(synth).toMatchSnapshot();
  });

  it("mints one RSA CA key and a self-signed CA certificate from it", () => {
    expect(synth).toHaveResourceWithProperties(PrivateKey, { algorithm: "RSA", rsa_bits: 4096 });
    const certs = Object.values(json.resource.tls_self_signed_cert) as any[];
    expect(certs).toHaveLength(1);
    expect(certs[0]).toMatchObject({
      is_ca_certificate: true,
      allowed_uses: expect.arrayContaining(["cert_signing"]),
      private_key_pem: expect.stringMatching(/^\$\{tls_private_key\.ca_key_[0-9A-F]+\.private_key_pem\}$/),
    });
  });

  it("refuses to destroy the CA unless the config allows it", () => {
    for (const type of ["tls_private_key", "tls_self_signed_cert"]) {
      const [r] = Object.values(json.resource[type]) as any[];
      expect(r.lifecycle).toEqual({ prevent_destroy: true });
    }
    const allowed = parse(
      synthMeshStack(
        resolvedConfig((c) => {
          c.allowPkiDestroy = true;
        }),
        "mesh-ca",
      ),
    );
    expect((Object.values(allowed.resource.tls_private_key)[0] as any).lifecycle).toEqual({ prevent_destroy: false });
  });

  it("declares the certificate as its one output of its own, and no output (cross-stack ones included) carries the CA key", () => {
    expect(Object.keys(json.output).filter((n) => !n.startsWith("cross-stack-output-"))).toEqual(["ca_certificate_pem"]);
    expect(json.output.ca_certificate_pem.value).toMatch(/tls_self_signed_cert\..*\.cert_pem/);
    const carriesCaKey = Object.entries(json.output).filter(([, o]: [string, any]) => /tls_private_key\.ca_key_/.test(o.value));
    expect(carriesCaKey).toEqual([]);
  });

  it("signs each cluster's server, admin, remote and local ClusterMesh certificates with the CA, in this stack", () => {
    const certs = Object.entries(json.resource.tls_locally_signed_cert) as [string, any][];
    const requests = json.resource.tls_cert_request as Record<string, any>;
    const subjectOf = (cert: any) => requests[cert.cert_request_pem.match(/tls_cert_request\.([^.]+)\./)[1]];
    const cns = certs.map(([, c]) => subjectOf(c).subject[0].common_name).sort();
    expect(cns).toEqual([
      "admin-talos-east",
      "admin-talos-west",
      "clustermesh-apiserver.cilium.io",
      "clustermesh-apiserver.cilium.io",
      "local-talos-east",
      "local-talos-west",
      "remote-talos-east",
      "remote-talos-west",
    ]);
    for (const [, c] of certs) {
      expect(c.ca_private_key_pem).toMatch(/^\$\{tls_private_key\.ca_key_[0-9A-F]+\.private_key_pem\}$/);
      expect(c.ca_cert_pem).toMatch(/^\$\{tls_self_signed_cert\.ca_cert_[0-9A-F]+\.cert_pem\}$/);
      // A year, re-issued by any deploy in its last 90 days.
      expect(c).toMatchObject({ validity_period_hours: 8760, early_renewal_hours: 2160 });
    }
    const server = certs.map(([, c]) => subjectOf(c)).find((r) => r.subject[0].common_name === "clustermesh-apiserver.cilium.io");
    // Peers dial <cluster>.mesh.cilium.io: the wildcard covers every cluster.
    expect(server.dns_names).toEqual(["clustermesh-apiserver.cilium.io", "*.mesh.cilium.io", "clustermesh-apiserver.kube-system.svc"]);
    expect(certs.filter(([, c]) => c.allowed_uses.includes("server_auth"))).toHaveLength(2);
  });

  it("refuses a renewal window that is not inside the validity", () => {
    const stack = Testing.stubVersion(Testing.app()) as any;
    expect(
      () =>
        new ClusterMeshCertificates(stack, "c", { clusterName: "x", caCertificatePem: "c", caPrivateKeyPem: "k", validityHours: 100, renewBeforeHours: 100 }),
    ).toThrow(
      "c: renewal window renewBeforeHours 100 is not above 0 and below the validity, 100 hours. Fix: give renewBeforeHours a number of hours between 0 and validityHours, e.g. 2160 for a one-year certificate",
    );
  });

  it("keeps its state in state/mesh-ca.tfstate", () => {
    expect(json.terraform.backend).toEqual({ local: { path: "../../../state/mesh-ca.tfstate" } });
  });
});
