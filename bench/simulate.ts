/**
 * Runs one timeline through the real waiter loop and policy on a virtual clock: the "API" is the timeline
 * itself, so no network and no real time.
 */
import { FakeClock } from "../provider/clock";
import { JobApiError } from "../provider/errors";
import type { ObservedJob } from "../provider/job";
import { type PollingPolicy, waitForJob } from "../provider/waiter";
import type { Timeline } from "./workloads";

export interface RunResult {
  calls: number;
  /** ms between the job ending and the waiter seeing it. */
  latencyMs: number;
  state: string;
}

const EPOCH = Date.parse("2026-01-01T00:00:00Z");

export async function simulate(
  t: Timeline,
  policy: PollingPolicy,
  timeoutMs = 4 * 3600_000,
): Promise<RunResult> {
  // Virtual time is measured from the job's creation; the waiter starts a little later.
  const clock = new FakeClock(t.waitStartsAtMs);
  let calls = 0;
  const poll = async (): Promise<ObservedJob> => {
    calls++;
    const now = clock.now();
    if (now < t.visibleAfterMs) {
      throw new JobApiError({
        kind: "not-found",
        service: "rds",
        jobId: "bench",
        url: "sim",
        httpStatus: 400,
        errorCode: "DBS.200543",
      });
    }
    const created = new Date(EPOCH).toISOString();
    if (now >= t.durationMs) {
      return {
        job: {
          id: "bench",
          name: "Bench",
          status: "Completed",
          created,
          ended: new Date(EPOCH + t.durationMs).toISOString(),
        },
        wireStatus: "Completed",
      };
    }
    const progress = t.progressAt(now);
    return {
      job: {
        id: "bench",
        name: "Bench",
        status: "Running",
        created,
        ...(progress !== undefined ? { progress } : {}),
      },
      wireStatus: "Running",
    };
  };
  const out = await waitForJob({
    poll,
    policy,
    clock,
    timeoutMs,
    notFoundGraceMs: 60_000,
    wallClock: () => EPOCH + clock.now(),
  });
  return { calls, latencyMs: clock.now() - t.durationMs, state: out.state };
}
