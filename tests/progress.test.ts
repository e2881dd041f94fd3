import assert from "node:assert/strict";
import type { Job } from "../provider/job";
import { createProgressReporter, lineOutput, type ProgressOutput } from "../provider/progress";
import type { WaitOutcome } from "../provider/waiter";

const running: Job = {
  id: "j1",
  name: "CreateMongoDB",
  status: "Running",
  created: "2024-01-01T00:00:00Z",
  progress: 40,
};
const ended = (status: "Completed" | "Failed", extra: Partial<Job> = {}): Job => ({
  ...running,
  status,
  ended: "2024-01-01T00:04:10Z",
  progress: undefined,
  ...extra,
});

/** Records which kind of line each text was. */
function recorder(): { out: ProgressOutput; got: Array<["status" | "final", string]> } {
  const got: Array<["status" | "final", string]> = [];
  return {
    got,
    out: { status: (t) => got.push(["status", t]), final: (t) => got.push(["final", t]) },
  };
}

describe("progress reporter: statuses and the outcome line", () => {
  const finish = (outcome: WaitOutcome) => {
    const { out, got } = recorder();
    createProgressReporter({ service: "dds", jobId: "j1", output: out }).finish(outcome);
    assert.equal(got.length, 1);
    assert.equal(got[0]![0], "final");
    return got[0]![1];
  };

  it("statuses go out as statuses, throttled as before", () => {
    const { out, got } = recorder();
    const report = createProgressReporter({ service: "dds", jobId: "j1", output: out });
    report({ elapsedMs: 0, job: running, wireStatus: "Running" });
    report({ elapsedMs: 1_000, job: running, wireStatus: "Running" }); // same, too soon
    assert.deepEqual(got, [["status", "dds job j1 CreateMongoDB: Running 40% (0s elapsed)"]]);
  });

  it("completed and failed say how long the job took (when it says) and how long we waited", () => {
    assert.equal(
      finish({ state: "completed", job: ended("Completed"), polls: 7, elapsedMs: 62_000 }),
      "dds job j1 CreateMongoDB: Completed after 4m10s (waited 1m02s, 7 polls)",
    );
    assert.equal(
      finish({ state: "completed", job: ended("Completed", { ended: undefined }), polls: 1, elapsedMs: 0 }),
      "dds job j1 CreateMongoDB: Completed (waited 0s, 1 poll)",
    );
    assert.equal(
      finish({
        state: "failed",
        job: ended("Failed", { failReason: "disk full" }),
        polls: 3,
        elapsedMs: 5_000,
      }),
      "dds job j1 CreateMongoDB: Failed after 4m10s: disk full (waited 5s, 3 polls)",
    );
  });

  it("timeout, interruption and errors say the last status seen", () => {
    assert.equal(
      finish({ state: "timeout", job: running, polls: 4, elapsedMs: 30_000 }),
      "dds job j1 CreateMongoDB: timed out, last seen Running 40%; the job keeps running (waited 30s, 4 polls)",
    );
    assert.equal(
      finish({ state: "aborted", polls: 0, elapsedMs: 0 }),
      "dds job j1: wait interrupted; the job keeps running (waited 0s, 0 polls)",
    );
    const error = new Error("socket hang up");
    assert.equal(
      finish({ state: "error", error, job: running, polls: 2, elapsedMs: 3_000 }),
      "dds job j1 CreateMongoDB: wait stopped by an error, last seen Running 40% (waited 3s, 2 polls)",
    );
  });
});

describe("line output (the stdout fallback)", () => {
  it("prefixes [job-waiter] and the label, for statuses and the outcome alike", () => {
    const lines: string[] = [];
    const out = lineOutput((l) => lines.push(l), "orders-db");
    out.status("a");
    out.final("b");
    lineOutput((l) => lines.push(l)).status("c");
    assert.deepEqual(lines, ["[job-waiter] orders-db: a", "[job-waiter] orders-db: b", "[job-waiter] c"]);
  });

  it("a write that throws does not fail the wait", () => {
    const out = lineOutput(() => {
      throw new Error("EPIPE");
    }, "db");
    assert.doesNotThrow(() => {
      out.status("a");
      out.final("b");
    });
  });

  it("labels a reporter's lines when given a label and no output", () => {
    const lines: string[] = [];
    const report = createProgressReporter({
      service: "rds",
      jobId: "j9",
      label: "db",
      write: (l) => lines.push(l),
    });
    report({ elapsedMs: 0, job: running, wireStatus: "Running" });
    report.finish({ state: "completed", job: ended("Completed"), polls: 1, elapsedMs: 1_000 });
    assert.deepEqual(lines, [
      "[job-waiter] db: rds job j9 CreateMongoDB: Running 40% (0s elapsed)",
      "[job-waiter] db: rds job j9 CreateMongoDB: Completed after 4m10s (waited 1s, 1 poll)",
    ]);
  });
});
