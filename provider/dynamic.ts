/**
 * The JobWaiter dynamic provider: what runs in Pulumi's dynamic provider host. The serialized provider in
 * the state only forwards to `createJobWaiterProvider()` here (see sdk/provider-stub.ts), so this code is
 * loaded from the installed package at call time and never captured.
 */

import type * as pulumi from "@pulumi/pulumi";
import { INPUT_KEYS, JOB_IDENTITY_KEYS, OUTPUT_KEYS } from "../sdk/keys";
import { configSource, type SettingsSource } from "./auth/credentials";
import { ambientSources } from "./auth/credentials-file";
import type { Clock } from "./clock";
import { defined } from "./defined";
import { errorForOutcome, formatFailures, JobApiError, JobWaitError, PartialFailureError } from "./errors";
import { requireValidInputs, validateInputs, type WaiterInputs } from "./inputs";
import type { Job } from "./job";
import type { ProgressOutput } from "./progress";
import { lookOnce, type RunDeps, waitForInputs } from "./run";
import { preflight } from "./target";

type Props = Record<string, unknown>;

/** Changing any of these means another job: replace. The rest only changes how we wait. */
export const REPLACE_KEYS = JOB_IDENTITY_KEYS;
const COMPARE_KEYS = INPUT_KEYS;
export { OUTPUT_KEYS };

export interface ProviderDeps {
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  write?: (line: string) => void;
  /** Aborts every wait in this provider (SIGINT/SIGTERM in the host). */
  signal?: AbortSignal;
  http?: RunDeps["http"];
  /** Where this call's progress goes (the host: the resource's row); asked once per call. */
  output?: () => ProgressOutput | undefined;
}

export function resourceId(inputs: WaiterInputs): string {
  return `${inputs.service}:${inputs.jobId}`;
}

/** The inverse of resourceId, for `JobWaiter.get(name, id)`, whose read gets only the ID and the given state. */
export function parseResourceId(id: string): Props {
  const at = id.indexOf(":");
  return at > 0 ? { service: id.slice(0, at), jobId: id.slice(at + 1) } : {};
}

export function jobOutputs(job: Job | undefined): Props {
  if (!job) return { status: "Running" };
  const duration =
    job.ended && job.created ? (Date.parse(job.ended) - Date.parse(job.created)) / 1000 : undefined;
  const out: Props = {
    status: job.status,
    jobName: job.name || undefined,
    progress: job.progress,
    created: job.created || undefined,
    ended: job.ended,
    durationSeconds:
      duration !== undefined && Number.isFinite(duration) && duration >= 0 ? duration : undefined,
    instanceId: job.instance?.id || undefined,
    instanceName: job.instance?.name,
    failReason: job.failReason,
    entities: job.entities,
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

/** Previous outputs without our output keys, so stale values never survive a fresh observation. */
function inputsOnly(props: Props): Props {
  return Object.fromEntries(
    Object.entries(props).filter(([k]) => !(OUTPUT_KEYS as readonly string[]).includes(k)),
  );
}

export function createJobWaiterProvider(deps: ProviderDeps = {}): pulumi.dynamic.ResourceProvider {
  let configGet: (key: string) => string | undefined = () => undefined;
  // Config is read once in `configure`; the environment on every call, so a changed env is honoured.
  const sources = (): SettingsSource[] => [
    configSource("jobwaiter", configGet),
    configSource("huaweicloud", configGet),
    ...ambientSources(deps.env ?? process.env),
  ];
  const runDeps = (): RunDeps => {
    const output = deps.output?.();
    return {
      ...defined({ clock: deps.clock, write: deps.write, signal: deps.signal, http: deps.http, output }),
    };
  };

  async function wait(
    id: string,
    inputs: Props,
    w: WaiterInputs,
    resuming: boolean,
  ): Promise<pulumi.dynamic.CreateResult> {
    // A resumed wait (after a timeout or an interrupt) may find the job long finished: look at once.
    const { outcome, target } = await waitForInputs(w, sources(), { ...runDeps(), lookFirst: resuming });
    const outs = (job: Job | undefined): Props => ({ ...inputsOnly(inputs), ...jobOutputs(job) });
    const error = errorForOutcome(outcome, target);
    if (!error) return { id, outs: outs(outcome.job) };
    if (error instanceof JobWaitError) {
      if (error.kind === "failed" && w.failOnJobFailure === false) return { id, outs: outs(error.job) };
      // The job keeps running: stay in the state with what was seen, so the next `pulumi up` resumes.
      if (error.kind === "timeout" || error.kind === "aborted") {
        throw new PartialFailureError(id, outs(error.job), error);
      }
    }
    throw error;
  }

  return {
    async configure(req: pulumi.dynamic.ConfigureRequest) {
      configGet = (key) => req.config.get(key);
    },

    async check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
      void olds;
      const v = validateInputs(news);
      if (v.state === "invalid") return { inputs: v.inputs, failures: v.failures };
      // `v.inputs`, not `v.values`: an input not known until apply (UNKNOWN) counts as given, so an unknown
      // `region` is not reported as a missing one.
      return { inputs: v.inputs, failures: preflight(v.inputs, sources()) };
    },

    async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
      const changed = COMPARE_KEYS.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
      const replaces = changed.filter((k) => (REPLACE_KEYS as readonly string[]).includes(k));
      return { changes: changed.length > 0, replaces, deleteBeforeReplace: false };
    },

    async create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
      const w = requireValidInputs(inputs, "invalid JobWaiter inputs");
      return wait(resourceId(w), inputs, w, false);
    },

    async update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
      const status = olds.status;
      const sameJob = REPLACE_KEYS.every((k) => JSON.stringify(olds[k]) === JSON.stringify(news[k]));
      if (sameJob && (status === "Completed" || status === "Failed")) {
        // A finished job stays finished: only the way we wait changed, so no request is made.
        return { outs: { ...inputsOnly(news), ...pickOutputs(olds) } };
      }
      const { outs } = await wait(id, news, requireValidInputs(news, "invalid JobWaiter inputs"), true);
      return { outs };
    },

    async read(id: string, stored: Props): Promise<pulumi.dynamic.ReadResult> {
      // A refresh has the full state; a `JobWaiter.get` only the ID and what the program passed.
      const props = { ...parseResourceId(id), ...stored };
      const v = validateInputs(props);
      if (v.state !== "valid") {
        if (stored.service !== undefined) return { id, props };
        const why = v.state === "invalid" ? `: ${formatFailures(v.failures).replace(/\n/g, "; ")}` : "";
        throw new Error(
          `JobWaiter.get: ${JSON.stringify(id)} is not a JobWaiter ID: pass the \`id\` of a JobWaiter, ` +
            `"<service>:<jobId>" such as "rds:2f0c..."${why}`,
        );
      }
      try {
        const { observed } = await lookOnce(v.values, sources(), runDeps());
        return { id, props: { ...inputsOnly(props), ...jobOutputs(observed.job) } };
      } catch (err) {
        // Jobs can be queried for about a month; after that the last known outputs are all there is.
        if (err instanceof JobApiError && err.details.kind === "not-found") {
          const text = `${String(props.service)} job ${String(props.jobId)} can no longer be queried (expired); keeping the last known outputs.`;
          const output = deps.output?.();
          if (output) output.final(text);
          else (deps.write ?? console.log)(`[job-waiter] ${text}`);
          return { id, props };
        }
        throw err;
      }
    },

    async delete() {
      // Waiting on a job creates nothing in the cloud, so there is nothing to delete.
    },
  };
}

function pickOutputs(props: Props): Props {
  return Object.fromEntries(
    Object.entries(props).filter(([k]) => (OUTPUT_KEYS as readonly string[]).includes(k)),
  );
}
