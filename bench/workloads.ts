/**
 * Fixed-seed job timelines for the policy benchmark: when each job ends, and what progress the API reports
 * at any moment before that. Shapes follow what task centers report: a fast start, plateaus, noisy steps,
 * and a final jump from somewhere in the 80s or 90s to done.
 */
import { rng } from "../tests/support/rng";

function normal(r: () => number): number {
  const u = Math.max(r(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

export interface Timeline {
  /** ms after the job was created at which it ends (Completed). */
  durationMs: number;
  /** ms after creation before the job can be queried (DBS.200543 until then). */
  visibleAfterMs: number;
  /** ms after creation at which the waiter starts. */
  waitStartsAtMs: number;
  /** Progress (0..99) reported at `t` ms after creation, or undefined when the service reports none. */
  progressAt(t: number): number | undefined;
}

/** Log-normal durations: median 8 min, clipped to 30 s .. 3 h. */
export function durations(n: number, seed: number): number[] {
  const r = rng(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const d = 8 * 60_000 * Math.exp(0.95 * normal(r));
    out.push(Math.round(Math.min(3 * 3600_000, Math.max(30_000, d))));
  }
  return out;
}

/**
 * A progress curve: knots of (fraction of time, percent), monotonic, with a fast start, one or two
 * plateaus, noisy slopes, and a last reported value between 80 and 99 that holds until the job ends.
 */
function progressCurve(r: () => number): (f: number) => number {
  const finalValue = 80 + Math.floor(r() * 20);
  const finalAt = 0.75 + r() * 0.23; // the last value is reached at 75..98% of the duration
  const knots: Array<[number, number]> = [[0, 0]];
  const fastEnd = 0.05 + r() * 0.1;
  knots.push([fastEnd, 15 + r() * 25]);
  let f = fastEnd;
  let p = knots[1]![1];
  const steps = 3 + Math.floor(r() * 4);
  for (let i = 0; i < steps; i++) {
    const df = ((finalAt - fastEnd) / steps) * (0.6 + r() * 0.8);
    f = Math.min(finalAt, f + df);
    // One step in three is a plateau.
    p = r() < 0.33 ? p : Math.min(finalValue, p + (finalValue - p) * (0.2 + r() * 0.5));
    knots.push([f, p]);
  }
  knots.push([finalAt, finalValue]);
  return (frac: number) => {
    if (frac >= finalAt) return finalValue;
    for (let i = 1; i < knots.length; i++) {
      const [f1, p1] = knots[i]!;
      const [f0, p0] = knots[i - 1]!;
      if (frac <= f1) return f1 === f0 ? p1 : p0 + ((p1 - p0) * (frac - f0)) / (f1 - f0);
    }
    return finalValue;
  };
}

export function workload(kind: "W1" | "W2", n = 1000, seed = 20261123): Timeline[] {
  const ds = durations(n, seed);
  const r = rng(seed ^ 0x9e3779b9);
  return ds.map((durationMs) => {
    const curve = progressCurve(r);
    const noiseSeed = Math.floor(r() * 2 ** 31);
    const visibleAfterMs = 1_000 + Math.floor(r() * 5_000);
    const waitStartsAtMs = 500 + Math.floor(r() * 2_500);
    return {
      durationMs,
      visibleAfterMs,
      waitStartsAtMs,
      progressAt:
        kind === "W2"
          ? () => undefined
          : (t: number) => {
              // Reporting noise: the service's value lags or leads the curve by a couple of percent.
              const bucket = Math.floor(t / 5_000);
              const jitter = (rng(noiseSeed + bucket)() - 0.5) * 4;
              const v = Math.floor(curve(t / durationMs) + jitter);
              return Math.max(0, Math.min(99, v));
            },
    };
  });
}
