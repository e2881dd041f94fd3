/**
 * Progress lines a person reads during `pulumi up` (the CLI shows what the provider writes to stdout):
 * service, job, name, status, progress, elapsed. At most one every `minIntervalMs` unless something changed.
 */
import type { Service } from "./services";
import { formatElapsed } from "./time";
import type { PollObservation } from "./waiter";

export interface ProgressReporterOptions {
  service: Service;
  jobId: string;
  write?: (line: string) => void;
  minIntervalMs?: number;
  /** Prefix, e.g. the resource name, so parallel waiters can be told apart. */
  label?: string;
}

export function createProgressReporter(opts: ProgressReporterOptions): (obs: PollObservation) => void {
  const write = opts.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const minInterval = opts.minIntervalMs ?? 10_000;
  let lastKey: string | undefined;
  let lastAt = Number.NEGATIVE_INFINITY;
  return (obs) => {
    const { key, text } = describe(obs);
    if (key === lastKey && obs.elapsedMs - lastAt < minInterval) return;
    lastKey = key;
    lastAt = obs.elapsedMs;
    const who = `${opts.label ? `${opts.label}: ` : ""}${opts.service} job ${opts.jobId}`;
    write(`[job-waiter] ${who}${text} (${formatElapsed(obs.elapsedMs)} elapsed)`);
  };
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
