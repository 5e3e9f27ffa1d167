import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { LocalProvider } from "@cdktf/provider-local/lib/provider";
import { CredentialFiles } from "../lib/credentials/credential-files";
import { DopplerAccess, DopplerSettings } from "../lib/doppler/access";
import { DopplerExport, dopplerSecretName } from "../lib/doppler/export";
import { KubeconfigCluster, kubeconfigYaml } from "../lib/credentials/kubeconfig";
import { Aggrik8sStack, Aggrik8sStackProps } from "./base";

export interface CredentialsStackProps extends Aggrik8sStackProps {
  readonly cluster: KubeconfigCluster;
  /** The cluster's talosconfig (from its Talos stack). */
  readonly talosconfig: string;
  /** Directory of the credential files, relative to the project. */
  readonly dir: string;
  /**
   * Also store both in Doppler, as `<CLUSTER>_KUBECONFIG` and `<CLUSTER>_TALOSCONFIG`.
   * @default - files only
   */
  readonly doppler?: DopplerSettings;
}

/**
 * Writes one cluster's kubeconfig and talosconfig to `<dir>/<cluster>/`, and
 * into Doppler when it is on (replaces getCreds.sh).
 */
export class CredentialsStack extends Aggrik8sStack {
  constructor(scope: Construct, id: string, props: CredentialsStackProps) {
    const name = props.cluster.name;
    super(scope, id, props);
    new LocalProvider(this, "local");
    const kubeconfig = kubeconfigYaml([props.cluster]);
    const dir = `${props.dir}/${name}`;
    const files = new CredentialFiles(this, "files", { dir, engineDir: this.fromProjectDir(dir), files: { kubeconfig, talosconfig: props.talosconfig } });
    if (props.doppler) {
      new DopplerExport(this, "doppler-export", {
        access: new DopplerAccess(this, "doppler", { settings: props.doppler }),
        secrets: { [dopplerSecretName(name, "KUBECONFIG")]: kubeconfig, [dopplerSecretName(name, "TALOSCONFIG")]: props.talosconfig },
      });
    }
    new TerraformOutput(this, "kubeconfig_path", { value: files.paths.kubeconfig });
    new TerraformOutput(this, "talosconfig_path", { value: files.paths.talosconfig });
  }
}

export interface MeshCredentialsStackProps extends Aggrik8sStackProps {
  readonly clusters: readonly KubeconfigCluster[];
  readonly dir: string;
}

/** One kubeconfig with a context per cluster of the mesh: `kubectl --context admin@<cluster>`. */
export class MeshCredentialsStack extends Aggrik8sStack {
  constructor(scope: Construct, id: string, props: MeshCredentialsStackProps) {
    super(scope, id, props);
    new LocalProvider(this, "local");
    const files = new CredentialFiles(this, "files", {
      dir: props.dir,
      engineDir: this.fromProjectDir(props.dir),
      files: { kubeconfig: kubeconfigYaml(props.clusters) },
    });
    new TerraformOutput(this, "kubeconfig_path", { value: files.paths.kubeconfig });
  }
}
