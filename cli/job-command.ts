/**
 * `wait` and `get`: the same inputs, settings sources and wait loop as the JobWaiter resource, minus Pulumi.
 * Credentials come from the environment and the SDKs' credentials file only (there is no stack config outside
 * a program). The outcome becomes an exit code; the job goes to stdout, everything a person reads to stderr.
 */
import { CredentialsError } from "../provider/auth/credentials";
import { ambientSources } from "../provider/auth/credentials-file";
import { describeFailedJob, JobApiError, jobLabel } from "../provider/errors";
import { validateInputs, type WaiterInputs } from "../provider/inputs";
import type { Job } from "../provider/job";
import { describeNotFound, lookOnce, waitForInputs } from "../provider/run";
import { SettingsError } from "../provider/target";
import { formatElapsed } from "../provider/time";
import { EXIT, FLAG_OF, type JobCommandArgs, PROGRAM, UsageError } from "./args";
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
  const { inputs, failures } = validateInputs(raw);
  if (failures.length > 0) {
    throw new UsageError(
      failures.map((f) => `${args.command}: ${FLAG_OF[f.property] ?? f.property} ${f.reason}`).join("\n"),
      args.command,
    );
  }
  return inputs as unknown as WaiterInputs;
}

export async function runJobCommand(args: JobCommandArgs, io: CliIo): Promise<number> {
  const inputs = toInputs(args);
  const sources = ambientSources(io.env);
  const progress = args.quiet ? {} : { write: (line: string) => io.stderr(line) };
  const printJob = (job: Job) => io.stdout(args.json ? JSON.stringify(job, null, 2) : formatJob(job));
  try {
    if (args.command === "get") {
      const { observed } = await lookOnce(inputs, sources, io.signal ? { signal: io.signal } : {});
      printJob(observed.job);
      return EXIT.completed;
    }
    const { outcome, target } = await waitForInputs(inputs, sources, {
      ...progress,
      ...(io.signal ? { signal: io.signal } : {}),
    });
    switch (outcome.state) {
      case "completed":
        printJob(outcome.job);
        return EXIT.completed;
      case "failed":
        if (args.json) printJob(outcome.job);
        io.stderr(
          describeFailedJob(inputs.service, inputs.jobId, outcome.job).replace(PULUMI_ONLY_ADVICE, "."),
        );
        return EXIT.failed;
      case "timeout": {
        if (args.json && outcome.job) printJob(outcome.job);
        const seen = outcome.job
          ? `last seen ${outcome.job.status}${outcome.job.progress !== undefined ? ` ${outcome.job.progress}%` : ""}`
          : "never seen by the API";
        const last = outcome.lastError ? `; last error: ${outcome.lastError.message}` : "";
        io.stderr(
          `${jobLabel(inputs.service, inputs.jobId, outcome.job)} did not finish within the timeout of ` +
            `${formatElapsed(target.timeoutMs)} (${seen}${last}). The job keeps running in the cloud; run ` +
            `\`${PROGRAM} wait\` again to keep waiting, or raise --timeout.`,
        );
        return EXIT.timeout;
      }
      case "aborted":
        if (args.json && outcome.job) printJob(outcome.job);
        io.stderr(
          `${jobLabel(inputs.service, inputs.jobId, outcome.job)}: interrupted; the job keeps running in the cloud.`,
        );
        return EXIT.interrupted;
      case "error": {
        const e = outcome.error;
        io.stderr(
          e instanceof JobApiError && e.kind === "not-found"
            ? describeNotFound(target, e, outcome.notFoundForMs)
            : e.message,
        );
        return EXIT.error;
      }
    }
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
