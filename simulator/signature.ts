/**
 * The gateway's side of AK/SK signing (`SDK-HMAC-SHA256`), written from the algorithm's description in
 * ../shared/reference/job-api.md section 3 and nothing else: it recomputes the signature from what arrived on
 * the wire, so a client signer that drifts from the spec fails here.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export const ALGORITHM = "SDK-HMAC-SHA256";
/** The gateway's tolerance for the `X-Sdk-Date` clock skew. */
export const MAX_SKEW_MS = 15 * 60_000;
const EMPTY_BODY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

export interface ArrivedRequest {
  method: string;
  /** The request target as sent: raw path and query, still percent-encoded. */
  target: string;
  /** Lower-case names, as node delivers them; repeated headers joined with `,`. */
  headers: Readonly<Record<string, string>>;
  /** Omitted for a request without a body. */
  body?: string;
}

export type Verdict =
  | { ok: true; accessKey: string }
  | { ok: false; reason: "unknown access key" | (string & {}) };

const UNRESERVED = /^[A-Za-z0-9\-_.~]$/;

/** Keeps `A-Z a-z 0-9 - _ . ~`; every other UTF-8 byte becomes `%XX` (upper case). */
export function percentEncode(s: string): string {
  let out = "";
  for (const ch of s) {
    if (UNRESERVED.test(ch)) {
      out += ch;
      continue;
    }
    for (const byte of Buffer.from(ch, "utf8")) out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Each segment decoded from the wire and re-encoded, and a `/` appended when the path lacks one. */
export function canonicalUri(rawPath: string): string {
  const path = rawPath
    .split("/")
    .map((segment) => percentEncode(decode(segment)))
    .join("/");
  return path.endsWith("/") ? path : `${path}/`;
}

/**
 * `enc(key)=enc(value)` sorted by key, then value. The query is read as a form would be (`+` is a space), as
 * HTTP clients build it from parameters; a key without `=` has the empty value.
 */
export function canonicalQuery(rawQuery: string): string {
  const pairs = [...new URLSearchParams(rawQuery)].map(
    ([k, v]) => [percentEncode(k), percentEncode(v)] as const,
  );
  pairs.sort(([ka, va], [kb, vb]) => (ka === kb ? compare(va, vb) : compare(ka, kb)));
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const sha256Hex = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

export function canonicalRequest(req: ArrivedRequest, signedHeaders: readonly string[]): string {
  const q = req.target.indexOf("?");
  const path = q < 0 ? req.target : req.target.slice(0, q);
  const query = q < 0 ? "" : req.target.slice(q + 1);
  const headerBlock = signedHeaders.map((h) => `${h}:${(req.headers[h] ?? "").trim()}\n`).join("");
  return [
    req.method.toUpperCase(),
    canonicalUri(path),
    canonicalQuery(query),
    headerBlock,
    signedHeaders.join(";"),
    req.body === undefined || req.body === "" ? EMPTY_BODY_SHA256 : sha256Hex(req.body),
  ].join("\n");
}

export function stringToSign(sdkDate: string, canonical: string): string {
  return [ALGORITHM, sdkDate, sha256Hex(canonical)].join("\n");
}

/** `YYYYMMDDTHHMMSSZ` → ms since the epoch; undefined for anything else. */
export function parseSdkDate(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, se);
  const back = new Date(ms);
  // Rejects 20261332T...: Date.UTC would roll it over into a real date.
  return back.getUTCMonth() === mo - 1 && back.getUTCDate() === d && h < 24 && mi < 60 && se < 60
    ? ms
    : undefined;
}

interface AuthorizationParts {
  accessKey: string;
  signedHeaders: string[];
  signature: string;
}

/** `SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex`. */
export function parseAuthorization(header: string): AuthorizationParts | undefined {
  const m = /^SDK-HMAC-SHA256\s+(.*)$/.exec(header.trim());
  if (!m) return undefined;
  const fields = new Map<string, string>();
  for (const part of m[1]!.split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const accessKey = fields.get("Access");
  const signed = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (!accessKey || !signed || !signature) return undefined;
  return { accessKey, signedHeaders: signed.split(";"), signature };
}

/**
 * The verdict on one request. Reasons name what is wrong without echoing a key, a secret or a signature.
 * `secretFor` answers undefined for an access key it does not know.
 */
export function verifyRequest(
  req: ArrivedRequest,
  secretFor: (accessKey: string) => string | undefined,
  nowMs: number,
): Verdict {
  const auth = parseAuthorization(req.headers.authorization ?? "");
  if (!auth)
    return {
      ok: false,
      reason: `the Authorization header is not "${ALGORITHM} Access=, SignedHeaders=, Signature="`,
    };
  const sdkDate = req.headers["x-sdk-date"];
  if (sdkDate === undefined) return { ok: false, reason: "the X-Sdk-Date header is missing" };
  const signedAt = parseSdkDate(sdkDate);
  if (signedAt === undefined) return { ok: false, reason: "X-Sdk-Date is not YYYYMMDDTHHMMSSZ" };
  if (Math.abs(nowMs - signedAt) > MAX_SKEW_MS)
    return { ok: false, reason: "X-Sdk-Date is more than 15 minutes off the gateway's clock" };
  const signed = auth.signedHeaders;
  if (!signed.includes("x-sdk-date"))
    return { ok: false, reason: "x-sdk-date is not among the signed headers" };
  if (signed.some((h, i) => h !== h.toLowerCase() || (i > 0 && signed[i - 1]! >= h)))
    return { ok: false, reason: "SignedHeaders is not a sorted list of lower-case names" };
  const missing = signed.find((h) => req.headers[h] === undefined);
  if (missing !== undefined) return { ok: false, reason: `signed header ${missing} is not in the request` };
  const secret = secretFor(auth.accessKey);
  if (secret === undefined) return { ok: false, reason: "unknown access key" };
  const expected = createHmac("sha256", Buffer.from(secret, "utf8"))
    .update(stringToSign(sdkDate, canonicalRequest(req, signed)), "utf8")
    .digest();
  const given = /^[0-9a-f]{64}$/.test(auth.signature) ? Buffer.from(auth.signature, "hex") : undefined;
  if (!given || !timingSafeEqual(given, expected)) return { ok: false, reason: "signature mismatch" };
  return { ok: true, accessKey: auth.accessKey };
}
