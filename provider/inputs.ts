/**
 * Validation of a waiter's inputs, shared by the dynamic provider's `check` (during `pulumi preview`, no
 * network) and `getJob`. Every failure names the field, what is wrong with the value, and the fix.
 */
import { z } from "zod";
import { INPUT_KEYS, type InputKey } from "../sdk/keys";
import type { JobWaiterInputs } from "../sdk/types";
import { parseDurationSeconds } from "./duration";
import { type Failure, formatFailures, InvalidInputError } from "./errors";
import { SERVICES, type Service } from "./services";
import { cloudSchema, endpointSchema, projectIdSchema, quote, regionSchema } from "./settings";

/** The value the engine puts in place of an input not known until apply (dynamic providers see it as is). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Where a job is and how to wait for it: the public `JobWaiterInputs`, defined once in the SDK's types. */
export type WaiterInputs = JobWaiterInputs;

export type { Failure };
export { formatFailures };

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

// The same schemas check these settings from config, the environment and the credentials file (settings.ts).
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

/**
 * One schema per input key; `tests/types/checks.ts` checks their types against the public `JobWaiterInputs`.
 * @internal Kept out of the published declarations (tsconfig `stripInternal`): they must not import zod.
 */
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
} as const satisfies Record<InputKey, z.ZodType>;

export { INPUT_KEYS, type InputKey };

/** What the schemas make of each input: the normalised value. */
type ParsedInputs = { [K in InputKey]?: z.output<(typeof inputSchemas)[K]> };

/**
 * The outcome of validating a waiter's inputs. `inputs` is always what goes back to the engine (normalised
 * values, unknowns and keys that are not ours, such as `__provider`, as they came).
 * - `valid`: every input known and good; `values` is typed;
 * - `pending`: good so far, but some values are not known until apply (`values` holds the known ones);
 * - `invalid`: `failures` names every bad field.
 */
export type InputValidation =
  | { state: "valid"; values: WaiterInputs; inputs: Record<string, unknown>; failures: [] }
  | {
      state: "pending";
      values: Partial<WaiterInputs>;
      unknown: InputKey[];
      inputs: Record<string, unknown>;
      failures: [];
    }
  | { state: "invalid"; inputs: Record<string, unknown>; failures: Failure[] };

/** Validate whatever came in. `null` counts as absent; a value not known until apply is left for later. */
export function validateInputs(raw: Record<string, unknown>): InputValidation {
  const values: ParsedInputs = {};
  const unknown: InputKey[] = [];
  const failures: Failure[] = [];
  for (const key of INPUT_KEYS) {
    const value = raw[key];
    if (value === UNKNOWN) {
      unknown.push(key);
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
    if (r.success) Object.assign(values, { [key]: r.data });
    else failures.push({ property: key, reason: r.error.issues.map((i) => i.message).join("; ") });
  }
  const { minPollInterval: min, maxPollInterval: max } = values;
  if (min !== undefined && max !== undefined) {
    const a = parseDurationSeconds(min);
    const b = parseDurationSeconds(max);
    if ("seconds" in a && "seconds" in b && a.seconds > b.seconds) {
      failures.push({
        property: "maxPollInterval",
        reason: `must not be shorter than minPollInterval (${quote(min)})`,
      });
    }
  }
  const inputs = {
    ...passThrough(raw),
    ...Object.fromEntries(unknown.map((k) => [k, UNKNOWN])),
    ...values,
  };
  if (failures.length > 0) return { state: "invalid", inputs, failures };
  if (unknown.length > 0) return { state: "pending", values, unknown, inputs, failures: [] };
  // No failures and nothing unknown: the required keys were present and parsed.
  const { service, jobId } = values;
  if (service === undefined || jobId === undefined) throw new Error("unreachable: required inputs missing");
  return { state: "valid", values: { ...values, service, jobId }, inputs, failures: [] };
}

/**
 * Inputs a wait can start from, or an `InvalidInputError` naming every bad field (an input still unknown at
 * this point counts as bad: `create` and `getJob` run once everything is resolved).
 */
export function requireValidInputs(raw: Record<string, unknown>, what: string): WaiterInputs {
  const v = validateInputs(raw);
  if (v.state === "valid") return v.values;
  const failures =
    v.state === "invalid"
      ? v.failures
      : v.unknown.map((property) => ({ property, reason: "is not known yet (an unresolved Output)" }));
  throw new InvalidInputError(what, failures);
}

/** Keys that are not ours (e.g. `__provider`) are kept as they came. */
function passThrough(raw: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(raw).filter(([k]) => !(INPUT_KEYS as readonly string[]).includes(k)),
  );
}
