/**
 * Huawei Cloud API Gateway request signing, `SDK-HMAC-SHA256` (the algorithm every Huawei Cloud SDK uses),
 * on node:crypto. The same code verifies signatures in the simulator, and tests cross-check it against
 * Huawei's own Node SDK signer.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export const SIGNING_ALGORITHM = "SDK-HMAC-SHA256";
const EMPTY_BODY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
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
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/** Keeps only `A-Z a-z 0-9 - _ . ~`; every other UTF-8 byte becomes `%XX` (encodeURIComponent also keeps `!'()*`). */
export function percentEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Each path segment decoded then strictly encoded, and a trailing `/` (signed so, though sent without). */
function canonicalUri(pathname: string): string {
  const path = pathname
    .split("/")
    .map((seg) => percentEncode(safeDecode(seg)))
    .join("/");
  return path.endsWith("/") ? path : `${path}/`;
}

/** Decoded pairs, sorted by key then value (as the SDKs sort, before encoding). */
function canonicalQuery(search: string): string {
  if (search.length <= 1) return "";
  const pairs = search
    .slice(1)
    .split("&")
    .filter((p) => p !== "")
    .map((p) => {
      const i = p.indexOf("=");
      const k = i < 0 ? p : p.slice(0, i);
      const v = i < 0 ? "" : p.slice(i + 1);
      return [safeDecode(k), safeDecode(v)] as const;
    });
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  pairs.sort((a, b) => cmp(a[0], b[0]) || cmp(a[1], b[1]));
  return pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join("&");
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
  const names = [...signedHeaders].map((h) => h.toLowerCase()).sort();
  const block = names
    .map(
      (n) => `${n}:${(n === "host" ? (headers.get("host") ?? url.host) : (headers.get(n) ?? "")).trim()}\n`,
    )
    .join("");
  const body = req.body === undefined || req.body.length === 0 ? EMPTY_BODY_SHA256 : sha256Hex(req.body);
  return [
    req.method.toUpperCase(),
    canonicalUri(url.pathname),
    canonicalQuery(url.search),
    block,
    names.join(";"),
    body,
  ].join("\n");
}

function signature(canonical: string, sdkDate: string, secretKey: string): string {
  const stringToSign = [SIGNING_ALGORITHM, sdkDate, sha256Hex(canonical)].join("\n");
  return createHmac("sha256", Buffer.from(secretKey, "utf8")).update(stringToSign).digest("hex");
}

/**
 * The headers to send: the given ones plus `X-Sdk-Date` and `Authorization`. Every given header is signed,
 * and `host` (from the URL) too. The input is not changed.
 */
export function signRequest(req: HttpRequestParts, key: AkSk, now: Date): Record<string, string> {
  const headers: Record<string, string> = { ...req.headers };
  for (const k of Object.keys(headers)) if (k.toLowerCase() === "authorization") delete headers[k];
  if (!Object.keys(headers).some((k) => k.toLowerCase() === "x-sdk-date"))
    headers["X-Sdk-Date"] = formatSdkDate(now);
  const sdkDate = lowerHeaders(headers).get("x-sdk-date")!;
  const names = [...new Set([...Object.keys(headers).map((h) => h.toLowerCase()), "host"])].sort();
  const canonical = canonicalRequest({ ...req, headers }, names);
  headers.Authorization = `${SIGNING_ALGORITHM} Access=${key.accessKey}, SignedHeaders=${names.join(";")}, Signature=${signature(canonical, sdkDate, key.secretKey)}`;
  return headers;
}

export interface ParsedAuthorization {
  accessKey: string;
  signedHeaders: string[];
  signature: string;
}

export function parseAuthorization(value: string): ParsedAuthorization | undefined {
  const m =
    /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]+)\s*$/.exec(
      value.trim(),
    );
  if (!m) return undefined;
  return {
    accessKey: m[1]!,
    signedHeaders: m[2]!.split(";").filter(Boolean),
    signature: m[3]!.toLowerCase(),
  };
}

export type VerifyResult = { ok: true; accessKey: string } | { ok: false; reason: string };

/** Server side: check a received request's signature. Reasons never contain a secret or the expected signature. */
export function verifySignature(
  req: HttpRequestParts,
  lookupSecret: (accessKey: string) => string | undefined,
  now: Date,
  maxSkewMs: number = DEFAULT_MAX_SKEW_MS,
): VerifyResult {
  const headers = lowerHeaders(req.headers);
  const auth = headers.get("authorization");
  if (!auth) return { ok: false, reason: "missing Authorization header" };
  const parsed = parseAuthorization(auth);
  if (!parsed) return { ok: false, reason: "Authorization header is not SDK-HMAC-SHA256" };
  const dateText = headers.get("x-sdk-date");
  if (!dateText) return { ok: false, reason: "missing X-Sdk-Date header" };
  if (!parsed.signedHeaders.includes("x-sdk-date"))
    return { ok: false, reason: "x-sdk-date is not a signed header" };
  const date = parseSdkDate(dateText);
  if (!date) return { ok: false, reason: "X-Sdk-Date is not YYYYMMDDTHHMMSSZ" };
  if (Math.abs(now.getTime() - date.getTime()) > maxSkewMs) {
    return { ok: false, reason: "X-Sdk-Date is more than 15 minutes away from the server time" };
  }
  for (const h of parsed.signedHeaders) {
    if (h !== "host" && !headers.has(h)) return { ok: false, reason: `signed header ${h} is missing` };
  }
  const secret = lookupSecret(parsed.accessKey);
  if (secret === undefined) return { ok: false, reason: "unknown access key" };
  const expected = Buffer.from(
    signature(canonicalRequest(req, parsed.signedHeaders), dateText, secret),
    "utf8",
  );
  const got = Buffer.from(parsed.signature, "utf8");
  if (expected.length !== got.length || !timingSafeEqual(expected, got))
    return { ok: false, reason: "signature mismatch" };
  return { ok: true, accessKey: parsed.accessKey };
}
