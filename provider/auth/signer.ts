/**
 * Huawei Cloud API Gateway request signing, `SDK-HMAC-SHA256`, on node:crypto alone: the provider ships
 * without Huawei's SDK (axios, moment, lodash). The simulator verifies with the same code, and the tests
 * cross-check the result against Huawei's own Node SDK signer.
 *
 * Where Huawei's signers disagree with each other, this follows what goes over the wire, so that a server
 * can recompute the signature from the request it received:
 * - the path is percent-decoded before each segment is re-encoded (as the API Gateway's Python and Go
 *   signers do; the Node SDK skips the decoding and so double-encodes escaped characters such as a space);
 * - header values are trimmed (HTTP drops surrounding whitespace in transit; the Node SDK does not trim);
 * - `host` defaults to the URL's host without a default port, which is what fetch sends.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export const SIGNING_ALGORITHM = "SDK-HMAC-SHA256";
// The gateway's tolerance; a wider window would accept replays the real cloud refuses.
const DEFAULT_MAX_SKEW_MS = 15 * 60_000;

export interface HttpRequestParts {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

export interface AkSk {
  accessKey: string;
  secretKey: string;
}

/** `YYYYMMDDTHHMMSSZ`, UTC. */
export function formatSdkDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
}

export function parseSdkDate(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s.trim());
  if (!m) return undefined;
  const d = new Date(
    Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])),
  );
  // Date.UTC rolls month 13 or second 61 over instead of failing; a date that does not survive the round
  // trip was never valid.
  return !Number.isNaN(d.getTime()) && formatSdkDate(d) === s.trim() ? d : undefined;
}

function isUnreserved(b: number): boolean {
  return (
    (b >= 0x41 && b <= 0x5a) || // A-Z
    (b >= 0x61 && b <= 0x7a) || // a-z
    (b >= 0x30 && b <= 0x39) || // 0-9
    b === 0x2d || // -
    b === 0x5f || // _
    b === 0x2e || // .
    b === 0x7e // ~
  );
}

const UNRESERVED_ONLY = /^[A-Za-z0-9\-._~]*$/;

// RFC 3986 unreserved characters stay, every other UTF-8 byte is %XX. encodeURIComponent does that too except
// for `!'()*`, which it keeps; it throws on a lone surrogate, which the byte-wise path turns into U+FFFD as
// Buffer does. Most strings (project IDs, `jobs`, UUIDs) are unreserved already and are returned as they are.
function percentEncode(s: string): string {
  if (UNRESERVED_ONLY.test(s)) return s;
  try {
    return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  } catch {
    return percentEncodeBytes(s);
  }
}

function percentEncodeBytes(s: string): string {
  let out = "";
  for (const b of Buffer.from(s, "utf8")) {
    out += isUnreserved(b) ? String.fromCharCode(b) : `%${b < 16 ? "0" : ""}${b.toString(16).toUpperCase()}`;
  }
  return out;
}

// Lenient, as servers are: a stray `%` stays literal instead of failing the whole request, and invalid
// UTF-8 becomes U+FFFD. `+` stays a plus (the gateway's Python signer reads it so; our client never sends
// a `+` for a space).
function percentDecode(s: string): string {
  return s.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) =>
    Buffer.from(run.replace(/%/g, ""), "hex").toString("utf8"),
  );
}

function canonicalUri(pathname: string): string {
  const path = percentDecode(pathname).split("/").map(percentEncode).join("/");
  return path.endsWith("/") ? path : `${path}/`;
}

// Plain `<` compares UTF-16 code units, which is how the Node SDK sorts (Array.prototype.sort).
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function canonicalQuery(search: string): string {
  const pairs = search
    .replace(/^\?/, "")
    .split("&")
    .filter((p) => p !== "")
    .map((p) => {
      const i = p.indexOf("=");
      return i < 0 ? [percentDecode(p), ""] : [percentDecode(p.slice(0, i)), percentDecode(p.slice(i + 1))];
    });
  pairs.sort((a, b) => compareCodeUnits(a[0]!, b[0]!) || compareCodeUnits(a[1]!, b[1]!));
  return pairs.map(([k, v]) => `${percentEncode(k!)}=${percentEncode(v!)}`).join("&");
}

function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

function lowerHeaders(headers: Record<string, string>): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, v] of Object.entries(headers)) m.set(k.toLowerCase(), v);
  return m;
}

export function canonicalRequest(req: HttpRequestParts, signedHeaders: readonly string[]): string {
  const url = new URL(req.url);
  const headers = lowerHeaders(req.headers);
  const names = [...new Set(signedHeaders.map((h) => h.toLowerCase()))].sort(compareCodeUnits);
  const block = names
    .map((n) => `${n}:${(headers.get(n) ?? (n === "host" ? url.host : "")).trim()}\n`)
    .join("");
  return [
    req.method.toUpperCase(),
    canonicalUri(url.pathname),
    canonicalQuery(url.search),
    block,
    names.join(";"),
    sha256Hex(req.body ?? ""),
  ].join("\n");
}

function computeSignature(canonical: string, sdkDate: string, secretKey: string): string {
  const stringToSign = [SIGNING_ALGORITHM, sdkDate, sha256Hex(canonical)].join("\n");
  return createHmac("sha256", Buffer.from(secretKey, "utf8")).update(stringToSign).digest("hex");
}

/**
 * The headers to send. The date always comes from `now`, even over a caller's `X-Sdk-Date`: a retry that
 * reused the headers of its first attempt would otherwise carry a date that expires after 15 minutes.
 */
export function signRequest(req: HttpRequestParts, key: AkSk, now: Date): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    const lower = k.toLowerCase();
    if (lower !== "authorization" && lower !== "x-sdk-date") headers[k] = v;
  }
  const sdkDate = formatSdkDate(now);
  headers["X-Sdk-Date"] = sdkDate;
  const names = [...new Set([...Object.keys(headers).map((h) => h.toLowerCase()), "host"])].sort(
    compareCodeUnits,
  );
  const signature = computeSignature(canonicalRequest({ ...req, headers }, names), sdkDate, key.secretKey);
  headers["Authorization"] =
    `${SIGNING_ALGORITHM} Access=${key.accessKey}, SignedHeaders=${names.join(";")}, Signature=${signature}`;
  return headers;
}

export interface ParsedAuthorization {
  accessKey: string;
  signedHeaders: string[];
  signature: string;
}

export function parseAuthorization(value: string): ParsedAuthorization | undefined {
  const m =
    /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]+)$/.exec(
      value.trim(),
    );
  if (!m) return undefined;
  return {
    accessKey: m[1]!,
    signedHeaders: m[2]!
      .split(";")
      .filter((h) => h !== "")
      .map((h) => h.toLowerCase()),
    signature: m[3]!.toLowerCase(),
  };
}

export type VerifyResult = { ok: true; accessKey: string } | { ok: false; reason: string };

/**
 * Server side. Reasons end up in HTTP responses and logs, so they name what is wrong but never carry the
 * secret or the signature the server expected (either would let a caller forge the next request).
 */
export function verifySignature(
  req: HttpRequestParts,
  lookupSecret: (accessKey: string) => string | undefined,
  now: Date,
  maxSkewMs: number = DEFAULT_MAX_SKEW_MS,
): VerifyResult {
  const headers = lowerHeaders(req.headers);
  const auth = headers.get("authorization");
  if (auth === undefined) return { ok: false, reason: "missing Authorization header" };
  const parsed = parseAuthorization(auth);
  if (!parsed)
    return { ok: false, reason: `Authorization header is not a valid ${SIGNING_ALGORITHM} header` };
  const dateText = headers.get("x-sdk-date")?.trim();
  if (dateText === undefined) return { ok: false, reason: "missing X-Sdk-Date header" };
  if (!parsed.signedHeaders.includes("x-sdk-date"))
    return { ok: false, reason: "x-sdk-date is not among the signed headers" };
  const date = parseSdkDate(dateText);
  if (!date) return { ok: false, reason: "X-Sdk-Date is not YYYYMMDDTHHMMSSZ" };
  if (Math.abs(now.getTime() - date.getTime()) > maxSkewMs) {
    return {
      ok: false,
      reason: `X-Sdk-Date is more than ${Math.round(maxSkewMs / 60_000)} minutes away from the server time`,
    };
  }
  for (const h of parsed.signedHeaders) {
    if (h !== "host" && !headers.has(h)) return { ok: false, reason: `signed header ${h} is missing` };
  }
  const secret = lookupSecret(parsed.accessKey);
  if (secret === undefined) return { ok: false, reason: "unknown access key" };
  const expected = Buffer.from(
    computeSignature(canonicalRequest(req, parsed.signedHeaders), dateText, secret),
    "utf8",
  );
  const got = Buffer.from(parsed.signature, "utf8");
  // timingSafeEqual so the time taken does not tell how many leading characters of a forgery were right.
  if (expected.length !== got.length || !timingSafeEqual(expected, got))
    return { ok: false, reason: "signature mismatch" };
  return { ok: true, accessKey: parsed.accessKey };
}
