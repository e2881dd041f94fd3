import * as pulumi from "@pulumi/pulumi";
import { configSource, type SettingsSource } from "../provider/auth/credentials";
import { ambientSources } from "../provider/auth/credentials-file";
import { describeFailedJob, errorForOutcome, JobWaitError } from "../provider/errors";
import { requireValidInputs } from "../provider/inputs";
import type { Job } from "../provider/job";
import { lookOnce, type RunDeps, waitForInputs } from "../provider/run";
import { warnAboutPlainTextCredentials } from "./config-guard";
import type { GetJobArgs, GetJobOutputArgs, GetJobResult } from "./types";

/**
 * Pulumi's `InvokeOutputOptions`, declared here because `@pulumi/pulumi` before 3.14x has no such type; a
 * `pulumi.InvokeOutputOptions` value fits it. `dependsOn` is honoured: the job is read only once every listed
 * resource has been created (its `id` is known; a component's `urn`). During a preview where a dependency is
 * still to be created, the result is unknown, as with any Pulumi invoke.
 */
export interface GetJobOutputOptions extends pulumi.InvokeOptions {
  /** Resources that must exist before the job is read: one, a list, or an Output of either. */
  dependsOn?: pulumi.Input<pulumi.Input<pulumi.Resource>[]> | pulumi.Input<pulumi.Resource>;
}

/** Where `getJob` looks for settings in a program: the stack config, then the environment and the SDK file. */
function programSources(): SettingsSource[] {
  const get = (key: string) => {
    try {
      return pulumi.runtime.getConfig(key);
    } catch {
      return undefined;
    }
  };
  return [configSource("jobwaiter", get), configSource("huaweicloud", get), ...ambientSources(process.env)];
}

/**
 * The one way from arguments to a job, for `getJob` (program) and `waitForJobId` (plain Node). In a
 * program a preview only looks; a script (`what: "waitForJobId"`) always does what it was asked.
 * @internal
 */
export async function readJob(
  args: GetJobArgs,
  sources: readonly SettingsSource[],
  deps: RunDeps,
  what: "getJob" | "getJobOutput" | "waitForJobId",
): Promise<Job> {
  const { wait, ...rest } = args;
  const w = requireValidInputs({ ...rest }, `${what}: invalid arguments`);
  const preview = what !== "waitForJobId" && pulumi.runtime.isDryRun();
  if (!wait || preview) return (await lookOnce(w, sources, deps)).observed.job;
  // The job exists already (its ID came from somewhere): the first look goes at once.
  const { outcome, target } = await waitForInputs(w, sources, { ...deps, lookFirst: true });
  if (outcome.state === "completed" || outcome.state === "failed") return outcome.job;
  throw errorForOutcome(outcome, target, "retry");
}

/**
 * Reads a job in a Pulumi program, or with `wait: true` waits until it has ended (within `timeout`) and
 * returns it. A `Failed` job is returned, not thrown: look at `status` and `failReason`. During
 * `pulumi preview` it never waits, it only looks. Settings and credentials: Pulumi config (`jobwaiter:`,
 * `huaweicloud:`), then the environment. `opts` follows Pulumi's invoke convention; there is no provider
 * plugin behind it, so `provider`, `version` and `pluginDownloadURL` have nothing to select, and `parent`
 * only attributes the plain-text credential warning. For plain Node scripts use `waitForJobId`.
 */
export async function getJob(args: GetJobArgs, opts?: pulumi.InvokeOptions): Promise<GetJobResult> {
  warnAboutPlainTextCredentials(opts?.parent ? { resource: opts.parent } : {});
  return readJob(args, programSources(), {}, "getJob");
}

/** `getJob` with Inputs in and an Output out; honours `dependsOn` (see `GetJobOutputOptions`). */
export function getJobOutput(
  args: GetJobOutputArgs,
  opts?: GetJobOutputOptions,
): pulumi.Output<GetJobResult> {
  warnAboutPlainTextCredentials(opts?.parent ? { resource: opts.parent } : {});
  return pulumi
    .all([pulumi.output(args), created(opts?.dependsOn)])
    .apply(([a]) => readJob(a as GetJobArgs, programSources(), {}, "getJobOutput"));
}

/**
 * Known once every resource in `dependsOn` exists: a custom resource's `id` resolves only after its create
 * has finished (its `urn` already at registration); a component has no id, so its `urn` is what there is.
 */
function created(dependsOn: GetJobOutputOptions["dependsOn"]): pulumi.Output<unknown[]> {
  if (dependsOn === undefined) return pulumi.output([]);
  const deps = pulumi.output(dependsOn as pulumi.Input<object>) as pulumi.Output<unknown>;
  return deps.apply((d) => {
    const list = (Array.isArray(d) ? d : [d]) as pulumi.Resource[];
    return pulumi.all(list.map((r) => (pulumi.CustomResource.isInstance(r) ? r.id : r.urn)));
  });
}

/** A failed job as an Error, for programs that want to throw on it. */
export function jobFailure(service: GetJobArgs["service"], jobId: string, job: Job): JobWaitError {
  return new JobWaitError("failed", describeFailedJob(service, jobId, job), { service, jobId, job });
}
