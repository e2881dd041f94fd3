/**
 * The wait loop, and nothing else: poll, classify, decide, sleep. It knows no HTTP and no clock of its own;
 * when to poll next is the policy's business (./policy.ts). Every way out is an explicit outcome.
 */

import { type Clock, Deadline } from "./clock";
import { defined } from "./defined";
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
  /** Errors in a row up to and including this one (retried ones and not-found alike). */
  errorStreak?: number;
  /** For an error: whether the waiter will look again (false when this error ends the wait). */
  retrying?: boolean;
  /** A not-found for a job this wait has already seen (it may have disappeared). */
  missingAfterSeen?: boolean;
  /** This not-found ends the wait: the job has disappeared. */
  disappeared?: boolean;
}

/** What a policy may want besides the observations (custom policies use it; the default one does not). */
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
  | (OutcomeBase & {
      state: "error";
      error: Error;
      job?: Job;
      notFoundForMs?: number;
      /** The job was seen in this wait and then not found several times in a row: expired or deleted. */
      disappeared?: boolean;
    });

export interface WaitOptions {
  /**
   * One look at the job. `signal` aborts when the caller aborts or the wait's deadline passes; `deadline`
   * tells a request how much time it has left (`timeLeft()`), to cap its timeouts and sleeps.
   */
  poll: (signal: AbortSignal, deadline: Deadline) => Promise<ObservedJob>;
  timeoutMs: number;
  policy: PollingPolicy;
  clock: Clock;
  /** How long "job not found" right after the start is waited out (jobs take seconds to become visible). */
  notFoundGraceMs?: number;
  /**
   * A job seen earlier and then not found: looked at again (at least `DISAPPEAR_POLLS` times, at most half
   * this apart) for this long before the wait ends as "disappeared". Default: the grace, at most 10 s.
   */
  disappearAfterMs?: number;
  signal?: AbortSignal;
  onObservation?: (obs: PollObservation) => void;
  /** Wall-clock ms since the epoch, to know a job's age from its `created` (absent on virtual clocks). */
  wallClock?: () => number;
}

export const DEFAULT_NOT_FOUND_GRACE_MS = 60_000;
export const DEFAULT_DISAPPEAR_MS = 10_000;
/** Not-founds in a row, after the job was seen, before it counts as gone (one may be a replica lagging). */
export const DISAPPEAR_POLLS = 3;
/** What a custom policy's NaN, Infinity or negative delay becomes: never 0, which would poll in a hot loop. */
export const DELAY_FLOOR_MS = 1_000;

export async function waitForJob(opts: WaitOptions): Promise<WaitOutcome> {
  const deadline = new Deadline(opts.clock, opts.timeoutMs);
  try {
    return await loop(opts, deadline);
  } finally {
    deadline.dispose();
  }
}

async function loop(opts: WaitOptions, deadline: Deadline): Promise<WaitOutcome> {
  const { clock, signal } = opts;
  const grace = opts.notFoundGraceMs ?? DEFAULT_NOT_FOUND_GRACE_MS;
  const disappearMs = opts.disappearAfterMs ?? Math.min(DEFAULT_DISAPPEAR_MS, grace);
  const pollSignal = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
  const start = clock.now();
  const history: PollObservation[] = [];
  let job: Job | undefined;
  // The status as the wire said it: an unknown one is normalised to Running, but a timeout should name it.
  let wireStatus: string | undefined;
  let lastError: JobApiError | undefined;
  let errorStreak = 0;
  /** When the current run of not-founds for an already seen job began. */
  let missingSince: number | undefined;
  let missingCount = 0;
  const base = () => ({
    polls: history.length,
    elapsedMs: clock.now() - start,
    ...defined({ job, wireStatus }),
  });
  const timedOut = () => ({ state: "timeout" as const, ...base(), ...(lastError ? { lastError } : {}) });

  // The policy may ask for a delay before the very first poll (the peers' "wait 10 s first").
  const first = opts.policy.nextDelayMs([], { elapsedMs: 0, timeoutMs: opts.timeoutMs });
  if (Number.isFinite(first) && first > 0) {
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
      const observed = await opts.poll(pollSignal, deadline);
      job = observed.job;
      wireStatus = observed.wireStatus;
      lastError = undefined;
      errorStreak = 0;
      missingSince = undefined;
      missingCount = 0;
      obs = { elapsedMs: clock.now() - start, job: observed.job, wireStatus: observed.wireStatus };
      const created = Date.parse(observed.job.created);
      if (opts.wallClock && !Number.isNaN(created)) obs.ageMs = opts.wallClock() - created;
    } catch (err) {
      if (signal?.aborted) return { state: "aborted", ...base() };
      if (!(err instanceof JobApiError)) {
        // A look cut off by the deadline is the timeout, whatever the poll made of it.
        if (deadline.signal.aborted) return timedOut();
        return { state: "error", error: asError(err), ...base() };
      }
      errorStreak++;
      obs = { elapsedMs: clock.now() - start, error: err, errorStreak };
      const end = (extra: { notFoundForMs?: number; disappeared?: boolean } = {}): WaitOutcome => {
        obs.retrying = false;
        history.push(obs);
        opts.onObservation?.(obs);
        return { state: "error", error: err, ...extra, ...base() };
      };
      if (err.details.kind === "not-found") {
        if (job !== undefined) {
          // Seen once and gone now: expired or deleted, or one replica lagging. Look again a few times, briefly.
          const now = clock.now();
          missingSince ??= now;
          missingCount++;
          obs.missingAfterSeen = true;
          if (missingCount >= DISAPPEAR_POLLS && now - missingSince >= disappearMs) {
            obs.disappeared = true;
            return end({ disappeared: true });
          }
        } else if (obs.elapsedMs >= grace) {
          return end({ notFoundForMs: obs.elapsedMs });
        }
      } else if (!err.transient) {
        return end();
      }
      // A look cut off by the deadline says less than the error before it (a 429, a 503 page): keep that one.
      if (!(deadline.signal.aborted && lastError)) lastError = err;
    }
    const elapsed = clock.now() - start;
    const remaining = opts.timeoutMs - elapsed;
    if (obs.error) obs.retrying = remaining > 0 && !deadline.signal.aborted;
    history.push(obs);
    opts.onObservation?.(obs);

    if (obs.job && isTerminal(obs.job.status)) {
      return { state: obs.job.status === "Completed" ? "completed" : "failed", ...base(), job: obs.job };
    }
    if (remaining <= 0 || deadline.signal.aborted) return timedOut();
    let delay = opts.policy.nextDelayMs(history, { elapsedMs: elapsed, timeoutMs: opts.timeoutMs });
    if (!Number.isFinite(delay) || delay <= 0) delay = DELAY_FLOOR_MS;
    // A job gone missing is looked at again soon: the disappearance window stays bounded.
    if (missingSince !== undefined) delay = Math.min(delay, Math.max(1, disappearMs / (DISAPPEAR_POLLS - 1)));
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
