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
/** Long enough for the heavy tail's 12 h jobs. */
export const BENCH_TIMEOUT_MS = 24 * 3600_000;

export async function simulate(
  t: Timeline,
  policy: PollingPolicy,
  timeoutMs = BENCH_TIMEOUT_MS,
): Promise<RunResult> {
  // Virtual time is measured from the job's creation; the waiter starts a little later.
  const clock = new FakeClock(t.waitStartsAtMs);
  let calls = 0;
  // What the server stamps as `created`, on its own clock.
  const created = new Date(EPOCH + t.createdSkewMs).toISOString();
  const poll = async (): Promise<ObservedJob> => {
    calls++;
    const now = clock.now();
    if (now < t.visibleAfterMs) {
      throw new JobApiError({
        kind: "not-found",
        service: t.service,
        jobId: "bench",
        url: "sim",
        httpStatus: 400,
        errorCode: "DBS.200543",
      });
    }
    if (now >= t.durationMs) {
      return {
        job: {
          id: "bench",
          name: t.name,
          status: "Completed",
          created,
          ended: new Date(EPOCH + t.createdSkewMs + t.durationMs).toISOString(),
        },
        wireStatus: "Completed",
      };
    }
    const progress = t.progressAt(now);
    return {
      job: {
        id: "bench",
        name: t.name,
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

/**
 * A fixed interval in the Terraform shape (first poll after one interval, then every interval), computed
 * in closed form rather than through the loop: the whole 3-120 s front costs nothing to evaluate. Every
 * family's jobs last longer than they stay invisible, so not-found answers change no count.
 */
export function fixedIntervalResult(t: Timeline, intervalMs: number): RunResult {
  const k = Math.max(1, Math.ceil((t.durationMs - t.waitStartsAtMs) / intervalMs));
  return { calls: k, latencyMs: t.waitStartsAtMs + k * intervalMs - t.durationMs, state: "completed" };
}
