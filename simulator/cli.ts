/**
 * `npm run simulator` / `node dist/simulator/cli.js [--port N] [--exit-after SECONDS]`: a local task center on
 * 127.0.0.1 with throwaway credentials. Stops on Ctrl-C / SIGTERM, or by itself after --exit-after seconds.
 * Prints one machine-readable line, `SIMULATOR_URL=http://127.0.0.1:PORT`, for scripts.
 */

import { startSimulator } from "./server";
import { SIM_SERVICES } from "./services";

const USAGE = "usage: node dist/simulator/cli.js [--port N] [--exit-after SECONDS]";

function parseArgs(argv: string[]): { port: number; exitAfterSeconds?: number } {
  let port = 0;
  let exitAfterSeconds: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [name, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${name} needs a value\n${USAGE}`);
      return v;
    };
    if (name === "--help" || name === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else if (name === "--port") {
      port = Number(value());
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new Error(`--port: not a port\n${USAGE}`);
    } else if (name === "--exit-after") {
      exitAfterSeconds = Number(value());
      if (!(exitAfterSeconds >= 0)) throw new Error(`--exit-after: not a number of seconds\n${USAGE}`);
    } else {
      throw new Error(`unknown argument ${a}\n${USAGE}`);
    }
  }
  return { port, ...(exitAfterSeconds !== undefined ? { exitAfterSeconds } : {}) };
}

async function main() {
  const { port, exitAfterSeconds } = parseArgs(process.argv.slice(2));
  const sim = await startSimulator({ port });
  const c = sim.credentials;
  console.log(
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
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  if (exitAfterSeconds !== undefined) setTimeout(stop, exitAfterSeconds * 1000);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
