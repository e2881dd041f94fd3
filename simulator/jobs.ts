/**
 * Simulated jobs: how a job's status and progress evolve over time, and how each service renders it on the
 * wire (the exact shapes of the seed documents, quirks included).
 */
import { randomUUID } from "node:crypto";
import { SERVICE_TABLE, type Service } from "../provider/services";

export interface TimelineStep {
  afterMs: number;
  status: string;
  progress?: string;
  failReason?: string;
}

export interface JobSpec {
  service: Service;
  id?: string;
  name?: string;
  durationMs?: number;
  outcome?: "Completed" | "Failed";
  failReason?: string;
  instance?: { id: string; name: string };
  /** RDS only, in wire (snake_case) shape. */
  entities?: Record<string, unknown>;
  visibleAfterMs?: number;
  progress?: "realistic" | "linear" | "none";
  /** Replayed exactly instead of duration/outcome; statuses may be anything (e.g. "Pending"). */
  timeline?: TimelineStep[];
  projectId?: string;
}

export interface SimJob {
  spec: JobSpec;
  id: string;
  projectId: string;
  createdAt: number;
  forgotten: boolean;
}

export function newJob(spec: JobSpec, projectId: string, now: number): SimJob {
  return {
    spec,
    id: spec.id ?? randomUUID(),
    projectId: spec.projectId ?? projectId,
    createdAt: now,
    forgotten: false,
  };
}

/** Monotonic progress with a fast start, a plateau and small steps; never 100 while running. */
function realistic(f: number, seed: number): number {
  const wobble = ((seed % 7) - 3) / 100;
  let p: number;
  if (f < 0.15) p = (f / 0.15) * 35;
  else if (f < 0.35)
    p = 35 + ((f - 0.15) / 0.2) * 5; // plateau
  else if (f < 0.85) p = 40 + ((f - 0.35) / 0.5) * 50;
  else p = 90 + ((f - 0.85) / 0.15) * 6;
  return Math.max(1, Math.min(99, Math.floor(p * (1 + wobble))));
}

export interface JobState {
  status: string;
  progress: string;
  failReason?: string;
  endedAt?: number;
}

export function stateAt(job: SimJob, now: number): JobState {
  const t = now - job.createdAt;
  const { spec } = job;
  if (spec.timeline && spec.timeline.length > 0) {
    let step = spec.timeline[0]!;
    for (const s of spec.timeline) if (s.afterMs <= t) step = s;
    const terminal = step.status === "Completed" || step.status === "Failed";
    return {
      status: step.status,
      progress: step.progress ?? "",
      ...(step.failReason ? { failReason: step.failReason } : {}),
      ...(terminal ? { endedAt: job.createdAt + step.afterMs } : {}),
    };
  }
  const duration = spec.durationMs ?? 2_000;
  if (t >= duration) {
    const failed = spec.outcome === "Failed";
    return {
      status: failed ? "Failed" : "Completed",
      progress: "",
      ...(failed ? { failReason: spec.failReason ?? "The job failed." } : {}),
      endedAt: job.createdAt + duration,
    };
  }
  const f = Math.max(0, t) / duration;
  const mode = spec.progress ?? "realistic";
  const pct =
    mode === "none"
      ? undefined
      : mode === "linear"
        ? Math.min(99, Math.floor(f * 100))
        : realistic(f, job.id.charCodeAt(0));
  // RDS's documents show a trailing space ("60% "); half of its answers carry one.
  const space = spec.service === "rds" && pct !== undefined && pct % 2 === 0 ? " " : "";
  return { status: "Running", progress: pct === undefined ? "" : `${pct}%${space}` };
}

/** `2021-07-12T09:22:04+0000`, or with another offset in that offset's local time (GaussDB: `+0800`). */
export function wireTime(ms: number, offsetMinutes = 0): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}${String(abs % 60).padStart(2, "0")}`;
}

/** The `{"job": {...}}` body, field for field as the service sends it. */
export function renderJob(job: SimJob, now: number): Record<string, unknown> {
  const spec = SERVICE_TABLE[job.spec.service];
  const st = stateAt(job, now);
  const offset = job.spec.service === "gaussdb" ? 480 : 0;
  const instance = job.spec.instance ?? {
    id: `${job.id.slice(0, 8)}in01`,
    name: `${job.spec.service}-${job.id.slice(0, 4)}`,
  };
  const body: Record<string, unknown> = {
    id: job.id,
    name: job.spec.name ?? spec.createJobName,
    status: st.status,
    created: wireTime(job.createdAt, offset),
  };
  if (spec.sendsEnded) {
    // DDS and GaussDB send an `ended` even while running (see the DDS "being executed" example).
    body.ended = wireTime(st.endedAt ?? job.createdAt + 10_000, offset);
  }
  body[spec.progressField] = st.progress;
  body.instance = instance;
  if (spec.hasEntities) body.entities = job.spec.entities ?? {};
  if (st.failReason !== undefined) body.fail_reason = st.failReason;
  else if (spec.sendsNullFailReason) body.fail_reason = null;
  return { job: body };
}
