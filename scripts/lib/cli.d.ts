export interface CliOption {
  readonly type: "boolean" | "string";
  readonly short?: string;
  readonly description: string;
  readonly default?: boolean | string;
}
export interface CliSpec {
  readonly name: string;
  readonly summary: string;
  readonly options?: Readonly<Record<string, CliOption>>;
  readonly positionals?: string;
  readonly argv?: readonly string[];
}
export function cli(spec: CliSpec): { values: Record<string, string | boolean | undefined>; positionals: string[] };
