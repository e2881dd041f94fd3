/**
 * When to poll next. The default policy reads the progress the API reports and estimates when the job will
 * end: sparse polls while the end is far, dense ones near it, never longer than the cap between two polls.
 * Without progress it polls at a steady interval like the peers (there is nothing better to know). All of it
 * is a pure function of the observations, so it can be tested and benchmarked on a virtual clock.
 */
import type { PolicyContext, PollingPolicy, PollObservation } from "./waiter";

export interface PolicyOptions {
  /** Floor between polls. */
  minDelayMs: number;
  /** Cap between polls, whatever the estimate says. */
  maxDelayMs: number;
  /** Interval when the job reports no progress. */
  noProgressDelayMs: number;
  /** Interval while the job is not yet visible (DBS.200543 right after creation). */
  notFoundDelayMs: number;
  /** Poll after this fraction of the estimated remaining time. */
  fraction: number;
  /** From this reported progress on, the job is in its end zone (services jump from the 80s/90s to done). */
  endZoneProgress: number;
  /** The end zone also starts when the estimated remaining time is this share of the estimated total. */
  endZoneShare: number;
  /** In the end zone, poll every this fraction of the estimated total duration... */
  endZoneFraction: number;
  /** ...but at least this often. */
  endZoneMaxDelayMs: number;
}

export const DEFAULT_POLICY_OPTIONS: PolicyOptions = {
  minDelayMs: 3_000,
  maxDelayMs: 60_000,
  noProgressDelayMs: 10_000,
  notFoundDelayMs: 2_000,
  fraction: 0.5,
  endZoneProgress: 80,
  endZoneShare: 0.1,
  endZoneFraction: 0.012,
  endZoneMaxDelayMs: 15_000,
};

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Consecutive errors at the end of the history. */
function trailingErrors(history: readonly PollObservation[]): number {
  let n = 0;
  for (let i = history.length - 1; i >= 0 && history[i]!.error; i--) n++;
  return n;
}

/**
 * Remaining time estimated from progress samples: the rate between the earliest and latest distinct
 * samples, falling back to the progress made over the job's age when the wait has seen only one value.
 */
export function estimateRemainingMs(history: readonly PollObservation[]): number | undefined {
  const samples: Array<{ t: number; p: number; ageMs?: number }> = [];
  for (const o of history) {
    if (o.job?.progress !== undefined)
      samples.push({
        t: o.elapsedMs,
        p: o.job.progress,
        ...(o.ageMs !== undefined ? { ageMs: o.ageMs } : {}),
      });
  }
  const last = samples.at(-1);
  if (!last) return undefined;
  const now = history.at(-1)?.elapsedMs ?? last.t;
  // The latest value was reached when it was first seen; time spent on it since then (a plateau) counts.
  const firstAtLast = samples.find((s) => s.p === last.p) ?? last;
  const first = samples.find((s) => s.p < last.p);
  if (first) {
    const rate = (last.p - first.p) / Math.max(1, firstAtLast.t - first.t);
    return (100 - last.p) / rate - (now - firstAtLast.t);
  }
  if (last.ageMs !== undefined && last.ageMs > 0 && last.p > 0) {
    // One value seen so far: the progress made over the job's whole age.
    return (100 - last.p) / (last.p / last.ageMs) - (now - last.t);
  }
  return undefined;
}

export function progressAwarePolicy(options: Partial<PolicyOptions> = {}): PollingPolicy {
  const o = { ...DEFAULT_POLICY_OPTIONS, ...options };
  // A cap set below the default floor lowers the floor with it (an explicit floor above the cap is refused
  // at `check`).
  const max = o.maxDelayMs;
  const min = Math.min(o.minDelayMs, max);
  return {
    name: "progress-aware",
    nextDelayMs(history: readonly PollObservation[], _ctx: PolicyContext): number {
      const last = history.at(-1);
      if (!last) return 0;
      if (last.error) {
        const base = last.error.details.kind === "not-found" ? o.notFoundDelayMs : o.noProgressDelayMs / 2;
        return clamp(base * 1.5 ** (trailingErrors(history) - 1), min, max);
      }
      const remaining = estimateRemainingMs(history);
      if (remaining === undefined) return clamp(o.noProgressDelayMs, min, max);
      const progress = [...history].reverse().find((h) => h.job?.progress !== undefined)?.job?.progress ?? 0;
      const elapsed = last.ageMs ?? last.elapsedMs;
      const total = elapsed + Math.max(0, remaining);
      // Near the end (by progress or by estimate) the job can finish any moment: poll densely, in
      // proportion to how long the job is (a 3-hour job's end is less precise than a 3-minute one's).
      const endZone = o.endZoneShare * total;
      if (progress >= o.endZoneProgress || remaining <= endZone) {
        return clamp(o.endZoneFraction * total, min, Math.min(max, o.endZoneMaxDelayMs));
      }
      return clamp(o.fraction * (remaining - endZone), min, max);
    },
  };
}

/** A fixed interval, after an optional first delay (the Terraform providers' shape). */
export function fixedIntervalPolicy(intervalMs: number, firstDelayMs = 0, name = "fixed"): PollingPolicy {
  return {
    name,
    nextDelayMs: (history) => (history.length === 0 ? firstDelayMs : intervalMs),
  };
}
