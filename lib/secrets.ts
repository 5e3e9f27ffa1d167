import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { SecretRef } from "./config/schema";
import { PropsError } from "./errors";

export interface SecretInputProps {
  /** Where the secret comes from. */
  readonly ref: SecretRef;
  /** Config path of the reference, for error messages. */
  readonly configPath: string;
  /** What the secret is, for the variable's description. */
  readonly description: string;
}

/**
 * A secret the stack reads at deploy time, never at synth: `{env: NAME}`
 * becomes a sensitive Terraform variable `NAME`, which `npm run deploy`/`diff`
 * fill from the environment variable NAME (as TF_VAR_NAME), so the value
 * never reaches cdktf.out/.
 */
export class SecretInput extends Construct {
  /** Token of the secret's value. */
  readonly value: string;

  constructor(scope: Construct, id: string, props: SecretInputProps) {
    super(scope, id);
    if ("doppler" in props.ref) {
      throw new PropsError({
        path: props.configPath,
        message: `{doppler: ${props.ref.doppler}} cannot be read yet: the DopplerHQ/doppler bindings are not generated (no real provider schema in schemas/)`,
        fix: "use {env: NAME} for now",
      });
    }
    const variable = new TerraformVariable(this, "value", {
      type: "string",
      sensitive: true,
      nullable: false,
      description: `${props.description} (from environment variable ${props.ref.env})`,
    });
    variable.overrideLogicalId(props.ref.env);
    this.value = variable.stringValue;
  }
}

/**
 * The secrets of one stack: one sensitive variable per environment variable
 * name, however many config fields reference it.
 */
export class StackSecrets extends Construct {
  private readonly byName = new Map<string, string>();

  /** Token of the secret `ref` points to. */
  value(ref: SecretRef, configPath: string, description: string): string {
    const key = "env" in ref ? ref.env : `doppler:${ref.doppler}`;
    let token = this.byName.get(key);
    if (token === undefined) {
      token = new SecretInput(this, key, { ref, configPath, description }).value;
      this.byName.set(key, token);
    }
    return token;
  }
}
