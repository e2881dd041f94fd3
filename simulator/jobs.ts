/** Simulated jobs: what a test asks for (the spec), and how a job's status and progress evolve over time. */
import { createHash, randomUUID } from "node:crypto";
import { z } from "zod";
import { InputError } from "./http";
import { SIM_SERVICES, type SimService, WIRE_PROFILES } from "./services";

export interface TimelineStep {
  /** ms after the job's creation from which this step holds. */
  afterMs: number;
  /** Any string: `Running`, `Completed`, `Failed`, or an unknown one such as `Pending`. */
  status: string;
  /** Sent verbatim as `progress`/`process`; `""` when not given. */
  progress?: string;
  failReason?: string;
}

export interface JobSpec {
  service: SimService;
  /** Default: a random UUID. */
  id?: string;
  /** Default: the service's instance-creation job name (`WIRE_PROFILES[service].createJobName`). */
  name?: string;
  /** ms from creation to the end. Default 2000. */
  durationMs?: number;
  /** Default `Completed`. */
  outcome?: "Completed" | "Failed";
  /** With `outcome: "Failed"`. */
  failReason?: string;
  /** Default: an id like the services' (32 hex + `in01`/`in02`/`in14`) and a short name. */
  instance?: { id: string; name: string };
  /** RDS only, in wire (snake_case) shape. Default `{}`. */
  entities?: Record<string, unknown>;
  /** ms after creation before the job can be queried (`DBS.200543` until then). Default 0. */
  visibleAfterMs?: number;
  /** Default `realistic`. */
  progress?: "realistic" | "linear" | "none";
  /** Replayed exactly instead of duration/outcome/progress; statuses may be anything (e.g. "Pending"). */
  timeline?: TimelineStep[];
  /** Default: the simulator's project. A job is only found under its own project. */
  projectId?: string;
}

const nonNegativeMs = z.number().finite().nonnegative();

/** @internal Kept out of the published declarations (tsconfig `stripInternal`): they must not import zod. */
export const timelineStepSchema = z.strictObject({
  afterMs: nonNegativeMs,
  status: z.string(),
  progress: z.string().optional(),
  failReason: z.string().optional(),
});

/** @internal Kept out of the published declarations (tsconfig `stripInternal`): they must not import zod. */
export const jobSpecSchema = z
  .strictObject({
    service: z.enum(SIM_SERVICES),
    id: z.string().min(1).optional(),
    name: z.string().optional(),
    durationMs: nonNegativeMs.optional(),
    outcome: z.enum(["Completed", "Failed"]).optional(),
    failReason: z.string().optional(),
    instance: z.strictObject({ id: z.string(), name: z.string() }).optional(),
    entities: z.record(z.string(), z.unknown()).optional(),
    visibleAfterMs: nonNegativeMs.optional(),
    progress: z.enum(["realistic", "linear", "none"]).optional(),
    timeline: z.array(timelineStepSchema).min(1).optional(),
    projectId: z.string().min(1).optional(),
  })
  .refine((s) => s.entities === undefined || WIRE_PROFILES[s.service].entities, {
    message: "entities are only reported by RDS",
    path: ["entities"],
  });

/** Checks a spec (from JSON or a caller); throws an InputError naming every problem. */
export function parseJobSpec(input: unknown): JobSpec {
  const r = jobSpecSchema.safeParse(input);
  if (!r.success) throw new InputError(`invalid job spec: ${z.prettifyError(r.error)}`);
  return r.data;
}

/** Jobs older than this can no longer be queried (the documents: "within one month"). */
export const JOB_RETENTION_MS = 30 * 24 * 3600_000;

export interface SimJob {
  spec: JobSpec;
  id: string;
  projectId: string;
  createdAt: number;
  forgotten: boolean;
  /** Set by `finishJob`: the job ends at `at` (simulator clock) whatever its duration or timeline said. */
  finished?: { at: number; outcome: "Completed" | "Failed"; failReason?: string };
}

export function newJob(spec: JobSpec, projectId: string, now: number): SimJob {
  const timeline = spec.timeline ? [...spec.timeline].sort((a, b) => a.afterMs - b.afterMs) : undefined;
  return {
    spec: timeline ? { ...spec, timeline } : spec,
    id: spec.id ?? randomUUID(),
    projectId: spec.projectId ?? projectId,
    createdAt: now,
    forgotten: false,
  };
}

/** Queryable now: created for this service and project, visible already, not forgotten or expired. */
export function isVisible(job: SimJob, service: string, projectId: string, now: number): boolean {
  const age = now - job.createdAt;
  return (
    !job.forgotten &&
    job.spec.service === service &&
    job.projectId === projectId &&
    age >= (job.spec.visibleAfterMs ?? 0) &&
    age <= JOB_RETENTION_MS
  );
}

/** A small stable number per job, so two jobs' curves differ but one job's answers are reproducible. */
function seedOf(id: string): number {
  return createHash("sha256").update(id).digest().readUInt32BE(0);
}

/**
 * Progress in percent at fraction `f` of the duration: a fast start, two plateaus, steady climbs, and a
 * wobble; monotonic (the wobble warps time with a derivative that stays positive), never 100 while running.
 */
export function realisticProgress(f: number, seed: number): number {
  const k = 2 + (seed % 3);
  const phase = ((seed >>> 8) % 628) / 100;
  const a = 0.5;
  const warped = f + (a * (Math.sin(2 * Math.PI * k * f + phase) - Math.sin(phase))) / (2 * Math.PI * k);
  const g = Math.min(1, Math.max(0, warped));
  const plateau1 = 28 + ((seed >>> 16) % 8);
  const plateau2 = 68 + ((seed >>> 20) % 8);
  // [fraction, percent] knots: fast start, plateau, climb, plateau, slow finish.
  const knots: Array<[number, number]> = [
    [0, 1],
    [0.1, plateau1],
    [0.3, plateau1 + 4],
    [0.6, plateau2],
    [0.8, plateau2 + 3],
    [1, 97],
  ];
  let p = 97;
  for (let i = 1; i < knots.length; i++) {
    const [f1, p1] = knots[i]!;
    if (g <= f1) {
      const [f0, p0] = knots[i - 1]!;
      p = p0 + ((g - f0) / (f1 - f0)) * (p1 - p0);
      break;
    }
  }
  return Math.max(1, Math.min(99, Math.floor(p)));
}

export interface JobState {
  status: string;
  progress: string;
  failReason?: string;
  /** Set once the job is `Completed` or `Failed`. */
  endedAt?: number;
}

const TERMINAL = new Set(["Completed", "Failed"]);

export function isTerminal(status: string): boolean {
  return TERMINAL.has(status);
}

const DEFAULT_FAIL_REASON = "The job failed to be executed.";

export function stateAt(job: SimJob, now: number): JobState {
  const t = Math.max(0, now - job.createdAt);
  const { spec } = job;
  const fin = job.finished;
  if (fin && now >= fin.at) {
    return {
      status: fin.outcome,
      progress: "",
      ...(fin.outcome === "Failed"
        ? { failReason: fin.failReason ?? spec.failReason ?? DEFAULT_FAIL_REASON }
        : {}),
      endedAt: fin.at,
    };
  }
  if (spec.timeline && spec.timeline.length > 0) {
    let step = spec.timeline[0]!;
    for (const s of spec.timeline) if (s.afterMs <= t) step = s;
    return {
      status: step.status,
      progress: step.progress ?? "",
      ...(step.failReason !== undefined ? { failReason: step.failReason } : {}),
      ...(TERMINAL.has(step.status) ? { endedAt: job.createdAt + step.afterMs } : {}),
    };
  }
  const duration = spec.durationMs ?? 2_000;
  if (t >= duration) {
    const failed = spec.outcome === "Failed";
    return {
      status: failed ? "Failed" : "Completed",
      progress: "",
      ...(failed ? { failReason: spec.failReason ?? DEFAULT_FAIL_REASON } : {}),
      endedAt: job.createdAt + duration,
    };
  }
  const f = t / duration;
  const mode = spec.progress ?? "realistic";
  if (mode === "none") return { status: "Running", progress: "" };
  const pct = mode === "linear" ? Math.min(99, Math.floor(f * 100)) : realisticProgress(f, seedOf(job.id));
  // RDS's documents show a trailing space ("60% "); about half of its answers carry one.
  const space = WIRE_PROFILES[spec.service].trailingSpaceInProgress && pct % 2 === 0 ? " " : "";
  return { status: "Running", progress: `${pct}%${space}` };
}
