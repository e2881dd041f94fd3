/**
 * The job API client: one call, `GET {base}/v3/{project_id}/jobs?id={job_id}`, for any of the three
 * services, turned into an `ObservedJob` or a `JobApiError` that says what happened.
 */
import type { KyInstance } from "ky";
import type { Authenticator } from "./auth/authenticator";
import { type ApiErrorKind, JobApiError } from "./errors";
import { type EndpointGate, gateFor } from "./gate";
import { createHttp, HTTPError, type HttpOptions, readErrorBody, requestIdOf, TimeoutError } from "./http";
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

export class JobClient {
  readonly service: Service;
  readonly projectId: string;
  readonly auth: Authenticator;
  private readonly baseUrl: string;
  private readonly http: KyInstance;
  readonly gate: EndpointGate;

  constructor(opts: JobClientOptions) {
    this.service = opts.service;
    this.projectId = opts.projectId;
    this.auth = opts.auth;
    this.baseUrl = opts.baseUrl.replace(/\/+$/, "");
    const gate = opts.gate ?? gateFor(this.baseUrl, opts.projectId);
    this.gate = gate;
    this.http = createHttp({
      ...opts,
      beforeRetry: (signal) => gate.acquire(signal),
      onResponse: (status, headers) => {
        gate.observe(status, headers.get("retry-after"));
        opts.onResponse?.(status, headers);
      },
    });
  }

  /** The URL for a job, without credentials; `id` encoded with %20 for spaces (never `+`). */
  jobUrl(jobId: string): string {
    return `${this.baseUrl}${jobsPath(this.projectId)}?id=${encodeURIComponent(jobId)}`;
  }

  /** One look at a job. Concurrent looks at the same job (several waiters) share one request. */
  getJob(jobId: string, signal?: AbortSignal): Promise<ObservedJob> {
    // A shared request must not be cancelled by one waiter's abort; each caller still stops waiting on its own.
    const shared = this.gate.shared(`${this.service}|${jobId}|${this.auth.source}`, () =>
      this.fetchJob(jobId),
    );
    if (!signal) return shared;
    return new Promise<ObservedJob>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      shared.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  }

  private async fetchJob(jobId: string, signal?: AbortSignal): Promise<ObservedJob> {
    const url = this.jobUrl(jobId);
    let refreshed = false;
    for (;;) {
      try {
        // Through the gate before signing and before ky builds a request: a queued waiter holds no request
        // objects, and its signature's date is fresh when it finally goes.
        await this.gate.acquire(signal);
        const headers = await this.auth.headers({ method: "GET", url, headers: {} }, this.projectId);
        const response = await this.http.get(url, { headers, ...(signal ? { signal } : {}) });
        this.gate.observe(response.status, null);
        const body: unknown = await response.json().catch(() => undefined);
        const parsed = parseJobResponse(this.service, body);
        if (!parsed.ok) {
          throw this.error(jobId, url, "invalid-response", {
            httpStatus: response.status,
            errorMsg: parsed.problem,
            requestId: requestIdOf(response.headers),
          });
        }
        return parsed.observed;
      } catch (err) {
        if (err instanceof JobApiError) throw err;
        if (signal?.aborted) throw signal.reason ?? err;
        if (err instanceof HTTPError) {
          const status = err.response.status;
          this.gate.observe(status, err.response.headers.get("retry-after"));
          // A token can be revoked mid-wait (password or key change): fetch a new one once, then give up.
          if (status === 401 && !refreshed && (await this.auth.refresh())) {
            refreshed = true;
            continue;
          }
          const { code, message } = parseWireError(await readErrorBody(err.response));
          throw this.error(jobId, url, classify(status, code), {
            httpStatus: status,
            errorCode: code,
            errorMsg: message,
            requestId: requestIdOf(err.response.headers),
          });
        }
        if (err instanceof TypeError && systemErrorCode(err) === "ENOTFOUND") {
          // NXDOMAIN is an answer, not an outage (that is EAI_AGAIN): waiting out the timeout would not help.
          throw this.error(jobId, url, "unknown-host", { cause: err });
        }
        if (err instanceof TimeoutError || err instanceof TypeError) {
          throw this.error(jobId, url, "transient", { cause: err });
        }
        throw err;
      }
    }
  }

  private error(
    jobId: string,
    url: string,
    kind: ApiErrorKind,
    extra: {
      httpStatus?: number;
      errorCode?: string;
      errorMsg?: string;
      requestId?: string;
      cause?: unknown;
    },
  ): JobApiError {
    const clean = Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined));
    return new JobApiError({
      kind,
      service: this.service,
      jobId,
      url: url.split("?")[0]!,
      credentialSource: this.auth.source,
      ...clean,
    });
  }
}

function systemErrorCode(err: Error): string | undefined {
  const code = (err.cause as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

export function classify(status: number, errorCode: string | undefined): ApiErrorKind {
  if (errorCode === JOB_NOT_FOUND_CODE) return "not-found";
  // APIGW.0101 is a 404 for an API the gateway does not know: a wrong endpoint, not a missing job.
  if (status === 404) return errorCode?.startsWith("APIGW.") ? "client" : "not-found";
  if (status === 401 || status === 403) return "auth";
  if (status === 429) return "throttled";
  if (status === 408 || status >= 500) return "transient";
  return "client";
}
