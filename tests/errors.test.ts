import assert from "node:assert/strict";
import {
  type ApiErrorKind,
  describeApiError,
  errorForOutcome,
  InvalidInputError,
  JobApiError,
  JobWaitError,
  JobWaiterError,
  PartialFailureError,
  SettingsError,
  type WaitSubject,
} from "../provider/errors";
import type { Job } from "../provider/job";

const subject: WaitSubject = { service: "rds", jobId: "j-1", timeoutMs: 90_000, notFoundGraceMs: 60_000 };
const running: Job = {
  id: "j-1",
  name: "CreateMysqlSingleHAInstance",
  status: "Running",
  created: "2026-01-01T00:00:00Z",
  progress: 45,
  instance: { id: "i-1", name: "orders" },
};
const apiError = (kind: ApiErrorKind, extra: Partial<ConstructorParameters<typeof JobApiError>[0]> = {}) =>
  new JobApiError({
    kind,
    service: "rds",
    jobId: "j-1",
    url: "https://rds.eu-de.otc.t-systems.com/v3/p/jobs",
    httpStatus: kind === "not-found" ? 400 : 503,
    errorCode: kind === "not-found" ? "DBS.200543" : undefined,
    requestId: "req-9",
    ...extra,
  });

describe("errors: one path from a wait's outcome to an error", () => {
  it("a completed job is no error; a failed one is a `failed` JobWaitError with the fail_reason", () => {
    assert.equal(
      errorForOutcome({ state: "completed", job: { ...running, status: "Completed" } }, subject),
      undefined,
    );
    const failed = { ...running, status: "Failed" as const, failReason: "createVM failed." };
    const e = errorForOutcome({ state: "failed", job: failed }, subject);
    assert.ok(e instanceof JobWaitError && e instanceof JobWaiterError);
    assert.equal(e.kind, "failed");
    assert.equal(e.job, failed);
    assert.match(e.message, /^rds job j-1 \(CreateMysqlSingleHAInstance\), instance orders \[i-1\] failed: /);
    assert.match(e.message, /fail_reason: "createVM failed\."/);
  });

  it("timeout: names the timeout, the last state and the last error, and how to resume", () => {
    const last = apiError("transient");
    const e = errorForOutcome({ state: "timeout", job: running, lastError: last }, subject);
    assert.ok(e instanceof JobWaitError);
    assert.equal(e.kind, "timeout");
    assert.equal(e.cause, last);
    assert.match(
      e.message,
      /did not finish within the timeout of 1m30s \(last seen Running 45%; last error: /,
    );
    assert.match(e.message, /run `pulumi up` again to resume waiting/);
    const script = errorForOutcome({ state: "timeout" }, subject, "retry");
    assert.match(
      script!.message,
      /\(never seen by the API\)\. The job keeps running in the cloud; wait again/,
    );
    assert.doesNotMatch(script!.message, /pulumi up/);
  });

  it("timeout on a status this version does not know names the wire's status, not Running", () => {
    const e = errorForOutcome(
      { state: "timeout", job: { ...running, progress: undefined }, wireStatus: "Pending" },
      subject,
    );
    assert.match(e!.message, /last seen in status "Pending" \(unknown to this version\)/);
    assert.doesNotMatch(e!.message, /last seen Running/);
  });

  it("aborted: the job keeps running, say so", () => {
    const e = errorForOutcome({ state: "aborted", job: running }, subject);
    assert.equal((e as JobWaitError).kind, "aborted");
    assert.match(
      e!.message,
      /the wait was interrupted \(last seen Running 45%\)\. The job keeps running; run `pulumi up`/,
    );
  });

  it("not found for the whole grace window: says how long and what the window is, with the API facts", () => {
    const nf = apiError("not-found");
    const e = errorForOutcome({ state: "error", error: nf, notFoundForMs: 61_000 }, subject);
    assert.ok(e instanceof JobWaitError);
    assert.equal(e.kind, "not-found");
    assert.equal(e.cause, nf);
    assert.match(
      e.message,
      /^rds job j-1: job still not found after 1m01s \(the grace window for new jobs is 1m00s\) \[/,
    );
    assert.match(e.message, /HTTP 400, error_code DBS\.200543, request id req-9/);
  });

  it("seen, then not found: `disappeared`, never the grace-window message (getJob used to say that)", () => {
    const e = errorForOutcome(
      { state: "error", error: apiError("not-found"), job: running, notFoundForMs: 1000 },
      subject,
    );
    assert.ok(e instanceof JobWaitError);
    assert.equal(e.kind, "disappeared");
    assert.equal(e.job, running);
    assert.match(e.message, /was found earlier in this wait and is no longer found \(expired or deleted\)/);
    assert.doesNotMatch(e.message, /grace window/);
  });

  it("any other error comes back as it was thrown", () => {
    const auth = apiError("auth", { httpStatus: 401, errorCode: "APIGW.0301" });
    assert.equal(errorForOutcome({ state: "error", error: auth }, subject), auth);
    const settings = new SettingsError("region", "region: no region given.");
    assert.equal(errorForOutcome({ state: "error", error: settings }, subject), settings);
  });

  it("every error is a JobWaiterError with its kind; API errors keep their details", () => {
    const api = apiError("throttled", { httpStatus: 429 });
    assert.ok(api instanceof JobWaiterError);
    assert.equal(api.kind, "api");
    assert.equal(api.details.kind, "throttled");
    assert.equal(api.transient, true);
    assert.equal(apiError("auth").transient, false);
    const s = new SettingsError("projectId", "projectId: missing");
    assert.equal(s.kind, "settings");
    assert.equal(s.property, "projectId");
    const bad = new InvalidInputError("getJob: invalid arguments", [
      { property: "jobId", reason: "is empty" },
      { property: "timeout", reason: "too long" },
    ]);
    assert.equal(bad.kind, "invalid-input");
    assert.equal(bad.message, "getJob: invalid arguments:\njobId: is empty\ntimeout: too long");
    assert.deepEqual([api.name, s.name, bad.name], ["JobApiError", "SettingsError", "InvalidInputError"]);
  });

  it("the API message is composed, a headline replaced only through its parameter", () => {
    const d = apiError("not-found").details;
    assert.match(describeApiError(d), /^rds job j-1: job not found \[HTTP 400, error_code DBS\.200543/);
    assert.match(describeApiError(d, "something else"), /^rds job j-1: something else \[HTTP 400/);
    assert.match(describeApiError(d), /Check that the job ID, project ID and region/);
  });

  it("a partial failure is an Error with what the engine reads: id, properties, reasons, message", () => {
    const reason = errorForOutcome({ state: "timeout", job: running }, subject) as JobWaitError;
    const p = new PartialFailureError("rds:j-1", { status: "Running", jobId: "j-1" }, reason);
    assert.ok(p instanceof Error);
    assert.equal(p.id, "rds:j-1");
    assert.deepEqual(p.properties, { status: "Running", jobId: "j-1" });
    assert.deepEqual(p.reasons, [reason.message]);
    assert.equal(p.message, reason.message);
    assert.equal(p.cause, reason);
  });
});
