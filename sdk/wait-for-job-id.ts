/**
 * The plain-Node entry: wait for a job from a script, a test or a CI step, with no Pulumi engine and no stack
 * config. Credentials come from the given environment (default `process.env`) and the SDKs' credentials file.
 */

import { ambientSources } from "../provider/auth/credentials-file";
import { defined } from "../provider/defined";
import type { RunDeps } from "../provider/run";
import { readJob } from "./get-job";
import type { Job, JobWaiterInputs } from "./types";

/** Where the job is and how long to wait: the JobWaiter's inputs without `failOnJobFailure`. */
export type WaitForJobIdArgs = Omit<JobWaiterInputs, "failOnJobFailure">;

/** What a script controls that a Pulumi program does not. */
export interface WaitForJobIdOptions {
  /** Environment to read settings and credentials from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Where progress lines go while waiting; default stdout. */
  write?: (line: string) => void;
  /** Aborting it ends the wait with a `JobWaitError` of kind `aborted`. */
  signal?: AbortSignal;
}

/**
 * Waits until the job is `Completed` or `Failed` (within `timeout`) and returns it; a `Failed` job is returned,
 * not thrown. A timeout, an abort or a job that stays not found throws a `JobWaitError` (with `kind`); an API
 * error a `JobApiError`; bad arguments an `InvalidInputError` naming the field. Unlike `getJob` it also waits
 * when called during a `pulumi preview`, and it never reads Pulumi config.
 */
export function waitForJobId(args: WaitForJobIdArgs, options: WaitForJobIdOptions = {}): Promise<Job> {
  const deps: RunDeps = {
    ...defined({ write: options.write, signal: options.signal }),
  };
  return readJob({ ...args, wait: true }, ambientSources(options.env ?? process.env), deps, "waitForJobId");
}
