/**
 * IAM password authentication: `POST {authUrl}/v3/auth/tokens`; the token comes back in `X-Subject-Token`
 * and is valid until `token.expires_at` (24 h).
 */
import { z } from "zod";
import { createHttp, HTTPError, type HttpOptions, readErrorBody, requestIdOf } from "../http";
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
  const client = createHttp(http);
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
      const response = await client.post(url, { json: body });
      const token = response.headers.get("x-subject-token");
      if (!token)
        throw new IamError(`IAM at ${url} answered ${response.status} without an X-Subject-Token header.`);
      registerSecret(token);
      const parsed = tokenBody.safeParse(await response.json().catch(() => undefined));
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
      if (err instanceof HTTPError) {
        const { code, message } = parseWireError(await readErrorBody(err.response));
        const rid = requestIdOf(err.response.headers);
        throw new IamError(
          `IAM token request for user "${userName}" in domain "${domainName}" failed: HTTP ${err.response.status}` +
            `${code ? `, code ${code}` : ""}${message ? `, "${message}"` : ""}${rid ? `, request id ${rid}` : ""} ` +
            `[POST ${url}]. Check the user name, password and domain name, and that the user may log in with a password.`,
          { cause: err },
        );
      }
      throw err;
    }
  };
}
