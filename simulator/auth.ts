/**
 * The simulator's idea of identity: throwaway credentials, IAM tokens, and the gateway's check of a jobs-API
 * request (AK/SK signature, temporary credentials with a security token, or an X-Auth-Token).
 */
import { randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { verifyRequest } from "./signature";

export interface SimulatorCredentials {
  accessKey: string;
  secretKey: string;
  /** A temporary pair: valid only with `X-Security-Token: securityToken`. */
  tempAccessKey: string;
  tempSecretKey: string;
  securityToken: string;
  projectId: string;
  /** Also the project name for IAM scope. */
  region: string;
  username: string;
  password: string;
  domainName: string;
}

const UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const ALNUM = `${UPPER_ALNUM}abcdefghijklmnopqrstuvwxyz`;

function randomChars(n: number, alphabet: string): string {
  // 256 % 36 and 256 % 62 bias is irrelevant for throwaway test values.
  return Array.from(randomBytes(n), (b) => alphabet[b % alphabet.length]).join("");
}

/** Fresh random values per start; nothing here is a real credential. */
export function throwawayCredentials(): SimulatorCredentials {
  return {
    accessKey: `SIMAK${randomChars(16, UPPER_ALNUM)}`,
    secretKey: randomChars(40, ALNUM),
    tempAccessKey: `SIMTMP${randomChars(14, UPPER_ALNUM)}`,
    tempSecretKey: randomChars(40, ALNUM),
    securityToken: `simsts-${randomBytes(48).toString("base64url")}`,
    projectId: randomBytes(16).toString("hex"),
    region: "sim-region-1",
    username: "sim-user",
    password: `simpw-${randomChars(16, ALNUM)}`,
    domainName: "sim-domain",
  };
}

interface TokenInfo {
  expiresAt: number;
  issuedAt: number;
  projectId: string;
}

/** Issued IAM tokens. Revoking forgets them all; expired ones are dropped as new ones are issued. */
export class TokenStore {
  private tokens = new Map<string, TokenInfo>();
  private revoked = new Set<string>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  issue(projectId: string): { token: string } & TokenInfo {
    const t = this.now();
    if (this.tokens.size >= 10_000) {
      for (const [k, v] of this.tokens) if (v.expiresAt <= t) this.tokens.delete(k);
    }
    const token = `MIIsim${randomBytes(48).toString("base64url")}`;
    const info = { expiresAt: t + this.ttlMs, issuedAt: t, projectId };
    this.tokens.set(token, info);
    return { token, ...info };
  }

  revokeAll(): void {
    if (this.revoked.size > 100_000) this.revoked.clear();
    for (const k of this.tokens.keys()) this.revoked.add(k);
    this.tokens.clear();
  }

  check(token: string): { ok: true; info: TokenInfo } | { ok: false; reason: string } {
    const info = this.tokens.get(token);
    if (info === undefined) {
      return {
        ok: false,
        reason: this.revoked.has(token) ? "the token has been revoked" : "decrypt token fail",
      };
    }
    if (info.expiresAt <= this.now()) {
      return { ok: false, reason: `token expires, expires_at: ${new Date(info.expiresAt).toISOString()}` };
    }
    return { ok: true, info };
  }
}

export type AuthKind = "aksk" | "token" | "none";

/** What the client tried, valid or not: a signature wins over a token, as with the SDKs. */
export function authKindOf(headers: IncomingHttpHeaders): AuthKind {
  if (headers.authorization) return "aksk";
  if (headers["x-auth-token"] !== undefined) return "token";
  return "none";
}

export type AuthResult =
  | { ok: true; kind: AuthKind; projectId?: string }
  | { ok: false; kind: AuthKind; status: number; code: string; msg: string };

const IAM_PREFIX = "Incorrect IAM authentication information: ";

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(",") : v;
  }
  return out;
}

/**
 * The gateway's check of a jobs-API request. `target` is the raw path and query as sent, which the signature
 * covers. Messages never contain a secret, a key or a token.
 */
export function authenticate(
  method: string,
  target: string,
  rawHeaders: IncomingHttpHeaders,
  credentials: SimulatorCredentials,
  tokens: TokenStore,
  now: number,
): AuthResult {
  const kind = authKindOf(rawHeaders);
  const fail = (msg: string): AuthResult => ({
    ok: false,
    kind,
    status: 401,
    code: "APIGW.0301",
    msg: `${IAM_PREFIX}${msg}`,
  });
  const headers = flatHeaders(rawHeaders);
  if (kind === "aksk") {
    const secrets: Readonly<Record<string, string>> = {
      [credentials.accessKey]: credentials.secretKey,
      [credentials.tempAccessKey]: credentials.tempSecretKey,
    };
    const r = verifyRequest(
      { method, target, headers },
      (ak) => (Object.hasOwn(secrets, ak) ? secrets[ak] : undefined),
      now,
    );
    if (!r.ok) {
      return fail(
        r.reason === "unknown access key"
          ? "Get secretKey failed, err:ak not exist"
          : `verify aksk signature fail, ${r.reason}`,
      );
    }
    if (r.accessKey === credentials.tempAccessKey) {
      const sts = headers["x-security-token"];
      if (sts === undefined) return fail("temporary AK/SK used without an X-Security-Token header");
      if (sts !== credentials.securityToken) return fail("the X-Security-Token is invalid or expired");
    }
    return { ok: true, kind };
  }
  if (kind === "token") {
    const token = headers["x-auth-token"] ?? "";
    if (token === "") return fail("x-auth-token not found");
    const r = tokens.check(token);
    if (!r.ok) return fail(r.reason);
    return { ok: true, kind, projectId: r.info.projectId };
  }
  return fail("x-auth-token not found");
}
