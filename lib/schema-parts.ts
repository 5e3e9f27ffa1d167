/**
 * Pieces of the config schema that the constructs' own schema parts (the
 * day-2 components in lib/platform/) share with the config (lib/config/):
 * the message shape, secret references and the on/off switch. Below both:
 * it imports nothing of the project, so the config can read the components'
 * parts and the components never read the config.
 */
import { z } from "zod";

/** An error message in the project's shape: what is wrong, then the fix. */
export const fix = (what: string, how: string) => `${what}. Fix: ${how}`;

/**
 * Where a secret comes from at deploy time. Secrets are never written in the
 * config: it names an environment variable or a Doppler secret instead.
 */
export const SecretRefSchema = z
  .union(
    [
      z.strictObject({
        env: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: fix("not an environment variable name", "use letters, digits and '_'") })
          .describe("Name of the environment variable that holds the secret at deploy time."),
      }),
      z.strictObject({
        doppler: z
          .string()
          .regex(/^[A-Z_][A-Z0-9_]*$/, { error: fix("not a Doppler secret name", "use upper-case letters, digits and '_'") })
          .describe("Name of the secret in the Doppler project/config of `doppler`."),
      }),
    ],
    {
      error: (issue) =>
        issue.input !== null && typeof issue.input === "object" && "env" in issue.input && "doppler" in issue.input
          ? fix("a secret comes from one of env or doppler, not both", "keep {env: NAME} or {doppler: NAME}")
          : fix(
              "secrets are never written inline",
              "write {env: VARIABLE_NAME} to read it from the environment at deploy time, or {doppler: SECRET_NAME} with doppler.enabled",
            ),
    },
  )
  .describe("A secret: {env: NAME} (environment variable at deploy time) or {doppler: NAME} (Doppler secret).");
export type SecretRef = z.infer<typeof SecretRefSchema>;

/** A component's on/off switch, on unless switched off. */
export const enabled = () => z.boolean().default(true).describe("Install it.");
/** The switch of a component that needs an outside account: off unless the config turns it on. */
export const optIn = (account: string) => z.boolean().default(false).describe(`Install it (off by default: it needs ${account}).`);
/** A component with nothing to set but the switch. */
export const toggle = (description: string) => z.strictObject({ enabled: enabled() }).prefault({}).describe(description);
