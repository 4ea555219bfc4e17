/**
 * Keeps credentials out of everything the CLI prints. Every line goes through a redactor: the
 * user-info part of any `mongodb://` or `mongodb+srv://` URI becomes `***`, and the passwords the
 * CLI was given (in `--uri` or `MONGODB_URI`) are masked wherever they appear, so a driver message
 * that quotes one outside a URI does not leak it either.
 */

/** What replaces the credentials of a URI. */
export const REDACTED = '***';

/**
 * The scheme, then everything up to the last `@` before whitespace: a password may hold raw `@`,
 * `/`, `:` or quotes (invalid, but people write them), so the match is greedy. Over-redacting a
 * query string that holds an `@` is harmless; leaking a password is not.
 */
const URI_CREDENTIALS = /(mongodb(?:\+srv)?:\/\/)[^\s]*@/gi;

/** Hides the user and password of every MongoDB connection string in `text`. */
export function redactUri(text: string): string {
  return text.replace(URI_CREDENTIALS, `$1${REDACTED}@`);
}

/** Shortest password masked as a bare string: shorter ones would mangle ordinary output. */
const MIN_SECRET_LENGTH = 4;

/**
 * The passwords (raw and percent-decoded) of the given connection strings. Each is taken whole, so
 * a password with a raw space or `@` is found too: the user info runs to the string's last `@`.
 */
export function secretsOf(uris: readonly (string | undefined)[]): string[] {
  const secrets = new Set<string>();
  for (const uri of uris) {
    const scheme = uri ? /^\s*mongodb(?:\+srv)?:\/\//i.exec(uri) : null;
    if (!uri || !scheme) continue;
    const at = uri.lastIndexOf('@');
    if (at < scheme[0].length) continue;
    const info = uri.slice(scheme[0].length, at);
    const colon = info.indexOf(':');
    if (colon < 0) continue;
    const password = info.slice(colon + 1);
    secrets.add(password);
    try {
      secrets.add(decodeURIComponent(password));
    } catch {
      // Not valid percent-encoding: the raw form is already in the set.
    }
  }
  return [...secrets]
    .filter((secret) => secret.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
}

export type Redactor = (text: string) => string;

/** A redactor that also masks the given secrets (see `secretsOf`) wherever they appear. */
export function createRedactor(secrets: readonly string[] = []): Redactor {
  return (text) => {
    let out = redactUri(text);
    for (const secret of secrets) {
      // Repeat: masking can join a secret's neighbours into a new copy of it ("a***" in "aa***").
      // Each pass shortens the text (a secret is longer than the mask), so this ends.
      while (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return out;
  };
}
