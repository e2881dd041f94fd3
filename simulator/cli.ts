/**
 * `npm run simulator` / `pulumi-job-waiter simulator` / `node dist/simulator/cli.js [--port N] [--exit-after
 * SECONDS]`: a local task center on 127.0.0.1 with throwaway credentials. Stops on Ctrl-C / SIGTERM, or by
 * itself after --exit-after seconds. Prints one machine-readable line, `SIMULATOR_URL=http://127.0.0.1:PORT`,
 * for scripts. The command line is parsed by the package's CLI (cli/args.ts); this file serves.
 */

import { parseArgs } from "node:util";
import { startSimulator } from "./server";
import { SIM_SERVICES } from "./services";

export interface ServeOptions {
  port?: number;
  exitAfterSeconds?: number;
  /** Where the banner goes; default stdout. */
  write?: (text: string) => void;
}

/** Starts the simulator, prints how to use it, and resolves once it has stopped (signal or --exit-after). */
export async function serveSimulator(opts: ServeOptions = {}): Promise<void> {
  const { exitAfterSeconds } = opts;
  const write = opts.write ?? ((text: string) => process.stdout.write(`${text}\n`));
  const sim = await startSimulator({ port: opts.port ?? 0 });
  const c = sim.credentials;
  write(
    [
      `Job simulator (DDS, GaussDB and RDS task centers) listening on ${sim.url} (loopback only)`,
      "",
      ...SIM_SERVICES.map((s) => `  ${s.padEnd(8)} endpoint  ${sim.endpoint(s)}`),
      `  iam      endpoint  ${sim.iamEndpoint}`,
      "",
      "Throwaway credentials, valid only for this simulator while it runs:",
      `  export HW_ACCESS_KEY=${c.accessKey}`,
      `  export HW_SECRET_KEY=${c.secretKey}`,
      `  export HW_PROJECT_ID=${c.projectId}`,
      `  export HW_REGION_NAME=${c.region}`,
      `  # IAM password login instead: HW_USER_NAME=${c.username} HW_USER_PASSWORD=${c.password} HW_DOMAIN_NAME=${c.domainName} HW_AUTH_URL=${sim.iamEndpoint}`,
      "",
      "Create a 30-second RDS job (prints its id), then wait for it with a JobWaiter on the rds endpoint:",
      `  curl -s -X POST ${sim.url}/_admin/jobs -H 'Content-Type: application/json' -d '{"service":"rds","durationMs":30000}'`,
      "",
      exitAfterSeconds !== undefined
        ? `Stops by itself after ${exitAfterSeconds} s, or on Ctrl-C.`
        : "Stop with Ctrl-C.",
      `SIMULATOR_URL=${sim.url}`,
    ].join("\n"),
  );
  await new Promise<void>((resolve, reject) => {
    let stopping = false;
    let timer: NodeJS.Timeout | undefined;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      if (timer) clearTimeout(timer);
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      sim.close().then(resolve, reject);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    if (exitAfterSeconds !== undefined) timer = setTimeout(stop, exitAfterSeconds * 1000);
  });
}

/**
 * `--port N`, `--exit-after SECONDS`, `--help`: the simulator's command line, shared by
 * `pulumi-job-waiter simulator` and running this file directly. Throws an Error naming the fix.
 */
export function parseSimulatorArgs(argv: string[]): ServeOptions & { help: boolean } {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      port: { type: "string" },
      "exit-after": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 0) throw new Error(`unexpected argument ${JSON.stringify(positionals[0])}.`);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(
      `--port ${JSON.stringify(values.port)} is not a port; use a number from 0 to 65535 (0: any free port).`,
    );
  }
  const out: ServeOptions & { help: boolean } = { port, help: values.help === true };
  if (values["exit-after"] !== undefined) {
    const s = Number(values["exit-after"]);
    if (!(s >= 0)) {
      throw new Error(
        `--exit-after ${JSON.stringify(values["exit-after"])} is not a number of seconds; use e.g. --exit-after 600.`,
      );
    }
    out.exitAfterSeconds = s;
  }
  return out;
}

if (require.main === module) {
  // Kept for scripts that run this file directly (the simulator imports nothing of the package's CLI).
  try {
    const opts = parseSimulatorArgs(process.argv.slice(2));
    if (opts.help) {
      console.log(
        "usage: node dist/simulator/cli.js [--port N] [--exit-after SECONDS] (or: pulumi-job-waiter simulator)",
      );
    } else {
      serveSimulator(opts).catch((err: unknown) => {
        console.error(err instanceof Error ? err.message : String(err));
        process.exitCode = 1;
      });
    }
  } catch (err) {
    console.error(
      `${(err as Error).message}\nusage: node dist/simulator/cli.js [--port N] [--exit-after SECONDS]`,
    );
    process.exitCode = 1;
  }
}
