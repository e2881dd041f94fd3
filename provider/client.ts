/**
 * The job API client: one call, `GET {base}/v3/{project_id}/jobs?id={job_id}`, for any of the three
 * services, turned into an `ObservedJob` or a `JobApiError` that says what happened. Faults are classified
 * by what they are: a reset, a truncated body or an HTML page is worth another try, a 3xx or a 4xx is not.
 */

import type { Authenticator } from "./auth/authenticator";
import { isDeadline } from "./clock";
import { defined } from "./defined";
import { type ApiErrorDetails, type ApiErrorKind, JobApiError } from "./errors";
import { type EndpointGate, gateFor } from "./gate";
import {
  BodyError,
  type Budget,
  describeNetError,
  HTTPError,
  Http,
  type HttpOptions,
  locationHost,
  requestIdOf,
  TimeoutError,
} from "./http";
import type { ObservedJob } from "./job";
import { parseJobResponse, parseWireError } from "./schemas";
import { JOB_NOT_FOUND_CODE, jobsPath, type Service } from "./services";

export interface JobClientOptions extends HttpOptions {
  service: Service;
  /** Scheme + host (+ optional path prefix) of the service API. */
  baseUrl: string;
  projectId: string;
  auth: Authenticator;
  /** Shared per endpoint + project by default; pass one to isolate (tests, benchmarks). */
  gate?: EndpointGate;
}

/** Callers without an identity (hand-made authenticators) never share a request with anyone else. */
const ANONYMOUS = new WeakMap<Authenticator, string>();
let anonymousCount = 0;

export class JobClient {
  readonly service: Service;
  readonly projectId: string;
  readonly auth: Authenticator;
  private readonly baseUrl: string;
  private readonly http: Http;
  readonly gate: EndpointGate;

  constructor(opts: JobClientOptions) {
    this.service = opts.service;
    this.projectId = opts.projectId;
    this.auth = opts.auth;
    this.baseUrl = opts.baseUrl.replace(/\/+$/, "");
    this.gate = opts.gate ?? gateFor(this.baseUrl, opts.projectId);
    this.http = new Http(opts);
  }

  /** The URL for a job, without credentials; `id` encoded with %20 for spaces (never `+`). */
  jobUrl(jobId: string): string {
    return `${this.baseUrl}${jobsPath(this.projectId)}?id=${encodeURIComponent(jobId)}`;
  }

  /**
   * One look at a job. Concurrent looks at the same job by the same identity (several waiters) share one
   * request. `budget.signal` ends this caller's look; `budget.timeLeft` caps the request's timeouts and
   * sleeps. A look cut off by a passed deadline rejects with a transient `JobApiError` saying so.
   */
  getJob(jobId: string, budget?: AbortSignal | Budget): Promise<ObservedJob> {
    const b: Budget = budget instanceof AbortSignal ? { signal: budget } : (budget ?? {});
    let url: string;
    try {
      url = this.jobUrl(jobId);
    } catch (err) {
      // encodeURIComponent throws a bare URIError on a lone UTF-16 surrogate; say which input and why.
      return Promise.reject(
        this.error(jobId, `${this.baseUrl}${jobsPath(this.projectId)}`, "client", {
          fault: `the job ID is not valid Unicode (a lone UTF-16 surrogate at index ${loneSurrogateAt(jobId)}); job IDs are plain ASCII: copy it again from the API response or the console`,
          cause: err,
        }),
      );
    }
    const key = [this.baseUrl, this.projectId, this.service, jobId, this.identity()].join("\n");
    return this.gate
      .shared(key, (shared) => this.fetchJob(jobId, url, shared), {
        ...defined({ signal: b.signal, timeLeft: b.timeLeft }),
      })
      .catch((err: unknown) => {
        if (isDeadline(err) || (b.signal?.aborted && isDeadline(b.signal.reason))) {
          throw this.error(jobId, url, "transient", {
            fault: "no complete answer before the wait's deadline (the request was still in flight)",
            cause: err,
          });
        }
        throw err;
      });
  }

  private identity(): string {
    if (this.auth.identity) return this.auth.identity;
    let id = ANONYMOUS.get(this.auth);
    if (!id) {
      id = `anonymous-${++anonymousCount}`;
      ANONYMOUS.set(this.auth, id);
    }
    return id;
  }

  private async fetchJob(jobId: string, url: string, budget: Required<Budget>): Promise<ObservedJob> {
    const { signal } = budget;
    let refreshed = false;
    for (;;) {
      // A per-attempt switch: whatever goes wrong after the headers, the connection is closed, not left open.
      const attempt = new AbortController();
      const attemptBudget: Budget = {
        signal: AbortSignal.any([signal, attempt.signal]),
        timeLeft: budget.timeLeft,
      };
      try {
        // Through the gate before signing and before ky builds a request: a queued waiter holds no request
        // objects, and its signature's date is fresh when it finally goes.
        await this.gate.acquire(signal);
        // An IAM login under this (password credentials) has no signal of its own: stop waiting for it at the
        // deadline; it ends by itself within its own request timeouts.
        const headers = await untilAborted(
          this.auth.headers({ method: "GET", url, headers: {} }, this.projectId),
          signal,
        );
        const response = await this.http.send("get", url, {
          headers,
          budget: attemptBudget,
          beforeRetry: (s) => this.gate.acquire(s),
          onRetryResponse: (status, h) => this.gate.observe(status, h.get("retry-after"), budget.timeLeft()),
        });
        this.gate.observe(response.status, null);
        const requestId = requestIdOf(response.headers);
        const text = await this.http.readText(response, attemptBudget);
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          throw this.error(jobId, url, "invalid-response", {
            httpStatus: response.status,
            fault: `body is not JSON (${text.length === 0 ? "empty" : `${text.length} chars, starting ${JSON.stringify(text.slice(0, 40))}`}; truncated?)`,
            requestId,
          });
        }
        const parsed = parseJobResponse(this.service, body);
        if (!parsed.ok) {
          throw this.error(jobId, url, "invalid-response", {
            httpStatus: response.status,
            errorMsg: parsed.problem,
            requestId,
          });
        }
        if (parsed.observed.job.id !== jobId.trim()) {
          throw this.error(jobId, url, "wrong-job", {
            httpStatus: response.status,
            fault: `the body is job ${JSON.stringify(parsed.observed.job.id.slice(0, 80))}`,
            requestId,
          });
        }
        return parsed.observed;
      } catch (err) {
        if (err instanceof JobApiError) throw err;
        if (signal.aborted) throw signal.reason ?? err;
        if (err instanceof HTTPError) {
          const status = err.response.status;
          this.gate.observe(status, err.response.headers.get("retry-after"), budget.timeLeft());
          const requestId = requestIdOf(err.response.headers);
          if (status >= 300 && status < 400) {
            void err.response.body?.cancel().catch(() => undefined);
            throw this.error(jobId, url, "redirect", {
              httpStatus: status,
              redirectHost: locationHost(err.response.headers.get("location"), url),
              requestId,
            });
          }
          // A token can be revoked mid-wait (password or key change): fetch a new one once, then give up.
          if (status === 401 && !refreshed && (await this.auth.refresh())) {
            void err.response.body?.cancel().catch(() => undefined);
            refreshed = true;
            continue;
          }
          const { code, message } = parseWireError(await this.http.readErrorBody(err.response, budget));
          throw this.error(jobId, url, classify(status, code), {
            httpStatus: status,
            errorCode: code,
            errorMsg: message,
            requestId,
          });
        }
        if (err instanceof BodyError) {
          throw this.error(jobId, url, "transient", { fault: err.message, cause: err });
        }
        if (err instanceof TimeoutError) {
          throw this.error(jobId, url, "transient", {
            fault: `no response headers before the request timed out (at most ${this.http.timeoutMs} ms per attempt, ${this.http.retry.limit + 1} attempts, each capped by the time left)`,
            cause: err,
          });
        }
        if (err instanceof TypeError && systemErrorCode(err) === "ENOTFOUND") {
          // NXDOMAIN is an answer, not an outage (that is EAI_AGAIN): waiting out the timeout would not help.
          throw this.error(jobId, url, "unknown-host", { cause: err });
        }
        if (err instanceof TypeError) {
          throw this.error(jobId, url, "transient", {
            fault: `connection failed before the response headers (${describeNetError(err)})`,
            cause: err,
          });
        }
        throw err;
      } finally {
        // After the error body was read (if any): aborting earlier would cut it off.
        attempt.abort();
      }
    }
  }

  private error(
    jobId: string,
    url: string,
    kind: ApiErrorKind,
    extra: Partial<Omit<ApiErrorDetails, "kind" | "service" | "jobId" | "url">>,
  ): JobApiError {
    const clean = Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined));
    return new JobApiError({
      kind,
      service: this.service,
      jobId: safeText(jobId),
      url: url.split("?")[0]!,
      credentialSource: this.auth.source,
      ...clean,
    });
  }
}

function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function systemErrorCode(err: Error): string | undefined {
  const code = (err.cause as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

function loneSurrogateAt(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const n = s.charCodeAt(i + 1);
      if (n >= 0xdc00 && n <= 0xdfff) {
        i++;
        continue;
      }
      return i;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return i;
  }
  return -1;
}

/** A string safe to print: lone surrogates shown as \\uXXXX. */
function safeText(s: string): string {
  return s.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

export function classify(status: number, errorCode: string | undefined): ApiErrorKind {
  if (errorCode === JOB_NOT_FOUND_CODE) return "not-found";
  // APIGW.0101 is a 404 for an API the gateway does not know: a wrong endpoint, not a missing job.
  if (status === 404) return errorCode?.startsWith("APIGW.") ? "client" : "not-found";
  if (status === 401 || status === 403) return "auth";
  if (status === 429) return "throttled";
  if (status === 408 || status >= 500) return "transient";
  if (status >= 300 && status < 400) return "redirect";
  return "client";
}
