import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import { MeshCa, MeshCaMaterial } from "../lib/pki/mesh-ca";
import { Aggrik8sStack, Aggrik8sStackProps } from "./base";

export interface MeshCaStackProps extends Aggrik8sStackProps {
  /** Allow `cdktf destroy` to delete the CA. @default - false */
  readonly allowDestroy?: boolean;
}

/** The one CA every cluster's Cilium uses, so ClusterMesh peers trust each other. */
export class MeshCaStack extends Aggrik8sStack {
  readonly ca: MeshCaMaterial;

  constructor(scope: Construct, id: string, props: MeshCaStackProps = {}) {
    super(scope, id, props);
    new TlsProvider(this, "tls");
    this.ca = new MeshCa(this, "ca", { preventDestroy: !props.allowDestroy });
    new TerraformOutput(this, "ca_certificate_pem", { value: this.ca.certificatePem, description: "Mesh CA certificate (PEM)" });
  }
}
