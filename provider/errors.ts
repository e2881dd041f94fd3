/**
 * Errors that tell the story: which service and job, what the API said (HTTP status, error_code, error_msg,
 * request id), which credential source was used, and what to do. No credential value ever goes in.
 */
import type { Job } from "./job";
import type { Service } from "./services";
import { formatElapsed } from "./time";

/** The class of an API failure, which decides whether the waiter retries. */
export type ApiErrorKind =
  /** DBS.200543 or 404: the job is unknown (not yet visible, expired after ~1 month, or wrong project/region). */
  | "not-found"
  /** 401/403: the credentials were refused. */
  | "auth"
  /** 429: the gateway throttled us (APIGW.0308). */
  | "throttled"
  /** 5xx, network errors, request timeouts: worth trying again later. */
  | "transient"
  /** Any other 4xx: the request is wrong and will stay wrong. */
  | "client"
  /** The API host does not exist in DNS (ENOTFOUND): a wrong region, cloud or endpoint, not an outage. */
  | "unknown-host"
  /** A 2xx whose body is not a job. */
  | "invalid-response";

/** What went wrong with a request to the job API, as facts (no credential is ever among them). */
export interface ApiErrorDetails {
  /** The class of failure, which decides whether the waiter retries. */
  kind: ApiErrorKind;
  /** The service asked. */
  service: Service;
  /** The job asked for. */
  jobId: string;
  /** Where the request went: scheme, host and path, no query and no credentials. */
  url: string;
  /** The HTTP status, when there was a response. */
  httpStatus?: number;
  /** The API's `error_code` (or a gateway's `code`), e.g. `DBS.200543`, `APIGW.0301`. */
  errorCode?: string;
  /** The API's `error_msg` (or a gateway's `message`). */
  errorMsg?: string;
  /** The request id the gateway returned (`X-Request-Id`), to quote to support. */
  requestId?: string;
  /** Where the credentials came from (e.g. `environment HW_*`), never the credentials themselves. */
  credentialSource?: string;
  /** The underlying error (network, timeout), if any. */
  cause?: unknown;
}

const ADVICE: Record<ApiErrorKind, (d: ApiErrorDetails) => string> = {
  "not-found": () =>
    "Check that the job ID, project ID and region (or endpoint) match where the job was created; jobs can only " +
    "be queried for about one month.",
  auth: (d) =>
    `Check the credentials from ${d.credentialSource ?? "the configured source"}: the key pair or token may be wrong, ` +
    "expired or revoked, or lack permission for this service and project.",
  throttled: () => "The API gateway is throttling requests; the waiter slows down and retries by itself.",
  transient: () => "This looks temporary (server or network); the waiter keeps trying until its timeout.",
  client: () => "The request was rejected as invalid; check the inputs (job ID, project ID, endpoint).",
  "unknown-host": () =>
    'The host does not exist: check `region` and `cloud` (Open Telekom Cloud needs cloud "otc": the input, ' +
    "jobwaiter:cloud or HW_CLOUD), or the `endpoint` input.",
  "invalid-response": () =>
    "The endpoint answered with something that is not a job; check that `endpoint` points at the service's API.",
};

/** A request to the job API failed: the message names the service, job, HTTP status, error code and request id. */
export class JobApiError extends Error {
  /** Always `"JobApiError"`. */
  override readonly name = "JobApiError";
  /** The facts behind the message. */
  readonly details: ApiErrorDetails;

  /** @param details - The facts the message is built from. */
  constructor(details: ApiErrorDetails) {
    super(describeApiError(details), details.cause !== undefined ? { cause: details.cause } : undefined);
    this.details = details;
  }

  /** The class of failure (`details.kind`). */
  get kind(): ApiErrorKind {
    return this.details.kind;
  }

  /** Worth polling again: throttling and transient failures; never auth or client errors. */
  get transient(): boolean {
    return this.details.kind === "throttled" || this.details.kind === "transient";
  }
}

export function describeApiError(d: ApiErrorDetails): string {
  const what =
    d.kind === "not-found"
      ? "job not found"
      : d.kind === "invalid-response"
        ? "unexpected response"
        : d.httpStatus !== undefined
          ? `HTTP ${d.httpStatus}`
          : "request failed";
  const facts = [
    d.httpStatus !== undefined && d.kind === "not-found" ? `HTTP ${d.httpStatus}` : undefined,
    d.errorCode ? `error_code ${d.errorCode}` : undefined,
    d.errorMsg ? `error_msg "${d.errorMsg}"` : undefined,
    d.requestId ? `request id ${d.requestId}` : undefined,
    `GET ${d.url}`,
    d.credentialSource ? `credentials from ${d.credentialSource}` : undefined,
  ].filter(Boolean);
  const cause =
    d.cause instanceof Error && (d.kind === "transient" || d.kind === "unknown-host")
      ? ` (${causeText(d.cause)})`
      : "";
  return `${d.service} job ${d.jobId}: ${what}${cause} [${facts.join(", ")}]. ${ADVICE[d.kind](d)}`;
}

/** fetch's "fetch failed" says nothing; the system error under it (ENOTFOUND rds.x.y) does. */
function causeText(err: Error): string {
  const inner = err.cause as { code?: unknown; hostname?: unknown; message?: unknown } | undefined;
  if (inner && typeof inner.code === "string") {
    return `${err.message}: ${inner.code}${typeof inner.hostname === "string" ? ` ${inner.hostname}` : ""}`;
  }
  return err.message;
}

/** Why a wait did not end in `Completed`. */
export type WaitFailureKind = "failed" | "timeout" | "aborted" | "not-found" | "error";

/** How a wait ended when it did not end in `Completed`. */
export class JobWaitError extends Error {
  /** Always `"JobWaitError"`. */
  override readonly name = "JobWaitError";
  /**
   * @param message - The whole story: service, job, status, fail_reason and what to do.
   * @param kind - Why the wait ended: `failed`, `timeout`, `aborted`, `not-found` or `error`.
   * @param service - The service asked.
   * @param jobId - The job waited for.
   * @param job - The job as last seen, if it was seen at all.
   * @param options - `cause`: the underlying error.
   */
  constructor(
    message: string,
    readonly kind: WaitFailureKind,
    readonly service: Service,
    readonly jobId: string,
    readonly job?: Job,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function jobLabel(service: Service, jobId: string, job?: Job): string {
  const name = job?.name ? ` (${job.name})` : "";
  const inst = job?.instance
    ? `, instance ${job.instance.name ?? ""}${job.instance.name ? " " : ""}[${job.instance.id}]`
    : "";
  return `${service} job ${jobId}${name}${inst}`;
}

export function describeFailedJob(service: Service, jobId: string, job: Job): string {
  const reason = job.failReason ? `fail_reason: "${job.failReason}"` : "the service gave no fail_reason";
  const when = job.ended ? ` at ${job.ended}` : "";
  return (
    `${jobLabel(service, jobId, job)} failed${when}: ${reason}. ` +
    "Look at the task center in the console for details, fix the cause, and start a new job; " +
    "set failOnJobFailure: false to record the failure instead of failing the deployment."
  );
}

export function describeTimeout(
  service: Service,
  jobId: string,
  timeoutMs: number,
  job?: Job,
  last?: Error,
): string {
  const state = job
    ? `last seen ${job.status}${job.progress !== undefined ? ` ${job.progress}%` : ""}`
    : "never seen by the API";
  const err = last ? `; last error: ${last.message}` : "";
  return (
    `${jobLabel(service, jobId, job)} did not finish within the timeout of ${formatElapsed(timeoutMs)} (${state}${err}). ` +
    "The job keeps running in the cloud; run `pulumi up` again to resume waiting, or raise `timeout`."
  );
}
