import { Fn } from "cdktf";
import { Construct } from "constructs";
import { DataDopplerSecrets } from "../../.gen/providers/doppler/data-doppler-secrets";
import { SecretRef } from "../schema-parts";
import { DopplerAccess, DopplerSettings } from "../doppler/access";
import { PropsError } from "../errors";
import { SecretInput } from "./input";

export interface StackSecretsProps {
  /**
   * Doppler, for `{doppler: NAME}` references.
   * @default - none: a Doppler reference is refused
   */
  readonly doppler?: DopplerSettings;
}

/**
 * The secrets of one stack, each read once however many fields reference it:
 * `{env: NAME}` as a sensitive variable, `{doppler: NAME}` from the
 * `doppler_secrets` data source of the config's Doppler project and config
 * (a sensitive map, read at plan; a postcondition names a missing secret).
 */
export class StackSecrets extends Construct {
  private readonly byKey = new Map<string, string>();
  private readonly dopplerNames: string[] = [];
  private dopplerData?: DataDopplerSecrets;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: StackSecretsProps = {},
  ) {
    super(scope, id);
  }

  /** Token of the secret `ref` points to. */
  value(ref: SecretRef, description: string): string {
    const key = "env" in ref ? ref.env : `doppler:${ref.doppler}`;
    let token = this.byKey.get(key);
    if (token === undefined) {
      token = "env" in ref ? new SecretInput(this, ref.env, { env: ref.env, description }).value : this.fromDoppler(ref.doppler);
      this.byKey.set(key, token);
    }
    return token;
  }

  private fromDoppler(name: string): string {
    const settings = this.props.doppler;
    if (!settings) {
      throw new PropsError({
        path: this.node.path,
        message: `{doppler: ${name}} given but this stack has no Doppler settings`,
        fix: "set doppler.enabled: true in the config",
      });
    }
    if (!this.dopplerData) {
      const access = new DopplerAccess(this, "doppler", { settings });
      this.dopplerData = new DataDopplerSecrets(this, "doppler-secrets", { project: settings.project, config: settings.config, provider: access.provider });
    }
    this.dopplerNames.push(name);
    this.dopplerData.addOverride(
      "lifecycle.postcondition",
      this.dopplerNames.map((n) => ({
        condition: `\${contains(keys(self.map), "${n}")}`,
        error_message: `Doppler project ${settings.project}, config ${settings.config} has no secret ${n}: add it in Doppler, or fix the {doppler: ${n}} reference in the mesh config.`,
      })),
    );
    return Fn.lookup(this.dopplerData.map, name);
  }
}
