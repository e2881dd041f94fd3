/**
 * One wait (or one look) at a job, from inputs to outcome: resolve the target, connect, poll with the
 * policy, report progress. Shared by the dynamic provider and `getJob`.
 */
import type { SettingsSource } from "./auth/credentials";
import { type Clock, realClock } from "./clock";
import type { WaiterInputs } from "./inputs";
import type { ObservedJob } from "./job";
import { lookingFirst, progressAwarePolicy } from "./policy";
import { createProgressReporter, type ProgressOutput } from "./progress";
import { type ClientDeps, connect, resolveTarget, type Target } from "./target";
import { type PollingPolicy, type WaitOutcome, waitForJob } from "./waiter";

export interface RunDeps extends ClientDeps {
  clock?: Clock;
  write?: (line: string) => void;
  signal?: AbortSignal;
  policy?: PollingPolicy;
  /**
   * Where progress goes; default plain lines to `write`. The dynamic provider host passes one per call:
   * the resource's row, or lines labelled with its name (see ./index.ts).
   */
  output?: ProgressOutput;
  /**
   * Look at the job at once instead of after the policy's first delay: for a job that may well have ended
   * already (a resumed wait, `getJob`, the CLI). A `create` waits on a job that was just submitted and is
   * not even visible for its first seconds, so it keeps the policy's first delay.
   */
  lookFirst?: boolean;
}

/** How long one look (`getJob` without `wait`, `pulumi refresh`) may take, retries and Retry-After included. */
export const LOOK_TIMEOUT_MS = 60_000;

export async function waitForInputs(
  inputs: WaiterInputs,
  sources: readonly SettingsSource[],
  deps: RunDeps = {},
): Promise<{ outcome: WaitOutcome; target: Target }> {
  const target = resolveTarget(inputs, sources);
  const clock = deps.clock ?? realClock;
  const { client } = await connect(target, sources, { ...deps, now: deps.now ?? (() => Date.now()) });
  const report = createProgressReporter({
    service: target.service,
    jobId: target.jobId,
    ...(deps.write ? { write: deps.write } : {}),
    ...(deps.output ? { output: deps.output } : {}),
  });
  const base =
    deps.policy ??
    progressAwarePolicy({
      service: target.service,
      ...(target.minPollMs !== undefined ? { minDelayMs: target.minPollMs } : {}),
      ...(target.maxPollMs !== undefined ? { maxDelayMs: target.maxPollMs } : {}),
    });
  const policy = deps.lookFirst ? lookingFirst(base) : base;
  const outcome = await waitForJob({
    poll: (signal, deadline) => client.getJob(target.jobId, { signal, timeLeft: () => deadline.timeLeft() }),
    timeoutMs: target.timeoutMs,
    notFoundGraceMs: target.notFoundGraceMs,
    policy,
    clock,
    wallClock: () => Date.now(),
    onObservation: report,
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
  report.finish(outcome);
  return { outcome, target };
}

export async function lookOnce(
  inputs: WaiterInputs,
  sources: readonly SettingsSource[],
  deps: RunDeps = {},
): Promise<{ observed: ObservedJob; target: Target }> {
  const target = resolveTarget(inputs, sources);
  const { client } = await connect(target, sources, deps);
  const until = Date.now() + LOOK_TIMEOUT_MS;
  const observed = await client.getJob(target.jobId, {
    ...(deps.signal ? { signal: deps.signal } : {}),
    timeLeft: () => until - Date.now(),
  });
  return { observed, target };
}
