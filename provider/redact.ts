/**
 * The one redaction helper every error type uses. Two layers, because neither alone is enough:
 * - values: every credential the process resolves (AK, SK, security token, auth token, password, IAM token)
 *   is registered here and replaced wherever it appears in text, whatever the text's shape;
 * - shapes: URL userinfo, `Authorization`/`X-Auth-Token`/`X-Security-Token` header values and `"password"`
 *   JSON members are blanked even when the value was never registered (a token typed into an endpoint).
 * Causes are rebuilt rather than kept: a ky `HTTPError`/`TimeoutError` holds the request, its options and
 * headers (the IAM login body with the password, the `X-Auth-Token`), which `util.inspect(err, {depth:
 * Infinity})` and `JSON.stringify` would print. A safe cause keeps the name, message, stack and the system
 * error fields people debug with (`code`, `hostname`, ...), redacted, and nothing else.
 */

export const REDACTED = "[REDACTED]";

/**
 * Shorter values are not replaced in free text: blanking every "abc" in a message would garble it and
 * hint at the value. Secrets that short are not real credentials (AKs are 20 characters, SKs 40).
 */
const MIN_SECRET_LENGTH = 4;
/** Tokens are re-issued every 24 h; a long-lived host must not grow the set without bound. */
const MAX_SECRETS = 256;

const secrets = new Set<string>();
let ordered: string[] = [];

/** Remember a credential value so that it never appears in an error, a progress line or an output. */
export function registerSecret(value: string | undefined): void {
  if (value === undefined || value.length < MIN_SECRET_LENGTH) return;
  // Least recently registered goes first when full: a key pair read on every wait stays, rotated tokens go.
  if (secrets.has(value)) {
    secrets.delete(value);
    secrets.add(value);
    return;
  }
  secrets.add(value);
  if (secrets.size > MAX_SECRETS) secrets.delete(secrets.values().next().value as string);
  // Longest first, so a secret that contains another is replaced whole.
  ordered = [...secrets].sort((a, b) => b.length - a.length);
}

/** For tests: forget every registered value. */
export function clearSecrets(): void {
  secrets.clear();
  ordered = [];
}

const SHAPES: ReadonlyArray<[RegExp, string]> = [
  // scheme://user:password@host → scheme://host (also inside a longer text)
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#"'<>]*@/gi, "$1"],
  [/\b(authorization\s*[:=]\s*)("?)[^"\r\n]*/gi, `$1$2${REDACTED}`],
  [/\b(x-(?:auth|subject|security)-token\s*[:=]\s*)("?)[^\s",;]+/gi, `$1$2${REDACTED}`],
  [/\b(access=)[^\s,]+/gi, `$1${REDACTED}`],
  [/\b(signature=)[0-9a-f]+/gi, `$1${REDACTED}`],
  [
    /("(?:password|secret_?key|sk|security_?token|auth_?token|token)"\s*:\s*")(?:[^"\\]|\\.)*"/gi,
    `$1${REDACTED}"`,
  ],
];

/** Text with every registered credential and every credential-shaped fragment blanked. */
export function redactText(text: string): string {
  let out = text;
  for (const s of ordered) if (out.includes(s)) out = out.split(s).join(REDACTED);
  for (const [re, by] of SHAPES) out = out.replace(re, by);
  return out;
}

/** A URL for messages: no userinfo (the shapes above strip it from any text, parsed or not). */
export function redactUrl(url: string): string {
  return redactText(url);
}

/**
 * A plain JSON-able value (a job, validation failures) with every string redacted, for the public fields of
 * an error. What cannot go through JSON is dropped rather than kept unredacted.
 */
export function redactJson<T>(value: T): T | undefined {
  try {
    const text = JSON.stringify(value);
    const redacted = redactText(text);
    // Nothing to hide (the usual case): the value itself, so callers keep its identity.
    return redacted === text ? value : (JSON.parse(redacted) as T);
  } catch {
    return undefined;
  }
}

/** Errors built through this module (the package's own types): already safe, so kept as causes as they are. */
const REDACTED_ERRORS = new WeakSet<Error>();

/**
 * Declare an error safe after its constructor redacted its message, cause and public fields: it is then kept
 * as a cause by identity (`err.cause instanceof JobApiError` still holds), not rebuilt.
 */
export function markRedacted(err: Error): void {
  REDACTED_ERRORS.add(err);
}

/** System-error fields worth keeping on a cause (from Node's net/dns errors); all plain values. */
const KEPT_FIELDS = ["code", "errno", "syscall", "hostname", "address", "port"] as const;
const MAX_CAUSE_DEPTH = 5;

/**
 * A copy of `cause` that holds nothing but redacted text and the system-error fields: no request, no
 * response, no options, no headers. `undefined` stays `undefined`.
 */
export function safeCause(cause: unknown, depth = 0): Error | undefined {
  if (cause === undefined || cause === null) return undefined;
  if (cause instanceof Error && REDACTED_ERRORS.has(cause)) return cause;
  if (depth >= MAX_CAUSE_DEPTH) return new Error("(further causes omitted)");
  if (!(cause instanceof Error)) {
    return new Error(
      redactText(typeof cause === "string" ? cause : `non-Error value of type ${typeof cause}`),
    );
  }
  const inner = safeCause(cause.cause, depth + 1);
  const copy = new Error(redactText(cause.message), inner ? { cause: inner } : undefined);
  Object.defineProperty(copy, "name", {
    value: cause.name,
    enumerable: false,
    configurable: true,
    writable: true,
  });
  if (typeof cause.stack === "string") copy.stack = redactText(cause.stack);
  const src = cause as unknown as Record<string, unknown>;
  const dst = copy as unknown as Record<string, unknown>;
  for (const k of KEPT_FIELDS) {
    const v = src[k];
    if (typeof v === "string") dst[k] = redactText(v);
    else if (typeof v === "number") dst[k] = v;
  }
  return copy;
}

/**
 * What an error constructor passes to `super`: the redacted message and a safe cause. Every error type of
 * the package builds its message and cause through here.
 */
export function safeErrorArgs(message: string, cause?: unknown): [string, { cause: Error } | undefined] {
  const c = safeCause(cause);
  return [redactText(message), c ? { cause: c } : undefined];
}
