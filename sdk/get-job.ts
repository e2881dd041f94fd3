import * as pulumi from "@pulumi/pulumi";
import { configSource, type SettingsSource } from "../provider/auth/credentials";
import { ambientSources } from "../provider/auth/credentials-file";
import { describeFailedJob, errorForOutcome, JobWaitError } from "../provider/errors";
import { requireValidInputs } from "../provider/inputs";
import type { Job } from "../provider/job";
import { lookOnce, type RunDeps, waitForInputs } from "../provider/run";
import type { GetJobArgs, GetJobOutputArgs } from "./types";

/** Options for `getJob` outside a Pulumi program (scripts, tests). */
export interface GetJobOptions {
  /** Environment to read credentials from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Where progress lines go while waiting; default stdout. */
  write?: (line: string) => void;
  /** Stops the wait: `getJob` then rejects with a `JobWaitError` of kind `aborted`. */
  signal?: AbortSignal;
}

function sources(env: NodeJS.ProcessEnv): SettingsSource[] {
  // Inside a Pulumi program the stack config is readable; in a plain Node process these find nothing.
  const get = (key: string) => {
    try {
      return pulumi.runtime.getConfig(key);
    } catch {
      return undefined;
    }
  };
  return [configSource("jobwaiter", get), configSource("huaweicloud", get), ...ambientSources(env)];
}

/**
 * Reads a job, or with `wait: true` waits until it has ended (within `timeout`) and returns it. A `Failed`
 * job is returned, not thrown: look at `status` and `failReason`. Works in a Pulumi program and in a plain
 * Node process (credentials from the environment). During `pulumi preview` it never waits, it only looks.
 */
export async function getJob(args: GetJobArgs, options: GetJobOptions = {}): Promise<Job> {
  const { wait, ...rest } = args;
  const w = requireValidInputs({ ...rest }, "getJob: invalid arguments");
  const src = sources(options.env ?? process.env);
  const deps: RunDeps = {
    ...(options.write ? { write: options.write } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  if (!wait || pulumi.runtime.isDryRun()) return (await lookOnce(w, src, deps)).observed.job;
  const { outcome, target } = await waitForInputs(w, src, deps);
  if (outcome.state === "completed" || outcome.state === "failed") return outcome.job;
  throw errorForOutcome(outcome, target, "retry");
}

/** `getJob` for Pulumi programs: takes Inputs, returns an Output that resolves once the job is read. */
export function getJobOutput(
  args: GetJobOutputArgs,
  opts?: { dependsOn?: pulumi.Input<pulumi.Resource>[] },
): pulumi.Output<Job> {
  const deps = (opts?.dependsOn ?? []).map((r) => pulumi.output(r).apply((res) => res.urn));
  return pulumi.all([pulumi.output(args), pulumi.all(deps)]).apply(([a]) => getJob(a as GetJobArgs));
}

/** A failed job as an Error, for programs that want to throw on it. */
export function jobFailure(service: GetJobArgs["service"], jobId: string, job: Job): JobWaitError {
  return new JobWaitError("failed", describeFailedJob(service, jobId, job), { service, jobId, job });
}
