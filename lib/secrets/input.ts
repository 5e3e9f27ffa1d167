import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";

export interface SecretInputProps {
  /** Environment variable that holds the secret at deploy time. */
  readonly env: string;
  /** What the secret is, for the variable's description. */
  readonly description: string;
}

/**
 * A secret the stack reads at deploy time, never at synth: a sensitive
 * Terraform variable named like the environment variable, which `npm run
 * deploy`/`diff` fill from it (as TF_VAR_NAME), so the value never reaches
 * cdktf.out/.
 */
export class SecretInput extends Construct {
  /** Token of the secret's value. */
  readonly value: string;

  constructor(scope: Construct, id: string, props: SecretInputProps) {
    super(scope, id);
    const variable = new TerraformVariable(this, "value", {
      type: "string",
      sensitive: true,
      nullable: false,
      description: `${props.description} (from environment variable ${props.env})`,
    });
    variable.overrideLogicalId(props.env);
    this.value = variable.stringValue;
  }
}
