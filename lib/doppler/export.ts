import { Construct } from "constructs";
import { Secret } from "../../.gen/providers/doppler/secret";
import { DopplerAccess } from "./access";

export interface DopplerExportProps {
  readonly access: DopplerAccess;
  /** Secret name (upper case, digits, `_`) -> value (sensitive). */
  readonly secrets: Readonly<Record<string, string>>;
}

/**
 * Writes values into the Doppler project and config of `access` as secrets
 * (`doppler_secret`, kept out of plans as the provider marks values sensitive).
 *
 * @see https://registry.terraform.io/providers/DopplerHQ/doppler/latest/docs/resources/secret
 */
export class DopplerExport extends Construct {
  constructor(scope: Construct, id: string, props: DopplerExportProps) {
    super(scope, id);
    const { project, config } = props.access.settings;
    for (const [name, value] of Object.entries(props.secrets)) {
      new Secret(this, name, { project, config, name, value, provider: props.access.provider });
    }
  }
}

/** A cluster's secret name in Doppler: `talos-east` + `KUBECONFIG` -> `TALOS_EAST_KUBECONFIG`. */
export function dopplerSecretName(cluster: string, what: string): string {
  return `${cluster.replace(/-/g, "_").toUpperCase()}_${what}`;
}
