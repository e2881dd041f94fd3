/**
 * One wait (or one look) at a job, from inputs to outcome: resolve the target, connect, poll with the
 * policy, report progress. Shared by the dynamic provider and `getJob`.
 */

import type { SettingsSource } from "./auth/credentials";
import { type Clock, Deadline, realClock } from "./clock";
import { defined } from "./defined";
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

/** Where the job is and a client for it: settings resolved, credentials checked (an IAM login if needed). */
async function open(inputs: WaiterInputs, sources: readonly SettingsSource[], deps: RunDeps) {
  const target = resolveTarget(inputs, sources);
  const { client } = await connect(target, sources, { ...deps, now: deps.now ?? (() => Date.now()) });
  return { target, client };
}

/** Waits for the job until it ends, the timeout passes or `deps.signal` aborts; progress goes to `deps`. */
export async function waitForInputs(
  inputs: WaiterInputs,
  sources: readonly SettingsSource[],
  deps: RunDeps = {},
): Promise<{ outcome: WaitOutcome; target: Target }> {
  const { target, client } = await open(inputs, sources, deps);
  const clock = deps.clock ?? realClock;
  const report = createProgressReporter({
    service: target.service,
    jobId: target.jobId,
    ...defined({ write: deps.write, output: deps.output }),
  });
  const base =
    deps.policy ??
    progressAwarePolicy({
      service: target.service,
      ...defined({ minDelayMs: target.minPollMs, maxDelayMs: target.maxPollMs }),
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
    ...defined({ signal: deps.signal }),
  });
  report.finish(outcome);
  return { outcome, target };
}

/** One look at the job, within `LOOK_TIMEOUT_MS`. */
export async function lookOnce(
  inputs: WaiterInputs,
  sources: readonly SettingsSource[],
  deps: RunDeps = {},
): Promise<{ observed: ObservedJob; target: Target }> {
  const { target, client } = await open(inputs, sources, deps);
  // The look's own deadline: its signal ends a request still in flight at LOOK_TIMEOUT_MS, retries included.
  const deadline = new Deadline(realClock, LOOK_TIMEOUT_MS, 0);
  try {
    const signal = deps.signal ? AbortSignal.any([deps.signal, deadline.signal]) : deadline.signal;
    const observed = await client.getJob(target.jobId, { signal, timeLeft: () => deadline.timeLeft() });
    return { observed, target };
  } finally {
    deadline.dispose();
  }
}
