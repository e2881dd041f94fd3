/**
 * Validation of a waiter's inputs, shared by the dynamic provider's `check` (during `pulumi preview`, no
 * network) and `getJob`. Every failure names the field, what is wrong with the value, and the fix.
 */
import { z } from "zod";
import { parseDurationSeconds } from "./duration";
import type { Cloud, Service } from "./services";
import { SERVICES } from "./services";
import { cloudSchema, endpointSchema, projectIdSchema, quote, regionSchema } from "./settings";

/** The value the engine puts in place of an input not known until apply (dynamic providers see it as is). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Where a job is and how to wait for it: the one definition behind `JobWaiterArgs` and `GetJobArgs`. */
export interface WaiterInputs {
  /** `"dds"`, `"gaussdb"` or `"rds"`. */
  service: Service;
  /** The `job_id` the service's create/modify API returned. */
  jobId: string;
  /** Project ID; default: config `jobwaiter:projectId`, then `HW_PROJECT_ID` / `OS_PROJECT_ID`. */
  projectId?: string;
  /** Region, e.g. `eu-de`; default: config `jobwaiter:region`, then `HW_REGION_NAME` / `OS_REGION_NAME`. */
  region?: string;
  /** `"huaweicloud"` or `"otc"` (Open Telekom Cloud); default: config / `HW_CLOUD`, else `otc` for the OTC
   * regions (`eu-de`, `eu-nl`, `eu-ch2`) and `huaweicloud` for every other region. */
  cloud?: Cloud;
  /** Base URL overriding the computed host; `http://` only for loopback hosts (simulators). */
  endpoint?: string;
  /** Seconds or a duration string (`"45m"`, `"1h30m"`). Default per service: rds 30m, dds 60m, gaussdb 120m. */
  timeout?: number | string;
  /** Fail the deployment when the job fails (default `true`); `false` records `status: "Failed"` instead. */
  failOnJobFailure?: boolean;
  /** How long a job that is not visible yet (`DBS.200543`) is waited for. Default 60 s. */
  notFoundGrace?: number | string;
  /** Floor between two polls (seconds or duration string). Default 3 s. */
  minPollInterval?: number | string;
  /** Cap between two polls (seconds or duration string). Default 60 s. */
  maxPollInterval?: number | string;
}

export interface Failure {
  property: string;
  reason: string;
}

const MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;

const service = z.string().transform((s, ctx) => {
  const v = s.trim().toLowerCase();
  if ((SERVICES as readonly string[]).includes(v)) return v as Service;
  ctx.addIssue({
    code: "custom",
    message: `${quote(s)} is not a service this waiter knows; use one of ${SERVICES.map((x) => `"${x}"`).join(", ")}`,
  });
  return z.NEVER;
});

const jobId = z.string().transform((s, ctx) => {
  const v = s.trim();
  if (v === "")
    ctx.addIssue({ code: "custom", message: "is empty; pass the job_id the create API returned" });
  else if (v.length > 128)
    ctx.addIssue({ code: "custom", message: `is ${v.length} characters long; job IDs are UUIDs` });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  else if (/[\u0000-\u001f\u007f]/.test(v))
    ctx.addIssue({ code: "custom", message: "contains control characters" });
  // A lone surrogate has no UTF-8 form: encodeURIComponent would throw a bare URIError at the first poll.
  else if (/\p{Surrogate}/u.test(v))
    ctx.addIssue({ code: "custom", message: "contains a lone UTF-16 surrogate (a broken character)" });
  return v;
});

const projectId = projectIdSchema;
const region = regionSchema;
const cloud = cloudSchema;
const endpoint = endpointSchema;

function duration(what: string, maxSeconds: number) {
  return z.union([z.number(), z.string()]).transform((v, ctx) => {
    const r = parseDurationSeconds(v);
    if ("problem" in r) ctx.addIssue({ code: "custom", message: r.problem });
    else if (r.seconds > maxSeconds) {
      ctx.addIssue({
        code: "custom",
        message: `${quote(v)} is longer than the ${what} limit of ${maxSeconds / 3600} h`,
      });
    }
    return v;
  });
}

const boolean = z.boolean({ error: (i) => `must be true or false, got ${quote(i.input)}` });

export const inputSchemas = {
  service,
  jobId,
  projectId: projectId.optional(),
  region: region.optional(),
  cloud: cloud.optional(),
  endpoint: endpoint.optional(),
  timeout: duration("timeout", MAX_TIMEOUT_SECONDS).optional(),
  failOnJobFailure: boolean.optional(),
  notFoundGrace: duration("notFoundGrace", 3600).optional(),
  minPollInterval: duration("minPollInterval", 600).optional(),
  maxPollInterval: duration("maxPollInterval", 3600).optional(),
} as const;

export type InputKey = keyof typeof inputSchemas;
export const INPUT_KEYS = Object.keys(inputSchemas) as InputKey[];

/**
 * Validate whatever came in. Unknown values (not known until apply) pass through untouched; `null` counts as
 * absent. Returns the normalised inputs and a failure per bad field.
 */
export function validateInputs(raw: Record<string, unknown>): {
  inputs: Record<string, unknown>;
  failures: Failure[];
} {
  const inputs: Record<string, unknown> = {};
  const failures: Failure[] = [];
  for (const key of INPUT_KEYS) {
    const value = raw[key];
    if (value === UNKNOWN) {
      inputs[key] = value;
      continue;
    }
    if (value === undefined || value === null) {
      if (key === "service" || key === "jobId") {
        failures.push({
          property: key,
          reason:
            key === "service"
              ? 'is required; use "dds", "gaussdb" or "rds"'
              : "is required; pass the job_id the service's create API returned",
        });
      }
      continue;
    }
    const r = inputSchemas[key].safeParse(value);
    if (r.success) inputs[key] = r.data;
    else failures.push({ property: key, reason: r.error.issues.map((i) => i.message).join("; ") });
  }
  const min = inputs.minPollInterval;
  const max = inputs.maxPollInterval;
  if (min !== undefined && max !== undefined && min !== UNKNOWN && max !== UNKNOWN) {
    const a = parseDurationSeconds(min as string | number);
    const b = parseDurationSeconds(max as string | number);
    if ("seconds" in a && "seconds" in b && a.seconds > b.seconds) {
      failures.push({
        property: "maxPollInterval",
        reason: `must not be shorter than minPollInterval (${quote(min)})`,
      });
    }
  }
  return { inputs: { ...passThrough(raw), ...inputs }, failures };
}

/** Keys that are not ours (e.g. `__provider`) are kept as they came. */
function passThrough(raw: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(raw).filter(([k]) => !(INPUT_KEYS as string[]).includes(k)));
}

export function formatFailures(failures: readonly Failure[]): string {
  return failures.map((f) => `${f.property}: ${f.reason}`).join("\n");
}
