/**
 * `wait` and `get`: the same inputs, settings sources and wait loop as the JobWaiter resource, minus Pulumi.
 * Credentials come from the environment and the SDKs' credentials file only (there is no stack config outside
 * a program). The outcome becomes an exit code; the job goes to stdout, everything a person reads to stderr.
 */

import { CredentialsError } from "../provider/auth/credentials";
import { ambientSources } from "../provider/auth/credentials-file";
import { defined } from "../provider/defined";
import { errorForOutcome, JobApiError, SettingsError } from "../provider/errors";
import { validateInputs, type WaiterInputs } from "../provider/inputs";
import type { Job } from "../provider/job";
import { lookOnce, waitForInputs } from "../provider/run";
import { EXIT, FLAG_OF, type JobCommandArgs, UsageError } from "./args";
import { formatJob } from "./format";

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  signal?: AbortSignal;
}

/** The CLI's arguments as waiter inputs, validated by the same schemas as the resource's inputs. */
export function toInputs(args: JobCommandArgs): WaiterInputs {
  const raw: Record<string, unknown> = {
    service: args.service,
    jobId: args.jobId,
    projectId: args.projectId,
    region: args.region,
    cloud: args.cloud,
    endpoint: args.endpoint,
    timeout: args.timeout,
    notFoundGrace: args.notFoundGrace,
    minPollInterval: args.minPollInterval,
    maxPollInterval: args.maxPollInterval,
  };
  const v = validateInputs(raw);
  if (v.state === "valid") return v.values;
  // Nothing on a command line is unknown until apply, so anything but valid is invalid.
  const failures = v.state === "invalid" ? v.failures : [];
  throw new UsageError(
    failures.map((f) => `${args.command}: ${FLAG_OF[f.property] ?? f.property} ${f.reason}`).join("\n"),
    args.command,
  );
}

export async function runJobCommand(args: JobCommandArgs, io: CliIo): Promise<number> {
  const inputs = toInputs(args);
  const sources = ambientSources(io.env);
  // Progress never goes to stdout, which holds only the job: --quiet drops the lines rather than defaulting.
  const progress = { write: args.quiet ? () => {} : (line: string) => io.stderr(line) };
  const printJob = (job: Job) => io.stdout(args.json ? JSON.stringify(job, null, 2) : formatJob(job));
  try {
    if (args.command === "get") {
      const { observed } = await lookOnce(inputs, sources, io.signal ? { signal: io.signal } : {});
      printJob(observed.job);
      return EXIT.completed;
    }
    // A job given on the command line exists already: the first look goes at once.
    const { outcome, target } = await waitForInputs(inputs, sources, {
      lookFirst: true,
      ...progress,
      ...defined({ signal: io.signal }),
    });
    if (outcome.state === "completed") {
      printJob(outcome.job);
      return EXIT.completed;
    }
    // Whatever is known of the job still goes to stdout, so a script can read its status and fail_reason.
    if (args.json && outcome.job) printJob(outcome.job);
    const error = errorForOutcome(outcome, target, "cli");
    const message = error?.message ?? `${inputs.service} job ${inputs.jobId}: ${outcome.state}`;
    io.stderr(outcome.state === "failed" ? message.replace(PULUMI_ONLY_ADVICE, ".") : message);
    return outcome.state === "failed"
      ? EXIT.failed
      : outcome.state === "timeout"
        ? EXIT.timeout
        : outcome.state === "aborted"
          ? EXIT.interrupted
          : EXIT.error;
  } catch (err) {
    if (err instanceof SettingsError) {
      io.stderr(`${args.command}: ${err.message}${settingsHint(err.property)}`);
      return EXIT.error;
    }
    if (err instanceof CredentialsError || err instanceof JobApiError) {
      io.stderr(`${args.command}: ${err.message}`);
      return EXIT.error;
    }
    throw err;
  }
}

// describeFailedJob speaks to Pulumi users; a shell user has no failOnJobFailure to set.
const PULUMI_ONLY_ADVICE = /; set failOnJobFailure: false[^.]*\./;

function settingsHint(property: string): string {
  const flag = FLAG_OF[property];
  return flag?.startsWith("--") ? ` On the command line: ${flag}.` : "";
}
