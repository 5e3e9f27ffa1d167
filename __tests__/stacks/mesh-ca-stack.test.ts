import { PrivateKey } from "@cdktf/provider-tls/lib/private-key";
import { parse, resolvedConfig, synthMeshStack } from "../helpers";

describe("mesh-ca stack", () => {
  const synth = synthMeshStack(resolvedConfig(), "mesh-ca");
  const json = parse(synth);

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

  it("outputs only the certificate, never the key", () => {
    expect(Object.keys(json.output)).toEqual(["ca_certificate_pem"]);
    expect(json.output.ca_certificate_pem.value).toMatch(/tls_self_signed_cert\..*\.cert_pem/);
  });

  it("keeps its state in state/mesh-ca.tfstate", () => {
    expect(json.terraform.backend).toEqual({ local: { path: "../../../state/mesh-ca.tfstate" } });
  });
});
