/**
 * Errors that tell the story: which service and job, what the API said (HTTP status, error_code, error_msg,
 * request id), which credential source was used, and what to do. No credential value ever goes in.
 */
import { defined } from "./defined";
import type { Job } from "./job";
import { markRedacted, redactJson, redactText, redactUrl, safeCause, safeErrorArgs } from "./redact";
import type { Service } from "./services";
import { formatElapsed } from "./time";

/**
 * Every kind of error this package throws, so a caller can `switch (err.kind)` on one base class:
 * - `failed`: the job ended `Failed` (its `fail_reason` is in the message and on `job`);
 * - `timeout`: the job did not end within the wait's timeout; it keeps running in the cloud;
 * - `aborted`: the wait was interrupted (Ctrl-C, an abort signal); the job keeps running;
 * - `not-found`: the job never became visible within the grace window for new jobs;
 * - `disappeared`: the job was seen during this wait and then stopped being found (expired or deleted);
 * - `api`: the API answered with an error or something that is not a job (`JobApiError`, see `details`);
 * - `settings`: a setting from config, the environment or the credentials file is missing or wrong;
 * - `invalid-input`: an input or argument is wrong (`failures` names each field).
 */
export type JobWaiterErrorKind =
  | "failed"
  | "timeout"
  | "aborted"
  | "not-found"
  | "disappeared"
  | "api"
  | "settings"
  | "invalid-input";

/** What an error knows about the job it is about, when it is about one. */
export interface JobErrorContext {
  /** The service asked. */
  service?: Service;
  /** The job concerned. */
  jobId?: string;
  /** The job as last seen, if it was seen. */
  job?: Job;
  /** The underlying error, if any. */
  cause?: unknown;
}

/** The base class of every error this package throws. */
export class JobWaiterError extends Error {
  /** The class name, e.g. `"JobWaitError"`: shown first when the error is printed. */
  override readonly name: string = "JobWaiterError";
  /** The service asked, when the error is about a job. */
  readonly service?: Service;
  /** The job concerned, when the error is about a job. */
  readonly jobId?: string;
  /** The job as last seen, if it was seen. */
  readonly job?: Job;

  /**
   * @param kind - What went wrong, to `switch` on.
   * @param message - The whole story and what to do.
   * @param context - The job concerned and the underlying error, where known.
   */
  constructor(
    readonly kind: JobWaiterErrorKind,
    message: string,
    context: JobErrorContext = {},
  ) {
    // Every error type goes through the one redaction helper: registered credentials and credential-shaped
    // text leave the message, and the cause is a safe copy (ky's errors hold requests, headers, login bodies).
    super(...safeErrorArgs(message, context.cause));
    if (context.service !== undefined) this.service = context.service;
    if (context.jobId !== undefined) this.jobId = context.jobId;
    if (context.job !== undefined) {
      const job = redactJson(context.job);
      if (job !== undefined) this.job = job;
    }
    markRedacted(this);
  }
}

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
  /** A 2xx whose body is not a job (HTML, `{}`, unparsable or truncated JSON): retried, it may be a passing fault. */
  | "invalid-response"
  /** A 3xx: never followed (the target could collect credentials), never retried. */
  | "redirect"
  /** A well-formed job, but not the one asked for: never taken as this job's state. */
  | "wrong-job";

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
  /** What went wrong on the wire, in a few words (e.g. "connection reset mid-body"). No secrets. */
  fault?: string;
  /** For a redirect: scheme and host of its `Location` only. */
  redirectHost?: string;
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
    "The endpoint answered with something that is not a job; the waiter retries until its timeout in case this " +
    "is a passing fault, but if it persists check that `endpoint` points at the service's API.",
  redirect: () =>
    "Redirects are never followed, so no credential was sent to the target; point `endpoint` (or the region " +
    "and cloud, or the IAM URL) at the API itself, not at an address that redirects.",
  "wrong-job": () =>
    "The answer cannot be this job's state; check that `endpoint` points at the service's API and not at a " +
    "proxy or cache that mixes up answers.",
};

/**
 * The API answered with an error, or with something that is not this job. `details.kind` says which kind
 * of trouble (`not-found`, `auth`, `throttled`, `transient`, ...), `transient` whether polling again may help.
 */
export class JobApiError extends JobWaiterError {
  /** Always `"JobApiError"`. */
  override readonly name = "JobApiError";
  /** Always `"api"`; `details.kind` tells the API failures apart. */
  declare readonly kind: "api";
  /** The service asked. */
  declare readonly service: Service;
  /** The job asked for. */
  declare readonly jobId: string;
  /** The facts behind the message: HTTP status, error_code, error_msg, request id, URL. */
  readonly details: ApiErrorDetails;

  /** @param details - The facts the message is built from. */
  constructor(details: ApiErrorDetails) {
    super("api", describeApiError(details), {
      service: details.service,
      jobId: details.jobId,
      cause: details.cause,
    });
    // `details` is public and enumerable (JSON.stringify shows it): the same redaction as the message.
    this.details = {
      ...details,
      url: redactUrl(details.url),
      ...(details.errorMsg !== undefined ? { errorMsg: redactText(details.errorMsg) } : {}),
      ...(details.errorCode !== undefined ? { errorCode: redactText(details.errorCode) } : {}),
      ...(details.requestId !== undefined ? { requestId: redactText(details.requestId) } : {}),
      ...(details.fault !== undefined ? { fault: redactText(details.fault) } : {}),
      ...(details.credentialSource !== undefined
        ? { credentialSource: redactText(details.credentialSource) }
        : {}),
      ...defined({ cause: this.cause }),
    };
    if (this.cause === undefined) delete this.details.cause;
  }

  /** Worth polling again: throttling, transient failures and bodies that are not a job; never auth or client errors. */
  get transient(): boolean {
    const k = this.details.kind;
    return k === "throttled" || k === "transient" || k === "invalid-response";
  }
}

/** The message of an API error; `what` replaces the headline (e.g. how long a job has not been found). */
export function describeApiError(d: ApiErrorDetails, what?: string): string {
  const headline =
    what ??
    (d.kind === "not-found"
      ? "job not found"
      : d.kind === "invalid-response"
        ? "unexpected response"
        : d.kind === "redirect"
          ? `HTTP ${d.httpStatus ?? "3xx"} redirect to ${d.redirectHost ?? "another address"}, not followed`
          : d.kind === "wrong-job"
            ? "the answer describes another job"
            : d.httpStatus !== undefined
              ? `HTTP ${d.httpStatus}`
              : "request failed");
  const facts = [
    d.httpStatus !== undefined && ["not-found", "invalid-response", "wrong-job"].includes(d.kind)
      ? `HTTP ${d.httpStatus}`
      : undefined,
    d.fault ? d.fault : undefined,
    d.errorCode ? `error_code ${d.errorCode}` : undefined,
    d.errorMsg ? `error_msg "${d.errorMsg}"` : undefined,
    d.requestId ? `request id ${d.requestId}` : undefined,
    `GET ${d.url}`,
    d.credentialSource ? `credentials from ${d.credentialSource}` : undefined,
  ].filter(Boolean);
  const cause =
    d.cause instanceof Error && !d.fault && (d.kind === "transient" || d.kind === "unknown-host")
      ? ` (${causeText(d.cause)})`
      : "";
  return `${d.service} job ${d.jobId}: ${headline}${cause} [${facts.join(", ")}]. ${ADVICE[d.kind](d)}`;
}

/** fetch's "fetch failed" says nothing; the system error under it (ENOTFOUND rds.x.y) does. */
function causeText(err: Error): string {
  const inner = err.cause as { code?: unknown; hostname?: unknown; message?: unknown } | undefined;
  if (inner && typeof inner.code === "string") {
    return `${err.message}: ${inner.code}${typeof inner.hostname === "string" ? ` ${inner.hostname}` : ""}`;
  }
  return err.message;
}

/** How a wait ended when it did not end in `Completed`: `failed`, `timeout`, `aborted`, `not-found` or `disappeared`. */
export type WaitFailureKind = Extract<
  JobWaiterErrorKind,
  "failed" | "timeout" | "aborted" | "not-found" | "disappeared"
>;

/** A wait that did not end in `Completed`. */
export class JobWaitError extends JobWaiterError {
  /** Always `"JobWaitError"`. */
  override readonly name = "JobWaitError";
  /** Why the wait ended. */
  declare readonly kind: WaitFailureKind;
  /** The service asked. */
  declare readonly service: Service;
  /** The job waited for. */
  declare readonly jobId: string;

  /**
   * @param kind - Why the wait ended.
   * @param message - The whole story: service, job, status, fail_reason and what to do.
   * @param context - The job concerned, as last seen, and the underlying error.
   */
  constructor(
    kind: WaitFailureKind,
    message: string,
    context: JobErrorContext & { service: Service; jobId: string },
  ) {
    super(kind, message, context);
  }
}

/** A setting (config, environment, credentials file) that is missing or unusable; `property` names it. */
export class SettingsError extends JobWaiterError {
  /** `"SettingsError"`, or the name of a subclass such as `CredentialsError`. */
  // Widened so CredentialsError (auth/credentials.ts) can be a SettingsError with its own name.
  override readonly name: string = "SettingsError";
  /** Always `"settings"`. */
  declare readonly kind: "settings";

  /**
   * @param property - The setting concerned, e.g. `projectId` or `jobwaiter:secretKey`.
   * @param message - What is wrong with it and how to fix it.
   */
  constructor(
    readonly property: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super("settings", message, options);
  }
}

/** One bad field: its name and what is wrong with it, including the fix. */
export interface Failure {
  /** The input or argument, e.g. `timeout`. */
  property: string;
  /** What is wrong with its value, and the fix. */
  reason: string;
}

/** Inputs or arguments that failed validation; `failures` names every bad field. */
export class InvalidInputError extends JobWaiterError {
  /** Always `"InvalidInputError"`. */
  override readonly name = "InvalidInputError";
  /** Always `"invalid-input"`. */
  declare readonly kind: "invalid-input";

  /** Every bad field, with what is wrong and the fix (secrets in the reasons redacted). */
  readonly failures: readonly Failure[];

  /**
   * @param what - What was being validated, e.g. `getJob: invalid arguments`.
   * @param failures - Every bad field, with what is wrong and the fix.
   */
  constructor(what: string, failures: readonly Failure[]) {
    super("invalid-input", `${what}:\n${formatFailures(failures)}`);
    this.failures = failures.map((f) => ({ property: f.property, reason: redactText(f.reason) }));
  }
}

export function formatFailures(failures: readonly Failure[]): string {
  return failures.map((f) => `${f.property}: ${f.reason}`).join("\n");
}

/**
 * Thrown from the provider's `create`/`update` when the waiter must stay in the state (timeout, interrupt):
 * the dynamic provider host turns an error with `id` into a partial failure that keeps `properties` as the
 * resource's outputs, and the next `pulumi up` calls `update` to resume the wait.
 */
export class PartialFailureError extends Error {
  override readonly name = "PartialFailureError";
  readonly reasons: string[];

  constructor(
    readonly id: string,
    readonly properties: Record<string, unknown>,
    readonly reason: JobWaitError,
  ) {
    super(reason.message, { cause: reason });
    this.reasons = [reason.message];
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

/** `Running 45%`, or the wire's own word for a status this version does not know. */
function lastSeen(job: Job | undefined, wireStatus: string | undefined): string {
  if (!job) return "never seen by the API";
  const status =
    wireStatus && wireStatus !== job.status
      ? `in status "${wireStatus}" (unknown to this version)`
      : job.status;
  return `last seen ${status}${job.progress !== undefined ? ` ${job.progress}%` : ""}`;
}

/** What to do next, depending on who is waiting: the provider resumes on the next `pulumi up`. */
export type ResumeHint = "pulumi-up" | "retry" | "cli";

const RESUME: Record<ResumeHint, { timeout: string; aborted: string }> = {
  "pulumi-up": {
    timeout:
      "The job keeps running in the cloud; run `pulumi up` again to resume waiting, or raise `timeout`.",
    aborted: "The job keeps running; run `pulumi up` again to resume waiting.",
  },
  retry: {
    timeout: "The job keeps running in the cloud; wait again, or raise `timeout`.",
    aborted: "The job keeps running; wait again to see how it ends.",
  },
  cli: {
    timeout:
      "The job keeps running in the cloud; run `pulumi-job-waiter wait` again to keep waiting, or raise --timeout.",
    aborted: "The job keeps running; run `pulumi-job-waiter wait` again to see how it ends.",
  },
};

export function describeTimeout(
  service: Service,
  jobId: string,
  timeoutMs: number,
  job?: Job,
  last?: Error,
  options: { wireStatus?: string; resume?: ResumeHint } = {},
): string {
  const err = last ? `; last error: ${last.message}` : "";
  return (
    `${jobLabel(service, jobId, job)} did not finish within the timeout of ${formatElapsed(timeoutMs)} ` +
    `(${lastSeen(job, options.wireStatus)}${err}). ${RESUME[options.resume ?? "pulumi-up"].timeout}`
  );
}

export function describeAborted(
  service: Service,
  jobId: string,
  job?: Job,
  resume: ResumeHint = "pulumi-up",
): string {
  const seen = job ? ` (${lastSeen(job, undefined)})` : "";
  return `${jobLabel(service, jobId, job)}: the wait was interrupted${seen}. ${RESUME[resume].aborted}`;
}

/** A not-found that outlived the grace window for new jobs. */
export function describeNotFound(error: JobApiError, forMs: number | undefined, graceMs: number): string {
  const what =
    forMs === undefined
      ? undefined
      : `job still not found after ${formatElapsed(forMs)} (the grace window for new jobs is ${formatElapsed(graceMs)})`;
  return describeApiError(error.details, what);
}

/** A job seen earlier in this wait that the API no longer finds. */
export function describeDisappeared(
  service: Service,
  jobId: string,
  job: Job | undefined,
  error: JobApiError,
): string {
  return (
    `${jobLabel(service, jobId, job)} was found earlier in this wait and is no longer found (expired or deleted): ` +
    describeApiError(error.details)
  );
}

/** The facts a wait ends with, for `errorForOutcome`. */
export interface WaitSubject {
  service: Service;
  jobId: string;
  timeoutMs: number;
  notFoundGraceMs: number;
}

/** The shape of `WaitOutcome` (./waiter.ts) this module needs; kept structural to avoid an import cycle. */
export type OutcomeForError =
  | { state: "completed"; job: Job }
  | { state: "failed"; job: Job }
  | { state: "timeout"; job?: Job; lastError?: JobApiError; wireStatus?: string }
  | { state: "aborted"; job?: Job; wireStatus?: string }
  | { state: "error"; error: Error; job?: Job; notFoundForMs?: number };

/**
 * The one way from a wait's outcome to an error, for the provider and `getJob` alike. `undefined` for a
 * completed job; a `failed` error for a failed job (the caller decides whether that fails anything).
 */
export function errorForOutcome(
  outcome: OutcomeForError,
  subject: WaitSubject,
  resume: ResumeHint = "pulumi-up",
): Error | undefined {
  const { service, jobId } = subject;
  switch (outcome.state) {
    case "completed":
      return undefined;
    case "failed":
      return new JobWaitError("failed", describeFailedJob(service, jobId, outcome.job), {
        service,
        jobId,
        job: outcome.job,
      });
    case "timeout": {
      const message = describeTimeout(service, jobId, subject.timeoutMs, outcome.job, outcome.lastError, {
        ...defined({ wireStatus: outcome.wireStatus }),
        resume,
      });
      return new JobWaitError("timeout", message, {
        service,
        jobId,
        job: outcome.job,
        cause: outcome.lastError,
      });
    }
    case "aborted":
      return new JobWaitError("aborted", describeAborted(service, jobId, outcome.job, resume), {
        service,
        jobId,
        job: outcome.job,
      });
    case "error": {
      const e = outcome.error;
      if (e instanceof JobApiError && e.details.kind === "not-found") {
        if (outcome.job) {
          return new JobWaitError("disappeared", describeDisappeared(service, jobId, outcome.job, e), {
            service,
            jobId,
            job: outcome.job,
            cause: e,
          });
        }
        return new JobWaitError(
          "not-found",
          describeNotFound(e, outcome.notFoundForMs, subject.notFoundGraceMs),
          {
            service,
            jobId,
            cause: e,
          },
        );
      }
      // Anything else (an API error, a settings error, a bug) is already the best description there is; one
      // not built by this package (a TypeError, a library error) goes out as a safe copy (same name and text).
      return safeCause(e) ?? e;
    }
  }
}
