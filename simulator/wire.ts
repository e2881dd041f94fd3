/** How each service renders a job on the wire: the exact shapes of the seed documents, quirks included. */
import { createHash } from "node:crypto";
import { type SimJob, stateAt } from "./jobs";
import { WIRE_PROFILES } from "./services";

/** `2021-07-12T09:22:04+0000`, or in another offset's local time (`2021-07-12T17:22:04+0800`). */
export function wireTime(ms: number, offsetMinutes = 0): string {
  const local = new Date(Math.floor(ms / 1000) * 1000 + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}${String(abs % 60).padStart(2, "0")}`;
}

/** Stable per job id, so a job's instance is the same on every answer. */
export function defaultInstance(job: SimJob): { id: string; name: string } {
  const hex = createHash("sha256").update(`instance:${job.id}`).digest("hex");
  const profile = WIRE_PROFILES[job.spec.service];
  return {
    id: `${hex.slice(0, 32)}${profile.instanceIdSuffix}`,
    name: `${profile.instanceNamePrefix}-${hex.slice(32, 36)}`,
  };
}

/** DDS/GaussDB send an `ended` even while running, 10 s after `created` (the DDS "being executed" example). */
const RUNNING_ENDED_QUIRK_MS = 10_000;

/** The `{"job": {...}}` body, field for field and in the order the service sends it. */
export function renderJob(job: SimJob, now: number): { job: Record<string, unknown> } {
  const profile = WIRE_PROFILES[job.spec.service];
  const st = stateAt(job, now);
  const offset = profile.utcOffsetMinutes;
  const body: Record<string, unknown> = {
    id: job.id,
    name: job.spec.name ?? profile.createJobName,
    status: st.status,
    created: wireTime(job.createdAt, offset),
  };
  if (profile.ended) body.ended = wireTime(st.endedAt ?? job.createdAt + RUNNING_ENDED_QUIRK_MS, offset);
  body[profile.progressField] = st.progress;
  body.instance = job.spec.instance ?? defaultInstance(job);
  if (profile.entities) body.entities = job.spec.entities ?? {};
  if (st.failReason !== undefined) body.fail_reason = st.failReason;
  else if (profile.nullFailReason) body.fail_reason = null;
  return { job: body };
}
