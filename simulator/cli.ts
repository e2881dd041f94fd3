/**
 * `npm run simulator`: a local task center on 127.0.0.1 with throwaway credentials. Stops on Ctrl-C, or by
 * itself after `--exit-after SECONDS`.
 */
import { SERVICES } from "../provider/services";
import { startSimulator } from "./server";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main() {
  const port = Number(arg("--port") ?? 0);
  const exitAfter = arg("--exit-after");
  const sim = await startSimulator({ port });
  const c = sim.credentials;
  const out = [
    `Job simulator (task center for ${SERVICES.join(", ")}) listening on ${sim.url}`,
    "",
    ...SERVICES.map((s) => `  ${s.padEnd(8)} endpoint: ${sim.endpoint(s)}`),
    `  iam      endpoint: ${sim.iamEndpoint}`,
    "",
    "Throwaway credentials, valid only for this simulator:",
    `  export HW_ACCESS_KEY=${c.accessKey}`,
    `  export HW_SECRET_KEY=${c.secretKey}`,
    `  export HW_PROJECT_ID=${c.projectId}`,
    `  export HW_REGION_NAME=${c.region}`,
    "",
    "Create a 30-second RDS job that completes, then wait for it with a JobWaiter (endpoint above):",
    `  curl -s -X POST ${sim.url}/_admin/jobs -d '{"service":"rds","durationMs":30000}'`,
    "",
    `SIMULATOR_URL=${sim.url}`,
  ];
  console.log(out.join("\n"));
  const stop = async () => {
    await sim.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  if (exitAfter) setTimeout(stop, Number(exitAfter) * 1000).unref();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
