#!/usr/bin/env node
/**
 * `pulumi-job-waiter`: the package's command line, for shell scripts and CI steps outside Pulumi.
 * `wait` / `get` a job, or run the `simulator`. See `pulumi-job-waiter --help` and docs/cli.md.
 */
import { defined } from "../provider/defined";
import { EXIT, parseCommandLine, UsageError } from "./args";
import type { CliIo } from "./job-command";

/** Runs one command line and resolves to its exit code. Never calls process.exit, so output is flushed. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(
      `${err.message}\nRun \`pulumi-job-waiter ${err.command ? `${err.command} ` : ""}--help\` for the usage.`,
    );
    return EXIT.error;
  }
  try {
    switch (parsed.command) {
      case "help":
        io.stdout(parsed.text);
        return EXIT.completed;
      case "simulator": {
        // Loaded only here: `wait` and `get` do not need the simulator's modules.
        const { serveSimulator } = await import("../simulator/cli.js");
        await serveSimulator({
          port: parsed.port,
          ...defined({ exitAfterSeconds: parsed.exitAfterSeconds }),
          write: io.stdout,
        });
        return EXIT.completed;
      }
      default: {
        // The client stack (ky, zod, the signer) is loaded only for a command that talks to an API.
        const { runJobCommand } = await import("./job-command.js");
        return await runJobCommand(parsed, io);
      }
    }
  } catch (err) {
    // Ctrl-C before the wait loop took over (a `get`, an IAM login): still "interrupted", not an error.
    if (io.signal?.aborted) return EXIT.interrupted;
    if (err instanceof UsageError) {
      io.stderr(`${err.message}\nRun \`pulumi-job-waiter ${parsed.command} --help\` for the usage.`);
      return EXIT.error;
    }
    io.stderr(`pulumi-job-waiter: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT.error;
  }
}

/** The process side: real streams, Ctrl-C aborts a wait (a second Ctrl-C ends the process at once). */
export function runCli(argv: string[]): void {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    controller.abort(new Error("interrupted (SIGINT)"));
  };
  const isSimulator = argv[0] === "simulator";
  // The simulator handles its own signals.
  if (!isSimulator) process.on("SIGINT", onSigint);
  main(argv, {
    env: process.env,
    stdout: (t) => process.stdout.write(`${t}\n`),
    stderr: (t) => process.stderr.write(`${t}\n`),
    signal: controller.signal,
  }).then(
    (code) => {
      process.off("SIGINT", onSigint);
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`pulumi-job-waiter: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = EXIT.error;
    },
  );
}

if (require.main === module) runCli(process.argv.slice(2));
