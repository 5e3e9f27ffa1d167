import { Construct } from "constructs";
import { DopplerProvider } from "../../.gen/providers/doppler/provider";
import { SecretInput } from "../secrets/input";

/** Where Doppler secrets live and how the stack authenticates (the config's `doppler`). */
export interface DopplerSettings {
  readonly project: string;
  /** Doppler config (environment) in the project, e.g. `prd`. */
  readonly config: string;
  /** Environment variable that holds the service token at deploy time. */
  readonly tokenEnv: string;
}

/** The variable the DopplerHQ/doppler provider reads its token from by itself. */
export const DOPPLER_TOKEN_ENV = "DOPPLER_TOKEN";

export interface DopplerAccessProps {
  readonly settings: DopplerSettings;
}

/**
 * The stack's DopplerHQ/doppler provider, TLS verified. The token never
 * reaches cdktf.out/: the provider reads DOPPLER_TOKEN itself, and any other
 * variable name becomes a sensitive Terraform variable.
 *
 * @see https://registry.terraform.io/providers/DopplerHQ/doppler/latest/docs
 */
export class DopplerAccess extends Construct {
  readonly settings: DopplerSettings;
  readonly provider: DopplerProvider;

  constructor(scope: Construct, id: string, props: DopplerAccessProps) {
    super(scope, id);
    this.settings = props.settings;
    const native = props.settings.tokenEnv === DOPPLER_TOKEN_ENV;
    this.provider = new DopplerProvider(this, "doppler", {
      verifyTls: true,
      ...(native ? {} : { dopplerToken: new SecretInput(this, "token", { env: props.settings.tokenEnv, description: "Doppler service token" }).value }),
    });
  }
}
