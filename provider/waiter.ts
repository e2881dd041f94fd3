/**
 * The wait loop, and nothing else: poll, classify, decide, sleep. It knows no HTTP and no clock of its own;
 * when to poll next is the policy's business (./policy.ts). Every way out is an explicit outcome.
 */
import type { Clock } from "./clock";
import { JobApiError } from "./errors";
import { isTerminal, type Job, type ObservedJob } from "./job";

export interface PollObservation {
  /** ms since the wait started. */
  elapsedMs: number;
  job?: Job;
  wireStatus?: string;
  /** How old the job was at this observation (wall clock minus `created`), when known. */
  ageMs?: number;
  error?: JobApiError;
}

export interface PolicyContext {
  elapsedMs: number;
  timeoutMs: number;
}

/**
 * When to poll next, from what has been seen so far. Pure: same observations, same answer. Asked with an
 * empty history before the first poll.
 */
export interface PollingPolicy {
  readonly name: string;
  nextDelayMs(history: readonly PollObservation[], ctx: PolicyContext): number;
}

interface OutcomeBase {
  polls: number;
  elapsedMs: number;
}
export type WaitOutcome =
  | (OutcomeBase & { state: "completed"; job: Job })
  | (OutcomeBase & { state: "failed"; job: Job })
  | (OutcomeBase & { state: "timeout"; job?: Job; wireStatus?: string; lastError?: JobApiError })
  | (OutcomeBase & { state: "aborted"; job?: Job; wireStatus?: string })
  | (OutcomeBase & { state: "error"; error: Error; job?: Job; notFoundForMs?: number });

export interface WaitOptions {
  poll: (signal?: AbortSignal) => Promise<ObservedJob>;
  timeoutMs: number;
  policy: PollingPolicy;
  clock: Clock;
  /** How long "job not found" right after the start is waited out (jobs take seconds to become visible). */
  notFoundGraceMs?: number;
  signal?: AbortSignal;
  onObservation?: (obs: PollObservation) => void;
  /** Wall-clock ms since the epoch, to know a job's age from its `created` (absent on virtual clocks). */
  wallClock?: () => number;
}

export const DEFAULT_NOT_FOUND_GRACE_MS = 60_000;

export async function waitForJob(opts: WaitOptions): Promise<WaitOutcome> {
  const { clock, signal } = opts;
  const grace = opts.notFoundGraceMs ?? DEFAULT_NOT_FOUND_GRACE_MS;
  const start = clock.now();
  const history: PollObservation[] = [];
  let job: Job | undefined;
  // The status as the wire said it: an unknown one is normalised to Running, but a timeout should name it.
  let wireStatus: string | undefined;
  let lastError: JobApiError | undefined;
  const base = () => ({
    polls: history.length,
    elapsedMs: clock.now() - start,
    ...(job ? { job } : {}),
    ...(wireStatus !== undefined ? { wireStatus } : {}),
  });

  // The policy may ask for a delay before the very first poll (the peers' "wait 10 s first").
  const first = opts.policy.nextDelayMs([], { elapsedMs: 0, timeoutMs: opts.timeoutMs });
  if (first > 0) {
    try {
      await clock.sleep(Math.min(first, opts.timeoutMs), signal);
    } catch {
      if (signal?.aborted) return { state: "aborted", ...base() };
      throw new Error("clock.sleep failed without an abort");
    }
  }
  for (;;) {
    if (signal?.aborted) return { state: "aborted", ...base() };
    let obs: PollObservation;
    try {
      const observed = await opts.poll(signal);
      job = observed.job;
      wireStatus = observed.wireStatus;
      lastError = undefined;
      obs = { elapsedMs: clock.now() - start, job: observed.job, wireStatus: observed.wireStatus };
      const created = Date.parse(observed.job.created);
      if (opts.wallClock && !Number.isNaN(created)) obs.ageMs = opts.wallClock() - created;
    } catch (err) {
      if (signal?.aborted) return { state: "aborted", ...base() };
      if (!(err instanceof JobApiError)) return { state: "error", error: asError(err), ...base() };
      obs = { elapsedMs: clock.now() - start, error: err };
      if (err.details.kind === "not-found") {
        // Visible once and gone later means expired or deleted, not "not yet": no grace for that.
        if (job !== undefined || obs.elapsedMs >= grace) {
          history.push(obs);
          opts.onObservation?.(obs);
          return { state: "error", error: err, notFoundForMs: obs.elapsedMs, ...base() };
        }
      } else if (!err.transient) {
        history.push(obs);
        opts.onObservation?.(obs);
        return { state: "error", error: err, ...base() };
      }
      lastError = err;
    }
    history.push(obs);
    opts.onObservation?.(obs);

    if (obs.job && isTerminal(obs.job.status)) {
      return { state: obs.job.status === "Completed" ? "completed" : "failed", ...base(), job: obs.job };
    }
    const elapsed = clock.now() - start;
    const remaining = opts.timeoutMs - elapsed;
    if (remaining <= 0) return { state: "timeout", ...base(), ...(lastError ? { lastError } : {}) };
    let delay = opts.policy.nextDelayMs(history, { elapsedMs: elapsed, timeoutMs: opts.timeoutMs });
    if (!Number.isFinite(delay) || delay < 0) delay = 0;
    // The last poll lands on the deadline, so a job that ends just before it is still seen.
    try {
      await clock.sleep(Math.min(delay, remaining), signal);
    } catch {
      if (signal?.aborted) return { state: "aborted", ...base() };
      throw new Error("clock.sleep failed without an abort");
    }
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
