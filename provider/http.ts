/**
 * Every HTTP request the provider makes goes through `Http`: ky underneath (per-attempt timeout, retries with
 * exponential backoff and full jitter on 408/429/5xx and network errors, honouring `Retry-After`), with the
 * guarantees a waiter holding credentials needs on top:
 * - redirects are never followed (a 3xx comes back as an `HTTPError`, and nothing is sent to its target);
 * - one budget per call (`timeLeft`, `signal`) caps each attempt's timeout, each backoff sleep and each
 *   `Retry-After` (also capped at 60 s), and aborts whatever is in flight when the wait's deadline passes;
 * - bodies are read with a size cap and a read timeout (ky's `timeout` ends when the headers arrive).
 */

import ky, { HTTPError, TimeoutError } from "ky";
import { defined } from "./defined";
import { USER_AGENT } from "./version";

export interface RetryPolicy {
  /** Attempts after the first, per request. The waiter's loop keeps polling after these run out. */
  limit: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** The longest `Retry-After` honoured inside one request (never more than `MAX_RETRY_AFTER_MS`). */
  maxRetryAfterMs: number;
}

/** A server asking for more than this is not believed: an hour-long `Retry-After` must not stall a wait. */
export const MAX_RETRY_AFTER_MS = 60_000;
export const DEFAULT_RETRY: RetryPolicy = {
  limit: 3,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  maxRetryAfterMs: MAX_RETRY_AFTER_MS,
};
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** A job is a few hundred bytes; an answer a thousand times larger is not a job. */
export const MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_BODY_TIMEOUT_MS = 15_000;

export interface HttpOptions {
  /** Per attempt, until the response headers arrive. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  fetch?: typeof fetch;
  /** Called for every response that ky retries; the final one is the caller's to report. */
  onResponse?: (status: number, headers: Headers) => void;
  /** Awaited before every retry (not the first attempt, which the caller gates itself before signing). */
  beforeRetry?: (signal: AbortSignal | undefined) => Promise<void>;
  maxBodyBytes?: number;
  /** How long reading one body may take (also capped by the budget's time left). */
  bodyTimeoutMs?: number;
}

/** What one call may spend: aborted by `signal`, and never longer than `timeLeft()` ms. */
export interface Budget {
  signal?: AbortSignal;
  timeLeft?: () => number;
}

export interface SendOptions {
  headers?: Record<string, string>;
  json?: unknown;
  budget?: Budget;
  /** Per call, in addition to the instance's `onResponse`. */
  onRetryResponse?: (status: number, headers: Headers) => void;
  /** Per call, replacing the instance's `beforeRetry`. */
  beforeRetry?: (signal: AbortSignal | undefined) => Promise<void>;
}

/** A body that could not be read whole: too large, too slow, or cut off. */
export class BodyError extends Error {
  override readonly name = "BodyError";
  constructor(
    readonly reason: "too-large" | "timeout" | "interrupted",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** ky's (and setTimeout's) limit for a timer. */
const MAX_TIMER_MS = 2_147_483_647;

function timeLeftOf(budget: Budget | undefined): number {
  const left = budget?.timeLeft?.() ?? Number.POSITIVE_INFINITY;
  return Number.isNaN(left) ? 0 : Math.max(0, left);
}

export class Http {
  readonly retry: RetryPolicy;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  readonly bodyTimeoutMs: number;

  constructor(private readonly opts: HttpOptions = {}) {
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.maxBodyBytes = opts.maxBodyBytes ?? MAX_BODY_BYTES;
    this.bodyTimeoutMs = opts.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  }

  /** One request (with ky's retries); resolves with a 2xx response whose body is still unread. */
  send(method: "get" | "post", url: string, o: SendOptions = {}): Promise<Response> {
    const r = this.retry;
    const budget = o.budget;
    const left = () => timeLeftOf(budget);
    const beforeRetry = o.beforeRetry ?? this.opts.beforeRetry;
    const observers = [this.opts.onResponse, o.onRetryResponse].filter((f) => f !== undefined);
    return ky(url, {
      method,
      headers: { "User-Agent": USER_AGENT, Accept: "application/json", ...o.headers },
      ...defined({ json: o.json }),
      // undici hands a 3xx back as is with "manual"; ky turns it into an HTTPError (not ok, not retried).
      redirect: "manual",
      // The budget's signal ends the attempt at the deadline; this timeout only ends attempts that would
      // outlast it by more than a second, so that a deadline is reported as one and not as a lost race.
      timeout: Math.max(1, Math.min(this.timeoutMs, left() + 1_000, MAX_TIMER_MS)),
      ...(budget?.signal ? { signal: budget.signal } : {}),
      ...defined({ fetch: this.opts.fetch }),
      retry: {
        limit: r.limit,
        methods: ["get", "post"],
        statusCodes: [408, 429, 500, 502, 503, 504],
        afterStatusCodes: [429, 503],
        maxRetryAfter: Math.min(MAX_RETRY_AFTER_MS, r.maxRetryAfterMs, left()),
        retryOnTimeout: true,
        // A Retry-After longer than the time left cannot be honoured: hand the answer back now, so the waiter
        // reports it, instead of sleeping into the deadline and reporting nothing.
        shouldRetry: ({ error }) => {
          if (!(error instanceof HTTPError)) return undefined;
          const after = retryAfterMs(error.response.headers.get("retry-after"));
          return after !== undefined && after > left() ? false : undefined;
        },
        // Asked at retry time, so the sleep is capped by what is left then, not when the call began.
        delay: (attempt) => Math.min(r.maxDelayMs, r.baseDelayMs * 2 ** (attempt - 1), left()),
        jitter: true,
      },
      hooks: {
        beforeRequest: beforeRetry
          ? [
              async (request, _options, { retryCount }) => {
                if (retryCount > 0) await beforeRetry(request.signal);
              },
            ]
          : [],
        // Only attempts that are retried pass here; the caller reports the final response itself. (An
        // afterResponse hook would make ky clone every response.)
        beforeRetry: [
          ({ error }) => {
            if (error instanceof HTTPError) {
              for (const f of observers) f(error.response.status, error.response.headers);
              // The retried answer's body is never read: release the connection instead of buffering it.
              void error.response.body?.cancel().catch(() => undefined);
            }
          },
        ],
      },
    });
  }

  /** The body as text, at most `maxBodyBytes`, within the body timeout and the budget. */
  readText(response: Response, budget?: Budget): Promise<string> {
    const left = timeLeftOf(budget);
    return readBodyText(response, {
      maxBytes: this.maxBodyBytes,
      timeoutMs: Math.min(this.bodyTimeoutMs, left),
      byDeadline: left < this.bodyTimeoutMs,
      ...(budget?.signal ? { signal: budget.signal } : {}),
    });
  }

  /** The body of an error response, as JSON if it is JSON, else the text; `""` if it cannot be read. */
  async readErrorBody(response: Response, budget?: Budget): Promise<unknown> {
    const text = await readBodyText(response, {
      maxBytes: 64 * 1024,
      timeoutMs: Math.min(5_000, this.bodyTimeoutMs, timeLeftOf(budget)),
      ...(budget?.signal ? { signal: budget.signal } : {}),
    }).catch(() => "");
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
}

/**
 * Reads a body chunk by chunk, giving up (and cancelling the stream, which closes the connection) once it
 * passes `maxBytes` or `timeoutMs`. An abort of `signal` rejects with the signal's reason.
 */
export async function readBodyText(
  response: Response,
  o: {
    maxBytes: number;
    timeoutMs: number;
    signal?: AbortSignal;
    /** The timeout is the wait's deadline (the time left was shorter than the body timeout): say so. */
    byDeadline?: boolean;
  },
): Promise<string> {
  const body = response.body;
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > o.maxBytes) {
    void body?.cancel().catch(() => undefined);
    throw new BodyError("too-large", `response body of ${declared} bytes is over the ${o.maxBytes}-byte cap`);
  }
  if (!body) return "";
  if (o.signal?.aborted) {
    void body.cancel().catch(() => undefined);
    throw o.signal.reason;
  }
  const reader = body.getReader();
  let stop: (err: unknown) => void = () => {};
  const stopped = new Promise<never>((_, reject) => {
    stop = reject;
  });
  stopped.catch(() => undefined);
  const late = o.byDeadline
    ? "response body not complete before the wait's deadline (the request was still in flight)"
    : `response body not complete within ${Math.round(o.timeoutMs)} ms`;
  const timer = setTimeout(
    () => stop(new BodyError("timeout", late)),
    Math.max(0, Math.min(o.timeoutMs, MAX_TIMER_MS)),
  );
  const onAbort = () => stop(o.signal?.reason);
  o.signal?.addEventListener("abort", onAbort, { once: true });
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), stopped]);
      if (done) break;
      total += value.byteLength;
      if (total > o.maxBytes) {
        throw new BodyError("too-large", `response body over the ${o.maxBytes}-byte cap (stopped reading)`);
      }
      chunks.push(value);
    }
  } catch (err) {
    void reader.cancel().catch(() => undefined);
    if (err instanceof BodyError) throw err;
    if (o.signal?.aborted) throw o.signal.reason;
    throw new BodyError(
      "interrupted",
      `response body cut off after ${total} bytes (${describeNetError(err)})`,
      {
        cause: err,
      },
    );
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener("abort", onAbort);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** `Retry-After` as ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** fetch's "fetch failed" / "terminated" say nothing; the system error under them (ECONNRESET) does. */
export function describeNetError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const inner = err.cause as { code?: unknown; message?: unknown } | undefined;
  if (inner && typeof inner.code === "string") return `${err.message}: ${inner.code}`;
  if (inner && typeof inner.message === "string") return `${err.message}: ${inner.message}`;
  return err.message;
}

/** A `Location` reduced to its host: never a path, query or userinfo (they may carry tokens). */
export function locationHost(location: string | null, base: string): string {
  if (!location) return "(no Location header)";
  try {
    const u = new URL(location, base);
    return `${u.protocol}//${u.host}`;
  } catch {
    return "(an unparsable Location)";
  }
}

export { HTTPError, TimeoutError };

export function requestIdOf(headers: Headers): string | undefined {
  return headers.get("x-request-id") ?? headers.get("x-openstack-request-id") ?? undefined;
}
