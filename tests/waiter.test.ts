import assert from "node:assert/strict";
import { FakeClock } from "../provider/clock";
import { type ApiErrorKind, JobApiError } from "../provider/errors";
import type { Job, ObservedJob } from "../provider/job";
import { fixedIntervalPolicy, progressAwarePolicy } from "../provider/policy";
import { createProgressReporter } from "../provider/progress";
import { type PollObservation, waitForJob } from "../provider/waiter";

const apiError = (kind: ApiErrorKind, httpStatus = 400) =>
  new JobApiError({ kind, service: "rds", jobId: "j1", url: "http://127.0.0.1/v3/p/jobs", httpStatus });

function job(status: Job["status"], progress?: number): ObservedJob {
  return {
    job: {
      id: "j1",
      name: "CreateMysqlSingleHAInstance",
      status,
      created: "2024-01-01T00:00:00Z",
      ...(progress !== undefined ? { progress } : {}),
    },
    wireStatus: status,
  };
}

/** A scripted API: a function of virtual time. */
function scripted(clock: FakeClock, at: (t: number) => ObservedJob | JobApiError) {
  const calls: number[] = [];
  return {
    calls,
    poll: async () => {
      calls.push(clock.now());
      const r = at(clock.now());
      if (r instanceof JobApiError) throw r;
      return r;
    },
  };
}

type WaitOptions = Parameters<typeof waitForJob>[0];

/** The real loop against a scripted API on a fake clock; by default a 10 min timeout and a poll every 5 s. */
async function runScripted(
  at: (t: number) => ObservedJob | JobApiError,
  opts: Partial<Omit<WaitOptions, "poll" | "clock">> = {},
) {
  const clock = new FakeClock();
  const api = scripted(clock, at);
  const out = await waitForJob({
    timeoutMs: 600_000,
    policy: fixedIntervalPolicy(5_000),
    ...opts,
    poll: api.poll,
    clock,
  });
  return { out, api, clock };
}

describe("waiter loop (fake clock)", () => {
  it("completes when the job completes, and not before", async () => {
    const { out, api, clock } = await runScripted((t) =>
      t < 60_000 ? job("Running", Math.floor(t / 600)) : job("Completed"),
    );
    assert.equal(out.state, "completed");
    assert.ok(clock.now() >= 60_000 && clock.now() < 65_000);
    assert.equal(out.polls, api.calls.length);
  });

  it("reports a failed job as failed with its reason", async () => {
    const { out } = await runScripted((t) =>
      t < 10_000
        ? job("Running")
        : { job: { ...job("Failed").job, failReason: "createVM failed." }, wireStatus: "Failed" },
    );
    assert.equal(out.state, "failed");
    assert.equal(out.state === "failed" && out.job.failReason, "createVM failed.");
  });

  it("waits out not-found within the grace window, then sees the job", async () => {
    const { out } = await runScripted(
      (t) => (t < 20_000 ? apiError("not-found") : t < 30_000 ? job("Running") : job("Completed")),
      { notFoundGraceMs: 60_000, policy: fixedIntervalPolicy(2_000) },
    );
    assert.equal(out.state, "completed");
  });

  it("gives up on not-found after the grace window with an error outcome", async () => {
    const { out, clock } = await runScripted(() => apiError("not-found"), { notFoundGraceMs: 60_000 });
    assert.equal(out.state, "error");
    assert.ok(out.state === "error" && (out.notFoundForMs ?? 0) >= 60_000);
    assert.ok(clock.now() < 70_000);
  });

  it("a job seen and then not found: a few looks over a bounded time, then 'disappeared'", async () => {
    const { out, clock, api } = await runScripted((t) =>
      t < 10_000 ? job("Running") : apiError("not-found"),
    );
    assert.equal(out.state, "error");
    assert.ok(out.state === "error" && out.disappeared === true);
    assert.equal(out.job?.status, "Running");
    // First not-found at 10 s; looked at again every 5 s (half the 10 s window); gone after 3 looks over 10 s.
    assert.equal(clock.now(), 20_000);
    assert.deepEqual(api.calls.slice(-3), [10_000, 15_000, 20_000]);
  });

  it("one not-found after the job was seen is tolerated", async () => {
    const { out } = await runScripted((t) =>
      t < 10_000 ? job("Running") : t < 15_000 ? apiError("not-found") : job("Completed"),
    );
    assert.equal(out.state, "completed");
  });

  it("a policy's NaN, Infinity, negative or zero delay becomes the 1 s floor, never a hot loop", async () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, -5, 0]) {
      const { api } = await runScripted(() => job("Running"), {
        timeoutMs: 10_000,
        policy: { name: "broken", nextDelayMs: (h) => (h.length === 0 ? 0 : bad) },
      });
      assert.deepEqual(api.calls.slice(0, 3), [0, 1_000, 2_000], `delay ${bad}`);
      assert.equal(api.calls.length, 11);
    }
  });

  it("a poll still in flight at the deadline is cut off by the deadline signal (fake clock)", async () => {
    const clock = new FakeClock();
    let seen: { aborted: () => boolean; left: number } | undefined;
    const done = waitForJob({
      timeoutMs: 20_000,
      policy: fixedIntervalPolicy(5_000),
      clock,
      poll: (signal, deadline) => {
        seen = { aborted: () => signal.aborted, left: deadline.timeLeft() };
        return new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
      },
    });
    await Promise.resolve();
    // The request's budget: the timeout plus the last-look grace (a tenth of it, at most 2 s).
    assert.equal(seen?.left, 22_000);
    clock.advance(21_999);
    await Promise.resolve();
    assert.equal(seen?.aborted(), false);
    clock.advance(1);
    const out = await done;
    assert.equal(seen?.aborted(), true);
    assert.equal(out.state, "timeout");
  });

  it("a look cut off by the deadline keeps the error before it as the timeout's last error", async () => {
    const clock = new FakeClock();
    let n = 0;
    const out = await waitForJob({
      timeoutMs: 10_000,
      policy: fixedIntervalPolicy(10_000),
      clock,
      poll: (signal) => {
        if (n++ === 0) return Promise.reject(apiError("throttled", 429));
        const cut = new JobApiError({
          kind: "transient",
          service: "rds",
          jobId: "j1",
          url: "http://127.0.0.1/v3/p/jobs",
          fault: "no complete answer before the wait's deadline",
        });
        return new Promise((_, reject) => {
          signal.addEventListener("abort", () => reject(cut));
          clock.advance(2_000);
        });
      },
    });
    assert.equal(out.state, "timeout");
    assert.equal(out.state === "timeout" && out.lastError?.details.httpStatus, 429);
  });

  it("survives a long transient outage: only the timeout ends it", async () => {
    const { out } = await runScripted(
      (t) => (t < 1_000 ? job("Running") : t < 1_800_000 ? apiError("transient", 503) : job("Completed")),
      { timeoutMs: 3_600_000, policy: progressAwarePolicy() },
    );
    assert.equal(out.state, "completed");
  });

  it("stops at once on a non-transient error", async () => {
    const { out, api } = await runScripted(() => apiError("auth", 401));
    assert.equal(out.state, "error");
    assert.equal(api.calls.length, 1);
  });

  it("times out with the last known job, the last poll landing on the deadline", async () => {
    const { out, api } = await runScripted(() => job("Running", 50), {
      timeoutMs: 100_000,
      policy: fixedIntervalPolicy(30_000),
    });
    assert.equal(out.state, "timeout");
    assert.equal(out.job?.progress, 50);
    assert.equal(api.calls.at(-1), 100_000);
  });

  it("ends as aborted when the signal fires", async () => {
    const ac = new AbortController();
    const at = (t: number) => {
      if (t >= 20_000) ac.abort();
      return job("Running");
    };
    const { out } = await runScripted(at, { policy: fixedIntervalPolicy(10_000), signal: ac.signal });
    assert.equal(out.state, "aborted");
  });

  it("keeps waiting through an unknown status", async () => {
    const { out } = await runScripted((t) =>
      t < 30_000 ? { job: job("Running").job, wireStatus: "Rollbacking" } : job("Completed"),
    );
    assert.equal(out.state, "completed");
  });
});

describe("progress messages", () => {
  it("names service, job, name, status, progress and elapsed; throttled to every 10 s unless changed", () => {
    const lines: string[] = [];
    const report = createProgressReporter({ service: "rds", jobId: "j1", write: (l) => lines.push(l) });
    const o = (t: number, p?: number): PollObservation => ({
      elapsedMs: t,
      job: job("Running", p).job,
      wireStatus: "Running",
    });
    report(o(0, 10));
    report(o(2_000, 10)); // same, too soon
    report(o(4_000, 20)); // changed
    report(o(6_000, 20)); // same, too soon
    report(o(15_000, 20)); // same, 11 s later
    assert.equal(lines.length, 3);
    assert.equal(lines[0], "[job-waiter] rds job j1 CreateMysqlSingleHAInstance: Running 10% (0s elapsed)");
    assert.match(lines[2]!, /Running 20% \(15s elapsed\)/);
  });
  it("says 'retrying' only for what is retried, and counts failures in a row from the third", async () => {
    const lines: string[] = [];
    const report = createProgressReporter({
      service: "rds",
      jobId: "j1",
      write: (l) => lines.push(l),
      minIntervalMs: 0,
    });
    let n = 0;
    const clock = new FakeClock();
    await waitForJob({
      timeoutMs: 600_000,
      policy: fixedIntervalPolicy(1_000),
      clock,
      onObservation: report,
      poll: async () => {
        n++;
        throw n <= 3 ? apiError("transient", 503) : apiError("auth", 403);
      },
    });
    assert.equal(lines.length, 4, lines.join("\n"));
    assert.match(lines[0]!, /HTTP 503, retrying \(0s elapsed\)$/);
    assert.match(lines[2]!, /HTTP 503, retrying \(3 failed looks in a row\)/);
    assert.match(lines[3]!, /HTTP 403, giving up/);
    assert.doesNotMatch(lines[3]!, /retrying/);
  });

  it("says when a status is unknown and that it keeps waiting", () => {
    const lines: string[] = [];
    const report = createProgressReporter({ service: "dds", jobId: "j1", write: (l) => lines.push(l) });
    report({ elapsedMs: 0, job: job("Running").job, wireStatus: "Rollbacking" });
    assert.match(lines[0]!, /Rollbacking.*unknown status.*still waiting/);
  });
});
