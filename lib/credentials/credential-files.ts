import { SensitiveFile } from "@cdktf/provider-local/lib/sensitive-file";
import { Construct } from "constructs";
import * as path from "path";

export interface CredentialFilesProps {
  /** Directory, relative to the project (gitignored) or absolute: what `paths` names. */
  readonly dir: string;
  /** The same directory as the engine sees it from the stack's working directory (the stack knows where that is). */
  readonly engineDir: string;
  /** File name -> content (sensitive). */
  readonly files: Readonly<Record<string, string>>;
}

/**
 * Credential files readable by their owner only (0600 in a 0700 directory),
 * written with `local_sensitive_file` so their content never shows in plans.
 */
export class CredentialFiles extends Construct {
  /** Written path by file name, as seen from the project directory. */
  readonly paths: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: CredentialFilesProps) {
    super(scope, id);
    const paths: Record<string, string> = {};
    for (const [name, content] of Object.entries(props.files)) {
      const projectPath = `${props.dir}/${name}`;
      new SensitiveFile(this, name, { filename: path.join(props.engineDir, name), content, filePermission: "0600", directoryPermission: "0700" });
      paths[name] = projectPath;
    }
    this.paths = paths;
  }
}
