/**
 * IAM password authentication: `POST {authUrl}/v3/auth/tokens`; the token comes back in `X-Subject-Token`
 * and is valid until `token.expires_at` (24 h).
 */
import { z } from "zod";
import {
  BodyError,
  describeNetError,
  HTTPError,
  Http,
  type HttpOptions,
  locationHost,
  requestIdOf,
} from "../http";
import { markRedacted, registerSecret, safeErrorArgs } from "../redact";
import { parseWireError } from "../schemas";
import type { TokenFetcher } from "./authenticator";

const tokenBody = z.looseObject({
  token: z.looseObject({
    expires_at: z.string().optional(),
    project: z.looseObject({ id: z.string().optional(), name: z.string().optional() }).optional(),
  }),
});

/**
 * An IAM login that failed. Built through the redaction helper: the cause is a safe copy, never ky's
 * HTTPError (whose `options.json` is the login body with the password).
 */
export class IamError extends Error {
  override readonly name = "IamError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(...safeErrorArgs(message, options?.cause));
    markRedacted(this);
  }
}

/** HW_AUTH_URL / OS_AUTH_URL are usually given with their `/v3` (`https://iam.eu-de.otc.t-systems.com/v3`). */
export function iamTokensUrl(authUrl: string): string {
  return `${authUrl.replace(/\/+$/, "").replace(/\/v3$/, "")}/v3/auth/tokens`;
}

export function createTokenFetcher(http: HttpOptions = {}, now: () => number = Date.now): TokenFetcher {
  const client = new Http(http);
  return async ({ authUrl, userName, password, domainName, scope }) => {
    const url = iamTokensUrl(authUrl);
    // Also when called directly (not through resolveCredentials): IAM may echo what it was sent.
    registerSecret(password);
    const project = scope.projectId ? { id: scope.projectId } : { name: scope.projectName ?? "" };
    const body = {
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { name: userName, password, domain: { name: domainName } } },
        },
        scope: { project },
      },
    };
    try {
      // Never redirected: a 3xx target would receive the password (see the HTTPError branch below).
      const response = await client.send("post", url, { json: body });
      const token = response.headers.get("x-subject-token");
      if (!token) {
        void response.body?.cancel().catch(() => undefined);
        throw new IamError(`IAM at ${url} answered ${response.status} without an X-Subject-Token header.`);
      }
      registerSecret(token);
      const text = await client.readText(response).catch((err: unknown) => {
        // The token is in the header; a bad body only costs the expiry and project, which have defaults.
        if (err instanceof BodyError) return "";
        throw err;
      });
      const parsed = tokenBody.safeParse(parseOrUndefined(text));
      const expires =
        parsed.success && parsed.data.token.expires_at ? Date.parse(parsed.data.token.expires_at) : NaN;
      const projectId = parsed.success ? parsed.data.token.project?.id : undefined;
      return {
        token,
        // Without a readable expiry, assume the documented 24 h.
        expiresAt: Number.isNaN(expires) ? now() + 24 * 3600_000 : expires,
        ...(projectId ? { projectId } : {}),
      };
    } catch (err) {
      if (err instanceof HTTPError && err.response.status >= 300 && err.response.status < 400) {
        void err.response.body?.cancel().catch(() => undefined);
        throw new IamError(
          `IAM token request for user "${userName}" in domain "${domainName}": HTTP ${err.response.status} redirect to ` +
            `${locationHost(err.response.headers.get("location"), url)}, not followed (the password is only ever sent ` +
            `to the configured IAM URL) [POST ${url}]. Set the IAM URL (HW_AUTH_URL / OS_AUTH_URL / jobwaiter:authUrl) ` +
            "to the IAM endpoint itself.",
        );
      }
      if (err instanceof HTTPError) {
        const { code, message } = parseWireError(await client.readErrorBody(err.response));
        const rid = requestIdOf(err.response.headers);
        throw new IamError(
          `IAM token request for user "${userName}" in domain "${domainName}" failed: HTTP ${err.response.status}` +
            `${code ? `, code ${code}` : ""}${message ? `, "${message}"` : ""}${rid ? `, request id ${rid}` : ""} ` +
            `[POST ${url}]. Check the user name, password and domain name, and that the user may log in with a password.`,
          { cause: err },
        );
      }
      if (err instanceof TypeError) {
        throw new IamError(
          `IAM token request for user "${userName}" in domain "${domainName}" failed: ${describeNetError(err)} [POST ${url}]. ` +
            "Check the IAM URL and the network.",
          { cause: err },
        );
      }
      throw err;
    }
  };
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
