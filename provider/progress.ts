/**
 * Progress a person reads during `pulumi up`: service, job, name, status, progress, elapsed. At most one
 * status every `minIntervalMs` unless something changed, and one closing line with the outcome.
 *
 * Where the lines go is a `ProgressOutput`: in the dynamic provider host, the waiter's own row through the
 * engine (./engine-log.ts); elsewhere, and whenever that channel is unavailable, lines on stdout.
 */
import type { Job } from "./job";
import type { Service } from "./services";
import { formatElapsed } from "./time";
import type { PollObservation, WaitOutcome } from "./waiter";

export interface ProgressOutput {
  /** A passing status; where the output can, the latest replaces the previous one. */
  status(text: string): void;
  /** The outcome of a wait, kept. */
  final(text: string): void;
}

/**
 * Plain lines, `[job-waiter] <label>: <text>`, to `write` (default stdout). The label (the resource name,
 * where known) tells parallel waiters apart.
 */
export function lineOutput(write?: (line: string) => void, label?: string): ProgressOutput {
  const out = write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const line = (text: string) => {
    try {
      out(`[job-waiter] ${label ? `${label}: ` : ""}${text}`);
    } catch {
      // Progress is a courtesy: a stdout that cannot be written must not fail the wait.
    }
  };
  return { status: line, final: line };
}

export interface ProgressReporterOptions {
  service: Service;
  jobId: string;
  /** Where the lines go; default `lineOutput(write, label)`. */
  output?: ProgressOutput;
  write?: (line: string) => void;
  minIntervalMs?: number;
  /** Prefix for plain lines, e.g. the resource name, so parallel waiters can be told apart. */
  label?: string;
}

export interface ProgressReporter {
  (obs: PollObservation): void;
  /** Says how the wait ended and how long it took. */
  finish(outcome: WaitOutcome): void;
}

export function createProgressReporter(opts: ProgressReporterOptions): ProgressReporter {
  const output = opts.output ?? lineOutput(opts.write, opts.label);
  const minInterval = opts.minIntervalMs ?? 10_000;
  const who = `${opts.service} job ${opts.jobId}`;
  let lastKey: string | undefined;
  let lastAt = Number.NEGATIVE_INFINITY;
  const report = (obs: PollObservation) => {
    const { key, text } = describe(obs);
    if (key === lastKey && obs.elapsedMs - lastAt < minInterval) return;
    lastKey = key;
    lastAt = obs.elapsedMs;
    output.status(`${who}${text} (${formatElapsed(obs.elapsedMs)} elapsed)`);
  };
  return Object.assign(report, {
    finish: (outcome: WaitOutcome) => output.final(`${who}${describeOutcome(outcome)}`),
  });
}

/** After this many failed looks in a row, the line says so (and is printed even if the error is the same). */
export const ERROR_STREAK_NOTICE = 3;

function describe(obs: PollObservation): { key: string; text: string } {
  if (obs.error) {
    const e = obs.error.details;
    const streak = obs.errorStreak ?? 1;
    const inARow = streak >= ERROR_STREAK_NOTICE ? ` (${streak} failed looks in a row)` : "";
    const then = obs.retrying === false ? ", giving up" : obs.retrying ? ", retrying" : "";
    let what: string;
    if (e.kind === "not-found") {
      const code = e.errorCode ?? `HTTP ${e.httpStatus}`;
      what = obs.missingAfterSeen
        ? `no longer found (${code}), ${obs.disappeared ? "giving up: it has disappeared" : obs.retrying === false ? "giving up" : "looking again"}`
        : `not visible yet (${code}), ${obs.retrying === false ? "giving up" : "still looking"}`;
    } else {
      const label =
        e.kind === "throttled" ? "throttled" : e.kind === "invalid-response" ? "bad answer" : "API error";
      const detail = [
        e.httpStatus !== undefined ? `HTTP ${e.httpStatus}` : undefined,
        e.errorCode,
        e.fault ?? (e.httpStatus === undefined ? (e.cause as Error | undefined)?.message : undefined),
      ]
        .filter(Boolean)
        .join(" ");
      what = `${label}${detail ? ` ${detail}` : ""}${then}${inARow}`;
    }
    const noticed = streak >= ERROR_STREAK_NOTICE ? "streak" : "";
    return { key: `error:${e.kind}:${e.httpStatus ?? ""}:${noticed}:${obs.retrying}`, text: `: ${what}` };
  }
  const job = obs.job!;
  const name = job.name ? ` ${job.name}` : "";
  const unknown =
    obs.wireStatus && obs.wireStatus !== job.status
      ? ` (unknown status "${obs.wireStatus}", still waiting)`
      : "";
  const status = unknown ? obs.wireStatus : job.status;
  const pct = job.progress !== undefined ? ` ${job.progress}%` : "";
  const reason = job.status === "Failed" && job.failReason ? `: ${job.failReason}` : "";
  return { key: `${status}:${job.progress ?? ""}`, text: `${name}: ${status}${pct}${unknown}${reason}` };
}

/** `<name>: <what happened> (waited <duration>, <n> polls)`. Errors themselves are reported by the caller. */
function describeOutcome(outcome: WaitOutcome): string {
  const job = outcome.job;
  const name = job?.name ? ` ${job.name}` : "";
  const last = job ? `, last seen ${job.status}${job.progress !== undefined ? ` ${job.progress}%` : ""}` : "";
  let what: string;
  switch (outcome.state) {
    case "completed":
      what = `Completed${jobTook(outcome.job)}`;
      break;
    case "failed":
      what = `Failed${jobTook(outcome.job)}${outcome.job.failReason ? `: ${outcome.job.failReason}` : ""}`;
      break;
    case "timeout":
      what = `timed out${last}; the job keeps running`;
      break;
    case "aborted":
      what = `wait interrupted${last}; the job keeps running`;
      break;
    case "error":
      what = `wait stopped by an error${last}`;
      break;
  }
  const polls = `${outcome.polls} poll${outcome.polls === 1 ? "" : "s"}`;
  return `${name}: ${what} (waited ${formatElapsed(outcome.elapsedMs)}, ${polls})`;
}

/** ` after 4m10s` when the job says when it began and ended (RDS reports no end). */
function jobTook(job: Job): string {
  const ms = job.ended && job.created ? Date.parse(job.ended) - Date.parse(job.created) : Number.NaN;
  return Number.isFinite(ms) && ms >= 0 ? ` after ${formatElapsed(ms)}` : "";
}
