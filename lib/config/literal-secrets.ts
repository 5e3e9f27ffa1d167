/**
 * Recognising a secret written as a literal where the config takes free-form
 * values (an extra release's Helm `values`, any other free-form part of a
 * component): by the name of its key, and by the shape of the string.
 * No cdktf here: the config rules use it.
 */

/** Words that make a key name mean a secret, wherever they appear in it (`adminPassword`, `DB_PASSWORD`, `clientsecret`). */
const SECRET_WORDS = ["password", "passwd", "passphrase", "pwd", "token", "secret", "credential", "apikey", "privatekey", "accesskey", "secretkey", "bearer"];
/**
 * `key` means a secret only after another word (`apiKey`, `private_key`,
 * `signing-key`): a key named `key` alone is a Kubernetes selector,
 * toleration or secretKeyRef field.
 */
const KEY_WORD = "key";
/** Last words that make the value a name or setting of a secret, not the secret (`secretName`, `tokenFile`, `passwordSecretRef`). */
const REFERENCE_LAST_WORDS = [
  "name",
  "names",
  "ref",
  "file",
  "path",
  "dir",
  "mount",
  "enabled",
  "ttl",
  "expiry",
  "expiration",
  "duration",
  "lifetime",
  "length",
  "size",
  "type",
  "mode",
  "env",
  "namespace",
  "format",
  "id",
  "url",
  "endpoint",
  "policy",
  "provider",
  "source",
  "selector",
];
/** First words that make the key point at an existing Secret (`existingSecret`, `existingSecretPasswordKey`). */
const REFERENCE_FIRST_WORDS = ["existing", "use", "create", "enable", "auto"];

/** A key name in words: camelCase, snake_case, kebab-case, dotted and ALL_CAPS forms split and lower-cased. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** Whether a key's name says its value is a secret. */
export function isSecretKeyName(key: string): boolean {
  const words = keyWords(key);
  if (words.length === 0) return false;
  if (REFERENCE_LAST_WORDS.includes(words[words.length - 1]) || REFERENCE_FIRST_WORDS.includes(words[0])) return false;
  if (words.some((w) => SECRET_WORDS.some((s) => w.includes(s)))) return true;
  // `key` after another word, unless that word is `public` (`sshPublicKey`, `agePublicKey`: a public key is no secret).
  return words.slice(1).some((w, i) => w === KEY_WORD && words[i] !== "public");
}

/** Shannon entropy of a string, in bits per character. */
export function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / text.length) * Math.log2(n / text.length);
  return h;
}

/** Shortest run of token characters that can be a generated secret. */
const MIN_SECRET_LENGTH = 20;
/** PEM private keys, whatever their entropy. */
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
/** Digests (image@sha256:...) are hex of a known length after their algorithm: not secrets. */
const DIGEST = /\bsha(1|256|384|512):[0-9a-f]+/gi;
/** Key words under which hex is a commit id or checksum. */
const HASH_KEY_WORDS = ["tag", "digest", "sha", "commit", "revision", "checksum", "hash", "version"];
/** UUIDs: identifiers (a UUID that is a secret is caught by its key's name). */
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
/** age X25519 recipients: public keys (`age1` and 58 bech32 characters), what an etcd backup is encrypted to. */
const AGE_RECIPIENT = /\bage1[02-9ac-hj-np-z]{58}\b/g;

/**
 * Whether `text` holds a string shaped like a generated secret: a PEM
 * private key, or a run of at least 20 token characters (letters, digits,
 * `+/=_-`) mixing letters and digits with the entropy of random text:
 * API keys, tokens, base64 keys. Words, names, paths, hostnames, versions,
 * UUIDs, digests and age recipients (public keys) are not.
 */
export function isHighEntropy(text: string, key?: string): boolean {
  if (PEM_PRIVATE_KEY.test(text)) return true;
  // A commit id or checksum as an image tag or revision: hex, under a key that says so.
  if (key !== undefined && keyWords(key).some((w) => HASH_KEY_WORDS.includes(w)) && /^[0-9a-f]+$/i.test(text)) return false;
  const rest = text.replace(DIGEST, " ").replace(UUID, " ").replace(AGE_RECIPIENT, " ");
  return (rest.match(/[A-Za-z0-9+/=_-]{20,}/g) ?? []).some(looksRandom);
}

/**
 * Average length of the words and numbers of a string (camelCase words when
 * it mixes case): identifiers join words (`MyApp2ServiceAccountName`: 4),
 * random text switches between letters, digits and case every character or two.
 */
function averageSegment(text: string, mixedCase: boolean): number {
  const segments = text.match(mixedCase ? /[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+/g : /[A-Za-z]+|[0-9]+/g) ?? [];
  return segments.length ? segments.reduce((a, s) => a + s.length, 0) / segments.length : Infinity;
}

function looksRandom(run: string): boolean {
  const mixedCase = /[a-z]/.test(run) && /[A-Z]/.test(run);
  // Lower- or upper-case only: the parts between separators, since names join words and numbers with them (k8s-1-34-worker-0123).
  // `name=value` and `--flag=value`: the value on its own too.
  const pieces = [run, ...run.split(/=+(?!=*$)/).slice(1)];
  const candidates = mixedCase ? pieces : pieces.flatMap((p) => p.split(/[/_.+=-]/));
  return candidates.some((c) => {
    if (c.length < MIN_SECRET_LENGTH || !/[0-9]/.test(c) || !/[A-Za-z]/.test(c)) return false;
    // Random text of n characters reaches about log2(n) bits per character (capped by its alphabet); words and names stay well below.
    const threshold = mixedCase ? Math.min(Math.log2(c.length) - 0.9, 3.9) : Math.min(Math.log2(c.length) - 0.7, 3.5);
    return entropy(c) >= threshold && averageSegment(c, mixedCase) <= (mixedCase ? 3 : 4.5);
  });
}

/** A literal secret found under a config subtree. */
export interface LiteralSecret {
  /** Config path of the value. */
  readonly path: string;
  /** Path of the value inside the free-form part (Helm's dotted form, e.g. `auth.adminPassword`, `env[0].value`). */
  readonly valuePath: string;
  /** Why it is taken for a secret. */
  readonly reason: "key-name" | "high-entropy" | "secret-reference";
  /** The key whose name means a secret (reason key-name). */
  readonly key?: string;
}

const isSecretRef = (v: unknown): boolean => {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const entries = Object.entries(v);
  return entries.length === 1 && (entries[0][0] === "env" || entries[0][0] === "doppler") && typeof entries[0][1] === "string";
};

/**
 * Every literal secret under `value` (config path `path`): a non-empty
 * string under a key whose name means a secret, the `value` of a
 * `{name: <secret name>, value: ...}` pair (container env lists), a
 * high-entropy string anywhere, and, when `refsAreLiteral` (Helm values,
 * passed as they are), a `{env:}`/`{doppler:}` reference, which nothing would
 * resolve there.
 */
export function literalSecrets(value: unknown, path: string, options: { readonly refsAreLiteral: boolean }, valuePath = ""): LiteralSecret[] {
  const at = (k: string | number) => ({
    path: typeof k === "number" ? `${path}[${k}]` : `${path}.${k}`,
    valuePath: typeof k === "number" ? `${valuePath}[${k}]` : valuePath ? `${valuePath}.${k}` : k,
  });
  if (isSecretRef(value)) return options.refsAreLiteral ? [{ path, valuePath, reason: "secret-reference" }] : [];
  if (Array.isArray(value))
    return value.flatMap((v, i) =>
      typeof v === "string"
        ? isHighEntropy(v)
          ? [{ ...at(i), reason: "high-entropy" as const }]
          : []
        : literalSecrets(v, at(i).path, options, at(i).valuePath),
    );
  if (value === null || typeof value !== "object") return [];
  const obj = value as Record<string, unknown>;
  // {name: DB_PASSWORD, value: "..."}: the name says what the value is.
  const pairName = typeof obj.name === "string" && typeof obj.value === "string" && obj.value !== "" && isSecretKeyName(obj.name) ? obj.name : undefined;
  return Object.entries(obj).flatMap(([k, v]): LiteralSecret[] => {
    const here = at(k);
    if (typeof v === "string") {
      if (v === "") return [];
      if (isSecretKeyName(k)) return [{ ...here, reason: "key-name", key: k }];
      if (k === "value" && pairName) return [{ ...here, reason: "key-name", key: pairName }];
      return isHighEntropy(v, k) ? [{ ...here, reason: "high-entropy" }] : [];
    }
    return literalSecrets(v, here.path, options, here.valuePath);
  });
}
