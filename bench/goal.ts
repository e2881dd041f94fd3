/**
 * Issue 9's bar, as a function of measured numbers, so it can be tested with numbers that pass and fail:
 * against Terraform Huawei in the same run, calls, median and p95 latency each <= 1.05x; <= 0.7x the calls
 * where progress is informative or the class has a known duration; and no peer or fixed interval better on
 * both calls and p95.
 */

export interface Row {
  policy: string;
  meanCalls: number;
  p50S: number;
  p95S: number;
  p99S: number;
  maxS: number;
  /** Jobs the policy did not see complete (timeout, error). */
  notCompleted: number;
}

export interface GoalCheck {
  what: string;
  ok: boolean;
}

export interface GoalVerdict {
  holds: boolean;
  checks: GoalCheck[];
}

export const GOAL = {
  /** Ours / Terraform Huawei, for calls, p50 and p95 on every family. */
  maxRatio: 1.05,
  /** Ours / Terraform Huawei calls where progress is informative or the class's duration is known. */
  informativeCallsRatio: 0.7,
} as const;

const ratio = (a: number, b: number) => (b > 0 ? a / b : a > 0 ? Number.POSITIVE_INFINITY : 1);

/**
 * `rivals` are every other policy measured on the family (peers and the fixed-interval front); one that is
 * strictly better on both calls and p95 breaks the goal.
 */
export function evaluateGoal(input: {
  ours: Row;
  terraform: Row;
  rivals: readonly Row[];
  informative: boolean;
}): GoalVerdict {
  const { ours, terraform: tf } = input;
  const checks: GoalCheck[] = [];
  const within = (label: string, a: number, b: number, bound: number) => {
    const r = ratio(a, b);
    checks.push({ what: `${label} ${r.toFixed(2)}x (<= ${bound}x)`, ok: Number.isFinite(r) && r <= bound });
  };
  checks.push({ what: `all jobs seen completing (${ours.notCompleted} not)`, ok: ours.notCompleted === 0 });
  within("calls", ours.meanCalls, tf.meanCalls, GOAL.maxRatio);
  within("p50", ours.p50S, tf.p50S, GOAL.maxRatio);
  within("p95", ours.p95S, tf.p95S, GOAL.maxRatio);
  if (input.informative)
    within("informative calls", ours.meanCalls, tf.meanCalls, GOAL.informativeCallsRatio);
  const better = input.rivals.filter((r) => r.meanCalls < ours.meanCalls && r.p95S < ours.p95S);
  checks.push({
    what:
      better.length === 0
        ? "no rival better on both calls and p95"
        : `better on both calls and p95: ${better.map((r) => r.policy).join(", ")}`,
    ok: better.length === 0,
  });
  return { holds: checks.every((c) => c.ok), checks };
}

/** The q-quantile of ascending `sorted` (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

export function summarize(
  policy: string,
  results: ReadonlyArray<{ calls: number; latencyMs: number; state: string }>,
): Row {
  const lat = results.map((r) => r.latencyMs / 1000).sort((a, b) => a - b);
  return {
    policy,
    meanCalls: results.reduce((s, r) => s + r.calls, 0) / results.length,
    p50S: quantile(lat, 0.5),
    p95S: quantile(lat, 0.95),
    p99S: quantile(lat, 0.99),
    maxS: lat.at(-1) ?? Number.NaN,
    notCompleted: results.filter((r) => r.state !== "completed").length,
  };
}
