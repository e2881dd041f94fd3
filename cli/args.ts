/**
 * The command line's grammar: subcommands, their options and help texts, parsed with `node:util` parseArgs.
 * Every mistake becomes a UsageError that names the argument, what is wrong and the fix.
 */

import { type ParseArgsConfig, parseArgs } from "node:util";
import { defined } from "../provider/defined";
import { SERVICES } from "../provider/services";

export const PROGRAM = "pulumi-job-waiter";

/** Exit codes a shell script can branch on. */
export const EXIT = { completed: 0, failed: 1, timeout: 2, error: 3, interrupted: 130 } as const;

export class UsageError extends Error {
  override readonly name = "UsageError";
  constructor(
    message: string,
    readonly command?: Command,
  ) {
    super(message);
  }
}

export type Command = "wait" | "get" | "simulator";

const COMMON_JOB_OPTIONS = `
Where the job is (each defaults like the JobWaiter's: environment variables, then the credentials file):
  --region <id>          region, e.g. eu-de (default HW_REGION_NAME / OS_REGION_NAME)
  --project <id>         project ID (default HW_PROJECT_ID / OS_PROJECT_ID / HUAWEICLOUD_SDK_PROJECT_ID)
  --cloud <name>         huaweicloud or otc (default HW_CLOUD, else otc for eu-de/eu-nl/eu-ch2)
  --endpoint <url>       base URL instead of the computed host (http:// only for 127.0.0.1, e.g. the simulator)

Output:
  --json                 print the job as JSON on stdout (progress and errors always go to stderr)
  --quiet                no progress lines on stderr
  -h, --help             this help

Credentials, first complete set wins: HW_ACCESS_KEY + HW_SECRET_KEY (+ HW_SECURITY_TOKEN), HW_AUTH_TOKEN,
HW_USER_NAME + HW_USER_PASSWORD + HW_DOMAIN_NAME; the same as OS_*; HUAWEICLOUD_SDK_AK/_SK; then the
[basic] section of $HUAWEICLOUD_SDK_CREDENTIALS_FILE or ~/.huaweicloud/credentials. Never pass secrets as
arguments: they would end up in the shell history and the process list.`;

export const HELP: Record<Command | "main", string> = {
  main: `${PROGRAM}: wait for, or read, a Huawei Cloud / Open Telekom Cloud DDS, GaussDB or RDS job.

Usage:
  ${PROGRAM} wait <service> <jobId> [options]   wait until the job has ended
  ${PROGRAM} get <service> <jobId> [options]    read the job once
  ${PROGRAM} simulator [--port N]               run the local task-center simulator
  ${PROGRAM} <command> --help                   options of a command

<service> is one of ${SERVICES.join(", ")}.
Exit codes: 0 completed, 1 the job failed, 2 timeout, 3 any other error (bad arguments, credentials, API),
130 interrupted (Ctrl-C).`,
  wait: `Usage: ${PROGRAM} wait <service> <jobId> [options]

Polls the job until it is Completed or Failed, printing progress lines on stderr.
Exit codes: 0 Completed, 1 Failed (fail_reason on stderr), 2 still running at the timeout, 3 any other error.

Waiting:
  --timeout <duration>   how long to wait: seconds or "45m", "1h30m" (default rds 30m, dds 60m, gaussdb 120m)
  --not-found-grace <d>  how long "job not found" right after creation is waited out (default 60s)
  --min-poll-interval <d>, --max-poll-interval <d>   floor and cap between two polls (default 3s, 60s)
${COMMON_JOB_OPTIONS}`,
  get: `Usage: ${PROGRAM} get <service> <jobId> [options]

Reads the job once and prints it, whatever its status.
Exit codes: 0 the job was read (Running, Completed or Failed: look at its status), 3 any error.
${COMMON_JOB_OPTIONS}`,
  simulator: `Usage: ${PROGRAM} simulator [--port N] [--exit-after SECONDS]

Runs a local DDS/GaussDB/RDS task center on 127.0.0.1 with throwaway credentials and prints its endpoints,
the credentials to export and a SIMULATOR_URL=... line. Stops on Ctrl-C, or by itself after --exit-after.
  --port <n>             port to listen on (default: any free port)
  --exit-after <s>       stop after this many seconds
  -h, --help             this help`,
};

export interface JobCommandArgs {
  command: "wait" | "get";
  service: string;
  jobId: string;
  region?: string;
  projectId?: string;
  cloud?: string;
  endpoint?: string;
  timeout?: string;
  notFoundGrace?: string;
  minPollInterval?: string;
  maxPollInterval?: string;
  json: boolean;
  quiet: boolean;
}

export interface SimulatorCommandArgs {
  command: "simulator";
  port: number;
  exitAfterSeconds?: number;
}

export type ParsedCommand = JobCommandArgs | SimulatorCommandArgs | { command: "help"; text: string };

const JOB_OPTIONS = {
  region: { type: "string" },
  project: { type: "string" },
  cloud: { type: "string" },
  endpoint: { type: "string" },
  json: { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
} as const;

const WAIT_OPTIONS = {
  ...JOB_OPTIONS,
  timeout: { type: "string" },
  "not-found-grace": { type: "string" },
  "min-poll-interval": { type: "string" },
  "max-poll-interval": { type: "string" },
} as const;

/** parseArgs with its terse errors ("Unknown option '--x'") turned into ones that say what to do. */
function parse(
  command: Command,
  argv: string[],
  options: NonNullable<ParseArgsConfig["options"]>,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const r = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: r.values as Record<string, string | boolean | undefined>, positionals: r.positionals };
  } catch (err) {
    const code = (err as { code?: string }).code;
    const msg = (err as Error).message;
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      const name = /'([^']+)'/.exec(msg)?.[1] ?? msg;
      throw new UsageError(
        `${command}: unknown option ${name}; the options are ${Object.keys(options)
          .map((o) => `--${o}`)
          .join(", ")}.`,
        command,
      );
    }
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      const name = /--([a-z-]+)/.exec(msg)?.[0] ?? "an option";
      throw new UsageError(
        `${command}: ${name} needs a value, e.g. ${name} <value> or ${name}=<value>.`,
        command,
      );
    }
    throw new UsageError(`${command}: ${msg}`, command);
  }
}

export function parseCommandLine(argv: string[]): ParsedCommand {
  const [first, ...rest] = argv;
  if (first === undefined || first === "-h" || first === "--help" || first === "help") {
    const topic = first === "help" ? rest[0] : undefined;
    if (topic && isCommand(topic)) return { command: "help", text: HELP[topic] };
    return { command: "help", text: HELP.main };
  }
  if (!isCommand(first)) {
    throw new UsageError(
      `unknown command ${JSON.stringify(first)}; use one of wait, get, simulator (see ${PROGRAM} --help).`,
    );
  }
  if (first === "simulator") return parseSimulator(rest);
  return parseJobCommand(first, rest);
}

function isCommand(s: string): s is Command {
  return s === "wait" || s === "get" || s === "simulator";
}

function parseJobCommand(
  command: "wait" | "get",
  argv: string[],
): JobCommandArgs | { command: "help"; text: string } {
  const { values, positionals } = parse(command, argv, command === "wait" ? WAIT_OPTIONS : JOB_OPTIONS);
  const v = values;
  if (v.help) return { command: "help", text: HELP[command] };
  const [service, jobId, ...extra] = positionals;
  if (service === undefined || jobId === undefined) {
    throw new UsageError(
      `${command}: ${service === undefined ? "<service> and <jobId> are" : "<jobId> is"} missing; ` +
        `run \`${PROGRAM} ${command} <service> <jobId>\` with <service> one of ${SERVICES.join(", ")}.`,
      command,
    );
  }
  if (extra.length > 0) {
    throw new UsageError(
      `${command}: unexpected argument ${JSON.stringify(extra[0])}; only <service> and <jobId> come without an option name.`,
      command,
    );
  }
  const str = (k: string) => (typeof v[k] === "string" ? (v[k] as string) : undefined);
  const out: JobCommandArgs = { command, service, jobId, json: v.json === true, quiet: v.quiet === true };
  const map: Array<[keyof JobCommandArgs, string]> = [
    ["region", "region"],
    ["projectId", "project"],
    ["cloud", "cloud"],
    ["endpoint", "endpoint"],
    ["timeout", "timeout"],
    ["notFoundGrace", "not-found-grace"],
    ["minPollInterval", "min-poll-interval"],
    ["maxPollInterval", "max-poll-interval"],
  ];
  for (const [field, flag] of map) {
    const value = str(flag);
    if (value !== undefined) (out as unknown as Record<string, unknown>)[field] = value;
  }
  return out;
}

function parseSimulator(argv: string[]): SimulatorCommandArgs | { command: "help"; text: string } {
  // Loaded here, not at the top: `wait`, `get` and `--help` need none of the simulator's modules.
  const { parseSimulatorArgs } = require("../simulator/cli") as typeof import("../simulator/cli");
  let parsed: ReturnType<typeof parseSimulatorArgs>;
  try {
    parsed = parseSimulatorArgs(argv);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      const name = /'([^']+)'/.exec((err as Error).message)?.[1] ?? "";
      throw new UsageError(
        `simulator: unknown option ${name}; the options are --port, --exit-after, --help.`,
        "simulator",
      );
    }
    throw new UsageError(`simulator: ${(err as Error).message}`, "simulator");
  }
  if (parsed.help) return { command: "help", text: HELP.simulator };
  return {
    command: "simulator",
    port: parsed.port ?? 0,
    ...defined({ exitAfterSeconds: parsed.exitAfterSeconds }),
  };
}

/** Input names in validation messages, said as the flags a CLI user types. */
export const FLAG_OF: Record<string, string> = {
  service: "<service>",
  jobId: "<jobId>",
  projectId: "--project",
  region: "--region",
  cloud: "--cloud",
  endpoint: "--endpoint",
  timeout: "--timeout",
  notFoundGrace: "--not-found-grace",
  minPollInterval: "--min-poll-interval",
  maxPollInterval: "--max-poll-interval",
};
