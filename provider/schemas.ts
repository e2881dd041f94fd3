/**
 * zod schemas for the wire format of `GET /v3/{project_id}/jobs?id=` on each service, and the one place that
 * turns what arrives into a `Job`. The schemas are deliberately lenient: the official SDK models declare every
 * field a plain string, the documents disagree with themselves, and the wire is what counts. Unknown fields
 * are tolerated; only the few fields without which a job means nothing are required.
 */
import { z } from "zod";
import type { Job, JobEntities, JobStatus, ObservedJob } from "./job";
import { SERVICE_TABLE, type Service } from "./services";
import { toUtcIso } from "./time";

const looseText = z.union([z.string(), z.number()]).nullish();

const wireInstance = z.looseObject({ id: looseText, name: looseText }).nullish();

export const wireJobSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  name: looseText,
  status: z.string(),
  created: looseText,
  ended: looseText,
  progress: looseText,
  process: looseText,
  instance: wireInstance,
  entities: z.record(z.string(), z.unknown()).nullish(),
  fail_reason: looseText,
});

export const wireResponseSchema = z.looseObject({ job: wireJobSchema });

export type WireJob = z.infer<typeof wireJobSchema>;

/** The wire's error bodies: `{error_code, error_msg}`, some gateways `{code, message}`, IAM `{error: {...}}`. */
export const wireErrorSchema = z.looseObject({
  error_code: z.string().nullish(),
  error_msg: z.string().nullish(),
  code: z.union([z.string(), z.number()]).nullish(),
  message: z.string().nullish(),
  error: z
    .looseObject({
      code: z.union([z.string(), z.number()]).nullish(),
      message: z.string().nullish(),
      title: z.string().nullish(),
    })
    .nullish(),
});

export function parseWireError(body: unknown): { code?: string; message?: string } {
  const r = wireErrorSchema.safeParse(body);
  if (!r.success) return {};
  const b = r.data;
  const code = b.error_code ?? (b.code != null ? String(b.code) : undefined) ?? asText(b.error?.code);
  const message = b.error_msg ?? b.message ?? b.error?.message ?? undefined;
  return { ...(code ? { code } : {}), ...(message ? { message } : {}) };
}

function asText(v: string | number | null | undefined): string | undefined {
  if (v == null) return undefined;
  const t = String(v).trim();
  return t === "" ? undefined : t;
}

const KNOWN_STATUS: Record<string, JobStatus> = {
  running: "Running",
  completed: "Completed",
  failed: "Failed",
};

/** `"60% "` → 60; `""`, `null`, garbage → undefined. Clamped to 0..100. */
export function parseProgress(v: string | number | null | undefined): number | undefined {
  if (v == null) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(String(v));
  if (!m) return undefined;
  return Math.min(100, Math.max(0, Number(m[1])));
}

function sizeGb(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && /^\s*\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return undefined;
}

function text(v: unknown): string | undefined {
  if (typeof v === "number") return String(v);
  if (typeof v !== "string") return undefined;
  const t = v.trim();
  return t === "" ? undefined : t;
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.map(text).filter((s): s is string => s !== undefined) : [];
}

function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const INSTANCE_TYPES: Record<string, string> = { single: "Single", ha: "Ha", replica: "Replica" };

/** RDS `entities`: the shape tells the variant (instance, volume, public IP, switchover, empty). */
export function normaliseEntities(raw: Record<string, unknown>): JobEntities {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
  if (Object.keys(raw).length === 0) return { kind: "empty" };
  if (isObject(raw.instance)) {
    const i = raw.instance;
    const type = text(i.type);
    const ds = isObject(i.datastore) ? i.datastore : undefined;
    return {
      kind: "instance",
      instance: defined({
        endpoint: text(i.endpoint),
        type: type === undefined ? undefined : (INSTANCE_TYPES[type.toLowerCase()] ?? type),
        datastore: ds ? defined({ type: text(ds.type), version: text(ds.version) }) : undefined,
        replicaOf: text(i.replica_of),
      }),
      resourceIds: stringList(raw.resource_ids),
    };
  }
  if (isObject(raw.volume)) {
    const v = raw.volume;
    return {
      kind: "volume",
      volume: defined({
        type: text(v.type),
        originalSizeGb: sizeGb(v.original_size),
        targetSizeGb: sizeGb(v.target_size),
      }),
      resourceIds: stringList(raw.resource_ids),
    };
  }
  const publicIp = text(raw.public_ip);
  if (publicIp !== undefined) return { kind: "publicIp", publicIp };
  const switchStrategy = text(raw.switch_strategy);
  if (switchStrategy !== undefined) return { kind: "switchover", switchStrategy };
  return { kind: "other", raw };
}

/** Wire job → `Job`. Never throws for a body that passed `wireResponseSchema`. */
export function normaliseJob(service: Service, wire: WireJob): ObservedJob {
  const spec = SERVICE_TABLE[service];
  const wireStatus = wire.status.trim();
  const status: JobStatus = KNOWN_STATUS[wireStatus.toLowerCase()] ?? "Running";
  // Only the service's own field: reading the other one too would hide a wrong table entry.
  const progress = status === "Running" ? parseProgress(wire[spec.progressField]) : undefined;
  const instanceId = text(wire.instance?.id);
  const instanceName = text(wire.instance?.name);
  const created = text(wire.created);
  const job: Job = defined({
    id: wire.id.trim(),
    name: text(wire.name) ?? "",
    status,
    // An unparseable time is kept as sent rather than dropped: `created` is never absent.
    created: toUtcIso(created) ?? created ?? "",
    // DDS reports an `ended` while still running; it means nothing until the job has ended.
    ended: status === "Running" ? undefined : toUtcIso(text(wire.ended)),
    progress,
    instance: instanceId || instanceName ? defined({ id: instanceId ?? "", name: instanceName }) : undefined,
    entities: spec.hasEntities && wire.entities ? normaliseEntities(wire.entities) : undefined,
    failReason: text(wire.fail_reason),
  });
  return { job, wireStatus };
}

/** Parse a whole response body; `undefined` with the zod issue summary when it is not a job. */
export function parseJobResponse(
  service: Service,
  body: unknown,
): { ok: true; observed: ObservedJob } | { ok: false; problem: string } {
  const r = wireResponseSchema.safeParse(body);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ");
    return { ok: false, problem: issues };
  }
  return { ok: true, observed: normaliseJob(service, r.data.job) };
}
