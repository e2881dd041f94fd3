/**
 * The one list of a `JobWaiter`'s input and output names. The provider's `check`, `diff` and `update`, the
 * input schemas and the SDK's resource declaration all take their keys from here, and `tests/types.test.ts`
 * fails to compile if these lists and the public types in `./types` ever disagree.
 */

/** Inputs that say which job this is: changing one means another job, so the waiter is replaced. */
export const JOB_IDENTITY_KEYS = ["service", "jobId", "projectId", "region", "cloud", "endpoint"] as const;

/** Inputs that only change how the waiter waits: an update, never a replacement. */
export const WAIT_SETTING_KEYS = [
  "timeout",
  "failOnJobFailure",
  "notFoundGrace",
  "minPollInterval",
  "maxPollInterval",
] as const;

/** Every input of a `JobWaiter`, in the order they are validated and reported. */
export const INPUT_KEYS = [...JOB_IDENTITY_KEYS, ...WAIT_SETTING_KEYS] as const;

/** Every output a `JobWaiter` adds to its inputs. */
export const OUTPUT_KEYS = [
  "status",
  "jobName",
  "progress",
  "created",
  "ended",
  "durationSeconds",
  "instanceId",
  "instanceName",
  "failReason",
  "entities",
] as const;

/** The name of an input. */
export type InputKey = (typeof INPUT_KEYS)[number];
/** The name of an output. */
export type OutputKey = (typeof OUTPUT_KEYS)[number];
