/**
 * Turns resolved credentials into request headers: AK/SK signatures, a ready token, or an IAM token fetched
 * with a password and cached until shortly before it expires (shared by every waiter in the process, so a
 * hundred waiters cost one token request).
 */
import { createHmac, randomBytes } from "node:crypto";
import type { Credentials } from "./credentials";
import { CredentialsError } from "./credentials";
import { signRequest } from "./signer";

export interface OutgoingRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
}

export interface Authenticator {
  /** Where the credentials came from, for error messages. Never a value. */
  readonly source: string;
  /**
   * Who is asking, as an opaque keyed hash of the credential (never the credential): requests are only shared
   * between callers with the same identity.
   */
  readonly identity?: string;
  /** Headers to add to this request (signed headers include `X-Project-Id`). */
  headers(req: OutgoingRequest, projectId: string): Promise<Record<string, string>>;
  /** After a 401: drop cached tokens; `true` if one more attempt may succeed. */
  refresh(): Promise<boolean>;
}

/** POST {authUrl}/v3/auth/tokens with a password; returns the token and its expiry (ms since epoch). */
export type TokenFetcher = (req: {
  authUrl: string;
  userName: string;
  password: string;
  domainName: string;
  scope: { projectId?: string; projectName?: string };
}) => Promise<{ token: string; expiresAt: number; projectId?: string }>;

export function createAuthenticator(
  creds: Credentials,
  opts: {
    now?: () => number;
    authUrl?: string;
    scope?: { projectId?: string; projectName?: string };
    fetchToken?: TokenFetcher;
  } = {},
): Authenticator {
  const now = opts.now ?? Date.now;
  switch (creds.kind) {
    case "aksk":
      return {
        source: creds.source,
        identity: identityOf("aksk", creds.accessKey, creds.secretKey, creds.securityToken ?? ""),
        async headers(req, projectId) {
          const headers: Record<string, string> = { ...req.headers, "X-Project-Id": projectId };
          if (creds.securityToken) headers["X-Security-Token"] = creds.securityToken;
          return signRequest(
            { method: req.method, url: req.url, headers },
            { accessKey: creds.accessKey, secretKey: creds.secretKey },
            new Date(now()),
          );
        },
        refresh: async () => false,
      };
    case "token":
      return {
        source: creds.source,
        identity: identityOf("token", creds.token),
        headers: async (req) => ({ ...req.headers, "X-Auth-Token": creds.token }),
        refresh: async () => false,
      };
    case "password": {
      const { authUrl, fetchToken } = opts;
      if (!authUrl || !fetchToken) {
        throw new CredentialsError(
          "authUrl",
          `IAM password credentials from ${creds.source} need an IAM endpoint (authUrl).`,
        );
      }
      const key = JSON.stringify([authUrl, creds.domainName, creds.userName, opts.scope ?? {}]);
      const get = async (): Promise<string> => {
        const cached = TOKEN_CACHE.get(key);
        // Refresh five minutes early so a token never expires between signing and arrival.
        if (cached && cached.expiresAt - REFRESH_MARGIN_MS > now()) return cached.token;
        const pending =
          cached?.pending ??
          fetchToken({ authUrl, ...creds, scope: opts.scope ?? {} }).finally(() => {
            const entry = TOKEN_CACHE.get(key);
            if (entry) delete entry.pending;
          });
        TOKEN_CACHE.set(key, { token: cached?.token ?? "", expiresAt: cached?.expiresAt ?? 0, pending });
        const fresh = await pending;
        TOKEN_CACHE.set(key, { token: fresh.token, expiresAt: fresh.expiresAt });
        return fresh.token;
      };
      return {
        source: creds.source,
        identity: identityOf("password", authUrl, creds.domainName, creds.userName, creds.password),
        headers: async (req) => ({ ...req.headers, "X-Auth-Token": await get() }),
        async refresh() {
          TOKEN_CACHE.delete(key);
          return true;
        },
      };
    }
  }
}

/** A per-process key: the identity hash cannot be matched against guesses outside this process. */
const IDENTITY_KEY = randomBytes(32);

function identityOf(...parts: string[]): string {
  const h = createHmac("sha256", IDENTITY_KEY);
  for (const p of parts) h.update(`${p.length}:${p}`);
  return h.digest("hex").slice(0, 32);
}

const REFRESH_MARGIN_MS = 5 * 60_000;
const TOKEN_CACHE = new Map<
  string,
  { token: string; expiresAt: number; pending?: Promise<{ token: string; expiresAt: number }> }
>();

/** For tests: forget every cached IAM token. */
export function clearTokenCache(): void {
  TOKEN_CACHE.clear();
}
