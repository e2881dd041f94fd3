/**
 * The one ky instance shape every request uses: a per-attempt timeout, our User-Agent, and retries with
 * exponential backoff and full jitter on 429, 5xx and network errors, honouring `Retry-After`.
 */
import ky, { HTTPError, type KyInstance, TimeoutError } from "ky";
import { USER_AGENT } from "./version";

export interface RetryPolicy {
  /** Attempts after the first, per request. The waiter's loop keeps polling after these run out. */
  limit: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited out inside one request; the waiter takes over. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  limit: 3,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
};
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface HttpOptions {
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  fetch?: typeof fetch;
  /** Called for every response that ky retries; the final one is the caller's to report. */
  onResponse?: (status: number, headers: Headers) => void;
  /** Awaited before every retry (not the first attempt, which the caller gates itself before signing). */
  beforeRetry?: (signal: AbortSignal | undefined) => Promise<void>;
}

export function createHttp(opts: HttpOptions = {}): KyInstance {
  const retry = { ...DEFAULT_RETRY, ...opts.retry };
  return ky.create({
    timeout: opts.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    headers: { "User-Agent": USER_AGENT, Accept: "application/json" },
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    retry: {
      limit: retry.limit,
      methods: ["get", "post"],
      statusCodes: [408, 429, 500, 502, 503, 504],
      afterStatusCodes: [429, 503],
      maxRetryAfter: retry.maxRetryAfterMs,
      retryOnTimeout: true,
      delay: (attempt) => Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1)),
      jitter: true,
    },
    hooks: {
      beforeRequest: opts.beforeRetry
        ? [
            async (request, _options, { retryCount }) => {
              if (retryCount > 0) await opts.beforeRetry?.(request.signal);
            },
          ]
        : [],
      // Only attempts that are retried pass here; the caller reports the final response itself. (An
      // afterResponse hook would make ky clone every response.)
      beforeRetry: opts.onResponse
        ? [
            ({ error }) => {
              if (error instanceof HTTPError)
                opts.onResponse?.(error.response.status, error.response.headers);
            },
          ]
        : [],
    },
  });
}

export { HTTPError, TimeoutError };

/** The body of an error response, as JSON if it is JSON, else the text (for messages). */
export async function readErrorBody(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => "");
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function requestIdOf(headers: Headers): string | undefined {
  return headers.get("x-request-id") ?? headers.get("x-openstack-request-id") ?? undefined;
}
