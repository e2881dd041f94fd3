/** Time as the waiter sees it: real in production, fake in tests and benchmarks. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it is aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Runs `fn` once `ms` have passed on this clock; returns a cancel function. Deadlines use it, so a fake
   * clock's deadline fires in virtual time. Clocks without it get a real timer.
   */
  setTimer?(fn: () => void, ms: number): () => void;
}

function realTimer(fn: () => void, ms: number): () => void {
  const t = setTimeout(fn, Math.max(0, ms));
  // A deadline alone must not keep a process alive.
  t.unref?.();
  return () => clearTimeout(t);
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
  setTimer: realTimer,
};

/** The reason a wait's deadline signal carries: callers tell "out of time" from "cancelled" by it. */
export class DeadlineExceeded extends Error {
  override readonly name = "DeadlineExceeded";
  constructor(readonly timeoutMs: number) {
    super(`the wait's deadline (${timeoutMs} ms after its start) has passed`);
  }
}

/**
 * One deadline per wait: the time left caps every request timeout, backoff sleep, `Retry-After` and gate pause
 * under it, and `signal` aborts whatever is still in flight when it passes. The signal fires a short grace
 * after the nominal deadline (a tenth of the timeout, at most 2 s) so that the last poll, which the waiter
 * sends on the deadline itself, still has time to be answered.
 */
export class Deadline {
  /** The nominal deadline on the clock: the waiter stops polling here. */
  readonly at: number;
  /** When `signal` fires. */
  readonly hardAt: number;
  readonly signal: AbortSignal;
  private readonly cancel: () => void;

  constructor(
    private readonly clock: Clock,
    readonly timeoutMs: number,
    graceMs: number = lastLookGraceMs(timeoutMs),
  ) {
    this.at = clock.now() + timeoutMs;
    this.hardAt = this.at + graceMs;
    const ac = new AbortController();
    this.signal = ac.signal;
    const fire = () => ac.abort(new DeadlineExceeded(timeoutMs));
    const hardMs = timeoutMs + graceMs;
    if (hardMs <= 0) {
      fire();
      this.cancel = () => {};
    } else {
      this.cancel = (clock.setTimer?.bind(clock) ?? realTimer)(fire, hardMs);
    }
  }

  /** ms to the nominal deadline, never negative: how long the waiter may still sleep. */
  remaining(): number {
    return Math.max(0, this.at - this.clock.now());
  }

  /** ms until `signal` fires, never negative: what a request in flight may still use. */
  timeLeft(): number {
    return Math.max(0, this.hardAt - this.clock.now());
  }

  /** Stops the timer once the wait is over. */
  dispose(): void {
    this.cancel();
  }
}

export function lastLookGraceMs(timeoutMs: number): number {
  return Math.max(0, Math.min(2_000, timeoutMs / 10));
}

/** True when `reason` (an abort reason or an error) is a passed deadline. */
export function isDeadline(reason: unknown): reason is DeadlineExceeded {
  return reason instanceof DeadlineExceeded;
}

/**
 * A clock that only moves when something sleeps: each sleep advances time to its own deadline, firing the
 * timers due on the way, and then resolves. Good for one waiter at a time (tests, the policy benchmark);
 * concurrency needs a scheduler.
 */
export class FakeClock implements Clock {
  private timers: Array<{ due: number; fn: () => void; seq: number }> = [];
  private seq = 0;
  constructor(private t = 0) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    const target = this.t + Math.max(0, ms);
    for (;;) {
      const next = this.timers
        .filter((x) => x.due <= target)
        .sort((a, b) => a.due - b.due || a.seq - b.seq)[0];
      if (!next) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      this.t = Math.max(this.t, next.due);
      next.fn();
    }
    this.t = target;
  }
  setTimer(fn: () => void, ms: number): () => void {
    const entry = { due: this.t + Math.max(0, ms), fn, seq: this.seq++ };
    this.timers.push(entry);
    return () => {
      this.timers = this.timers.filter((x) => x !== entry);
    };
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.advance(ms);
    await Promise.resolve();
    if (signal?.aborted) throw signal.reason;
  }
}
