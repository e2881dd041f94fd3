/**
 * When to poll next. The default policy spends polls where the job can end and saves them where it cannot:
 *
 * - a **safe horizon**: how long the job is very unlikely to end, from a duration prior for its (service,
 *   job name) and the job's age (`created`, corrected for clock skew), and from the progress rate while the
 *   progress is low. Beyond the steady interval, it sleeps a share of that horizon;
 * - where the job can end any moment (no horizon, or progress in the class's end zone) it polls at the
 *   steady interval, denser right after the progress moved in the end zone, relaxing back to the steady
 *   interval as the plateau lasts; jobs older than about 80 min relax further, in proportion to their age;
 * - bounds: never below the floor, never longer than the job's age times `ageCapShare` (by default a 30 s
 *   old job is left alone for 30 s at most) or the steady interval if longer, never longer than the
 *   configured cap; a non-finite result falls back to the floor, never 0.
 *
 * A pure function of the observations, so it is tested and benchmarked on a virtual clock.
 */
import type { Service } from "./services";
import type { PolicyContext, PollingPolicy, PollObservation } from "./waiter";

/** What is known about how long one kind of job takes. */
export interface DurationPrior {
  /** Jobs of this kind very rarely end younger than this (about the 2nd percentile). */
  earliestMs: number;
  /** From this reported progress on the job can end at any moment (RDS completes from 60%). */
  endZoneProgress: number;
  /** The progress of these jobs says nothing about their end (a jump or two, then done): it is ignored. */
  progressUninformative?: boolean;
}

export interface PriorRule {
  service?: Service;
  /** Matched against the job name, leading and trailing blanks removed. */
  name: RegExp;
  prior: DurationPrior;
}

const MIN = 60_000;

/**
 * Built-in priors: conservative lower bounds on how long these jobs take, and where their end zone starts.
 * The first matching rule wins; a job of no known kind gets DEFAULT_PRIOR.
 */
export const DEFAULT_PRIOR_RULES: readonly PriorRule[] = [
  // Attaching an address, restarting, switching over, changing parameters: seconds to a minute or two.
  {
    name: /bind|unbind|eip|restart|reboot|switch|parameter|modify|rename|tag/i,
    // Their progress says nothing about the end: they can end from any value.
    prior: { earliestMs: 10_000, endZoneProgress: 0, progressUninformative: true },
  },
  // openGauss instance creation: tens of minutes, with a long final stall.
  { service: "gaussdb", name: /^create/i, prior: { earliestMs: 20 * MIN, endZoneProgress: 80 } },
  // RDS instance creation (single, HA, replica): minutes; the documents show `Completed` at 60%.
  { service: "rds", name: /^create.*instance/i, prior: { earliestMs: 3 * MIN, endZoneProgress: 60 } },
  { service: "dds", name: /^create/i, prior: { earliestMs: 2 * MIN, endZoneProgress: 80 } },
];

/** A job of no known kind: ends after 20 s at the earliest. */
export const DEFAULT_PRIOR: DurationPrior = { earliestMs: 20_000, endZoneProgress: 80 };

/** RDS jobs of any kind may report `Completed` while the last progress said 60%. */
const SERVICE_END_ZONE: Partial<Record<Service, number>> = { rds: 60 };

export function priorFor(
  service: Service | undefined,
  name: string | undefined,
  rules: readonly PriorRule[] = DEFAULT_PRIOR_RULES,
): DurationPrior {
  const n = (name ?? "").trim();
  const rule = rules.find((r) => (r.service === undefined || r.service === service) && r.name.test(n));
  const prior = rule?.prior ?? DEFAULT_PRIOR;
  const zone = service !== undefined ? SERVICE_END_ZONE[service] : undefined;
  return zone !== undefined && zone < prior.endZoneProgress ? { ...prior, endZoneProgress: zone } : prior;
}

export interface PolicyOptions {
  /** Floor between polls. */
  minDelayMs: number;
  /** Cap between polls, whatever the estimate says. */
  maxDelayMs: number;
  /** Before the first poll: a job submitted a moment ago is not even queryable yet. */
  firstDelayMs: number;
  /** Between polls while the job is not yet visible (DBS.200543 right after creation); grows 1.5x. */
  notFoundDelayMs: number;
  /** Between polls after a transient error; grows 1.5x. */
  errorDelayMs: number;
  /** Where the job can end at any moment. */
  steadyDelayMs: number;
  /** Right after the progress moved inside the end zone... */
  nearDelayMs: number;
  /** ...relaxing to the steady interval over this much plateau. */
  relaxMs: number;
  /** Spacing never exceeds this share of the job's age (or the steady interval, if larger). */
  ageCapShare: number;
  /**
   * Spacing is at least this share of the job's age: a job that has run for hours does not need to be seen
   * within seconds of its end (0.2% of 6 h is 43 s). Below 82 min of age it changes nothing.
   */
  relativeDelayShare: number;
  /** Share of the prior's safe horizon slept beyond the steady interval. */
  priorShare: number;
  /** Share of the time the progress rate says the job needs to reach its end zone, slept beyond steady. */
  progressShare: number;
  /** Clock skew allowed for between our clock and the server's `created`. */
  skewAllowanceMs: number;
  /** The service, for its duration priors (the job name comes from the observations). */
  service?: Service;
  /** Duration priors per (service, job name); the built-in ones by default. */
  priors: readonly PriorRule[];
}

/** Tuned on the benchmark's training seeds only (bench/tune.ts); reported on held-out seeds. */
export const DEFAULT_POLICY_OPTIONS: PolicyOptions = {
  minDelayMs: 3_000,
  maxDelayMs: 60_000,
  firstDelayMs: 12_000,
  notFoundDelayMs: 4_000,
  errorDelayMs: 5_000,
  steadyDelayMs: 9_800,
  nearDelayMs: 8_000,
  relaxMs: 60_000,
  ageCapShare: 1,
  relativeDelayShare: 0.002,
  priorShare: 1,
  progressShare: 0.5,
  skewAllowanceMs: 10_000,
  priors: DEFAULT_PRIOR_RULES,
};

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Consecutive errors at the end of the history. */
function trailingErrors(history: readonly PollObservation[]): number {
  let n = 0;
  for (let i = history.length - 1; i >= 0 && history[i]!.error; i--) n++;
  return n;
}

/**
 * The job's age at the last observation, never more than it can be: `created` is on the server's clock,
 * so a few seconds of skew are taken off, and the time since the wait started is a floor.
 */
export function jobAgeMs(history: readonly PollObservation[], skewAllowanceMs: number): number {
  const last = history.at(-1);
  if (!last) return 0;
  let offset = 0;
  for (let i = history.length - 1; i >= 0; i--) {
    const o = history[i]!;
    if (o.ageMs !== undefined && Number.isFinite(o.ageMs)) {
      offset = Math.max(0, o.ageMs - o.elapsedMs - skewAllowanceMs);
      break;
    }
  }
  return Math.max(0, last.elapsedMs) + offset;
}

/** Reporting noise: progress within this many points of the current value is the same plateau. */
const NOISE_POINTS = 3;

interface ProgressView {
  progress: number;
  /** The highest value seen: reporting noise can dip below it, the job does not go back. */
  maxProgress: number;
  /** When the current plateau (progress within the noise band of the latest value) began, elapsed ms. */
  plateauSinceMs: number;
  /** When the current value was first seen, elapsed ms. */
  firstSeenMs: number;
  /** Earliest sample, for a rate when the job's age is unknown. */
  first: { t: number; p: number };
}

function progressView(history: readonly PollObservation[]): ProgressView | undefined {
  let i = history.length - 1;
  while (i >= 0 && !isFiniteNumber(history[i]?.job?.progress)) i--;
  const latest = history[i];
  const progress = latest?.job?.progress;
  if (!latest || !isFiniteNumber(progress)) return undefined;
  let maxProgress = progress;
  let plateauSinceMs = latest.elapsedMs;
  let firstSeenMs = plateauSinceMs;
  let first = { t: plateauSinceMs, p: progress };
  let inPlateau = true;
  let sameValue = true;
  for (let j = i; j >= 0; j--) {
    const o = history[j]!;
    const p = o.job?.progress;
    if (!isFiniteNumber(p)) continue;
    if (p > maxProgress) maxProgress = p;
    if (sameValue && p === progress) firstSeenMs = o.elapsedMs;
    else sameValue = false;
    if (inPlateau && Math.abs(p - progress) <= NOISE_POINTS) plateauSinceMs = o.elapsedMs;
    else inPlateau = false;
    first = { t: o.elapsedMs, p };
  }
  return { progress, maxProgress, plateauSinceMs, firstSeenMs, first };
}

const isFiniteNumber = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);

/**
 * How long until the progress reaches `target`, from the average rate since the job was created (progress
 * starts at 0 then), or since the first sample when the age is unknown, minus the time already spent on
 * the latest value. Progress curves start fast and slow down, so this errs short, the safe side.
 */
export function estimateTimeToMs(
  history: readonly PollObservation[],
  target = 100,
  skewAllowanceMs = DEFAULT_POLICY_OPTIONS.skewAllowanceMs,
): number | undefined {
  const v = progressView(history);
  const last = history.at(-1);
  if (!v || !last || v.progress <= 0 || v.progress >= target) return undefined;
  const now = last.elapsedMs;
  const hasAge = history.some((o) => o.ageMs !== undefined);
  let rate: number;
  if (hasAge) {
    const ageAtFirstSeen = jobAgeMs(history, skewAllowanceMs) - (now - v.firstSeenMs);
    if (ageAtFirstSeen <= 0) return undefined;
    rate = v.progress / ageAtFirstSeen;
  } else {
    if (v.first.p >= v.progress || v.firstSeenMs <= v.first.t) return undefined;
    rate = (v.progress - v.first.p) / (v.firstSeenMs - v.first.t);
  }
  const r = (target - v.progress) / rate - (now - v.firstSeenMs);
  return Number.isFinite(r) ? r : undefined;
}

/** Remaining time to 100% (see estimateTimeToMs). */
export function estimateRemainingMs(
  history: readonly PollObservation[],
  skewAllowanceMs = DEFAULT_POLICY_OPTIONS.skewAllowanceMs,
): number | undefined {
  return estimateTimeToMs(history, 100, skewAllowanceMs);
}

export function progressAwarePolicy(options: Partial<PolicyOptions> = {}): PollingPolicy {
  const o: PolicyOptions = { ...DEFAULT_POLICY_OPTIONS, ...options };
  // A cap set below the default floor lowers the floor with it (an explicit floor above the cap is refused
  // at `check`).
  const max = finiteOr(o.maxDelayMs, DEFAULT_POLICY_OPTIONS.maxDelayMs);
  const min = Math.max(1, Math.min(finiteOr(o.minDelayMs, DEFAULT_POLICY_OPTIONS.minDelayMs), max));
  // Whatever went into it, the answer is a finite delay of at least the floor, never 0.
  const bounded = (v: number, hi = max) => {
    const d = clamp(v, min, Math.max(min, hi));
    return Number.isFinite(d) ? d : min;
  };
  return {
    name: "progress-aware v2",
    nextDelayMs(history: readonly PollObservation[], _ctx: PolicyContext): number {
      const last = history.at(-1);
      if (!last) return bounded(o.firstDelayMs);
      if (last.error) {
        const base = last.error.details.kind === "not-found" ? o.notFoundDelayMs : o.errorDelayMs;
        return bounded(base * 1.5 ** (trailingErrors(history) - 1));
      }
      const age = jobAgeMs(history, o.skewAllowanceMs);
      const cap = Math.max(o.steadyDelayMs, o.ageCapShare * age);
      const prior = priorFor(o.service, last.job?.name, o.priors);

      let horizon = Math.max(0, prior.earliestMs - age) * o.priorShare;
      const v = prior.progressUninformative ? undefined : progressView(history);
      let delay = o.steadyDelayMs;
      if (v && v.maxProgress >= prior.endZoneProgress) {
        // In the end zone: dense right after a move, back to the steady interval as the plateau lasts. The
        // rate says nothing here: stalls at 90% and `Completed` at 60% are both common.
        const plateau = Math.max(0, last.elapsedMs - v.plateauSinceMs);
        delay = o.nearDelayMs + (o.steadyDelayMs - o.nearDelayMs) * Math.min(1, plateau / o.relaxMs);
      } else if (v) {
        // Before the end zone the job cannot end: how soon it can get there.
        const toZone = estimateTimeToMs(history, prior.endZoneProgress, o.skewAllowanceMs);
        if (toZone !== undefined && toZone > 0) horizon = Math.max(horizon, toZone * o.progressShare);
      }
      delay = Math.max(delay, o.relativeDelayShare * age);
      return bounded(delay + horizon, Math.min(max, cap));
    },
  };
}

function finiteOr(v: number, fallback: number): number {
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/** `policy`, but the first look goes at once: for jobs that may have ended already (resumed waits, `getJob`). */
export function lookingFirst(policy: PollingPolicy): PollingPolicy {
  return {
    name: `${policy.name}, looking first`,
    nextDelayMs: (history, ctx) => (history.length === 0 ? 0 : policy.nextDelayMs(history, ctx)),
  };
}

/** A fixed interval, after an optional first delay (the Terraform providers' shape). */
export function fixedIntervalPolicy(intervalMs: number, firstDelayMs = 0, name = "fixed"): PollingPolicy {
  return {
    name,
    nextDelayMs: (history) => (history.length === 0 ? firstDelayMs : intervalMs),
  };
}
