import { TerraformStack } from "cdktf";
import { Construct } from "constructs";

/**
 * A Terraform ephemeral resource block (`ephemeral "<type>" "<name>"`,
 * Terraform and OpenTofu >= 1.11): opened at plan and apply, never written to
 * state or plan files. cdktf 0.21 has no class for ephemeral blocks, so the
 * block is added to the stack's JSON through the stack's public `addOverride`;
 * attributes are referenced as `${ephemeral.<type>.<name>.<attr>}`.
 *
 * @see https://developer.hashicorp.com/terraform/language/resources/ephemeral
 */
export class EphemeralBlock extends Construct {
  /** `ephemeral.<type>.<name>`. */
  readonly address: string;

  constructor(scope: Construct, id: string, type: string, config: Readonly<Record<string, unknown>>) {
    super(scope, id);
    // A name unique in the stack and free of dots (the override path splits on them).
    const name = this.node.path
      .split("/")
      .slice(1)
      .join("_")
      .replace(/[^A-Za-z0-9_-]/g, "_");
    TerraformStack.of(this).addOverride(`ephemeral.${type}.${name}`, config);
    this.address = `ephemeral.${type}.${name}`;
  }

  /** A reference to one of its attributes, as a string for an argument. */
  get(attribute: string): string {
    return `\${${this.address}.${attribute}}`;
  }
}
