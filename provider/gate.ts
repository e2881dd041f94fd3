/**
 * One gate per endpoint + project in a provider process: every request to it passes a shared token bucket
 * (well under the API gateway's limits), a 429 slows every waiter on that endpoint rather than only the one
 * that got it (for no longer than 60 s, and no longer than the wait that saw it has left), and concurrent
 * polls of the same job by the same identity share one request.
 */
import { MAX_RETRY_AFTER_MS } from "./http";

export interface GateOptions {
  /** Sustained requests per second through this gate. */
  ratePerSecond: number;
  /** Requests allowed in a burst. */
  burst: number;
  now?: () => number;
  /** Schedules the next look at the queue; tests pass a fake to drive the gate with their clock. */
  setTimer?: (fn: () => void, ms: number) => void;
}

/**
 * 20 req/s sustained, bursts of 30: no limit is published for the jobs call, so this stays well under what a
 * gateway commonly allows, while the burst lets the first polls of a typical stack (tens of waiters created
 * at once by `pulumi up`) go out without queueing (measured: burst 20 cost 0.2x engine overhead at 50 waiters).
 */
export const DEFAULT_GATE: GateOptions = { ratePerSecond: 20, burst: 30 };

export class EndpointGate {
  private tokens: number;
  private last: number;
  private pausedUntil = 0;
  private penaltyMs = 0;
  private queue: Array<() => void> = [];
  private scheduled = false;
  private readonly inflight = new Map<string, SharedEntry>();
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => void;
  /** Counters, for benchmarks and tests. */
  readonly stats = { requests: 0, throttled: 0, shared: 0 };

  constructor(readonly options: GateOptions) {
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.tokens = options.burst;
    this.last = this.now();
  }

  /** Resolves when this request may go. FIFO, so no waiter starves. */
  acquire(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const go = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        this.queue = this.queue.filter((f) => f !== go);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.queue.push(go);
      this.drain();
    });
  }

  /**
   * Every response passes here: a 429 pauses the whole endpoint, a success relaxes the penalty. `maxPauseMs`
   * is the time the observing wait has left: a pause never outlives the wait whose 429 caused it, so one
   * `Retry-After: 3600` cannot hold every other waiter for an hour.
   */
  observe(status: number, retryAfter: string | null, maxPauseMs = Number.POSITIVE_INFINITY): void {
    this.stats.requests++;
    if (status === 429) {
      this.stats.throttled++;
      const hinted = retryAfter && /^\d+(\.\d+)?$/.test(retryAfter) ? Number(retryAfter) * 1000 : undefined;
      const t = this.now();
      // Answers to requests sent before the pause began say nothing new: escalate once per pause.
      if (t >= this.pausedUntil) this.penaltyMs = Math.min(30_000, Math.max(1_000, this.penaltyMs * 2));
      const cap = Math.max(0, Math.min(MAX_RETRY_AFTER_MS, Number.isNaN(maxPauseMs) ? 0 : maxPauseMs));
      this.pausedUntil = Math.max(this.pausedUntil, t + Math.min(hinted ?? this.penaltyMs, cap));
      // The bucket was too generous for the gateway: start again from empty, and refill only once the pause
      // is over, so the end of a pause releases a trickle at the sustained rate instead of a full burst.
      this.tokens = 0;
      this.last = Math.max(this.last, this.pausedUntil);
    } else if (status < 400) {
      this.penaltyMs = Math.max(0, this.penaltyMs / 2 - 1);
    }
  }

  /** When the endpoint accepts requests again (clock ms); in the past when it is not paused. */
  get pausedUntilMs(): number {
    return this.pausedUntil;
  }

  /**
   * Concurrent calls with the same key share one in-flight run. Each caller stops waiting on its own signal;
   * the run is aborted only when every caller has gone, and its budget is the longest any caller has left.
   * The key must name everything the answer depends on, credential identity included.
   */
  shared<T>(
    key: string,
    run: (budget: { signal: AbortSignal; timeLeft: () => number }) => Promise<T>,
    caller: { signal?: AbortSignal; timeLeft?: () => number } = {},
  ): Promise<T> {
    if (caller.signal?.aborted) return Promise.reject(caller.signal.reason);
    let entry = this.inflight.get(key) as SharedEntry<T> | undefined;
    if (entry) {
      this.stats.shared++;
    } else {
      const controller = new AbortController();
      const members = new Set<Member>();
      const created: SharedEntry<T> = { controller, members, promise: Promise.resolve(undefined as T) };
      const timeLeft = () => {
        let most = 0;
        for (const m of members) most = Math.max(most, m.timeLeft ? m.timeLeft() : Number.POSITIVE_INFINITY);
        return most;
      };
      created.promise = run({ signal: controller.signal, timeLeft }).finally(() => {
        if (this.inflight.get(key) === created) this.inflight.delete(key);
      });
      this.inflight.set(key, created);
      entry = created;
    }
    const e = entry;
    const member: Member = caller.timeLeft ? { timeLeft: caller.timeLeft } : {};
    e.members.add(member);
    return new Promise<T>((resolve, reject) => {
      const signal = caller.signal;
      const leave = () => {
        e.members.delete(member);
        signal?.removeEventListener("abort", onAbort);
      };
      const onAbort = () => {
        leave();
        if (e.members.size === 0) {
          // Nobody waits for this answer any more: stop it, and let the next caller start afresh.
          if (this.inflight.get(key) === e) this.inflight.delete(key);
          e.controller.abort(signal?.reason);
        }
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      e.promise.then(
        (v) => {
          leave();
          resolve(v);
        },
        (err: unknown) => {
          leave();
          reject(err);
        },
      );
    });
  }

  private drain(): void {
    if (this.scheduled) return;
    const t = this.now();
    if (t > this.last) {
      this.tokens = Math.min(
        this.options.burst,
        this.tokens + ((t - this.last) / 1000) * this.options.ratePerSecond,
      );
      this.last = t;
    }
    while (this.queue.length > 0 && t >= this.pausedUntil && this.tokens >= 1) {
      this.tokens -= 1;
      this.queue.shift()!();
    }
    if (this.queue.length === 0) return;
    const untilToken = ((1 - this.tokens) / this.options.ratePerSecond) * 1000;
    const wait = Math.max(this.pausedUntil - t, untilToken, 1);
    this.scheduled = true;
    this.setTimer(() => {
      this.scheduled = false;
      this.drain();
    }, wait);
  }
}

interface Member {
  timeLeft?: () => number;
}

interface SharedEntry<T = unknown> {
  promise: Promise<T>;
  controller: AbortController;
  members: Set<Member>;
}

const GATES = new Map<string, EndpointGate>();

/** The process-wide gate for an endpoint + project. Options apply when the gate is first made. */
export function gateFor(
  baseUrl: string,
  projectId: string,
  options: GateOptions = gateOptionsFromEnv(),
): EndpointGate {
  const key = `${baseUrl}|${projectId}`;
  let g = GATES.get(key);
  if (!g) {
    g = new EndpointGate(options);
    GATES.set(key, g);
  }
  return g;
}

/** `PULUMI_JOB_WAITER_RATE_LIMIT=10` (requests per second per endpoint + project), burst the same. */
export function gateOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): GateOptions {
  const rate = Number(env.PULUMI_JOB_WAITER_RATE_LIMIT);
  if (Number.isFinite(rate) && rate > 0) return { ratePerSecond: rate, burst: Math.max(1, Math.ceil(rate)) };
  return DEFAULT_GATE;
}

export function resetGates(): void {
  GATES.clear();
}
