/**
 * A string Terraform must pass through unchanged although it contains `${`
 * (e.g. the OpenTelemetry collector's `${env:VAR}`): Terraform would read it
 * as an interpolation, so it is escaped as `$${`.
 */
export function terraformLiteral(text: string): string {
  // A function, because "$$" in a replacement string means a single "$".
  return text.replace(/\$\{/g, () => "$${");
}
