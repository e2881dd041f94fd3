/**
 * `npm run bench:scale`: 1,000 concurrent waiters in one process (as in one dynamic provider host) against
 * the simulator running in another process with an API-gateway limit switched on. Reports completions, 429s,
 * requests, wall time, peak RSS and CPU time of the waiter process. Loopback only; stops by itself.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createJobWaiterProvider } from "../provider/dynamic";
import { SimulatorAdmin } from "../simulator/admin-client";
import { rng } from "../tests/support/rng";

const N = Number(process.env.BENCH_WAITERS ?? 1000);
const GATEWAY = { ratePerSecond: Number(process.env.BENCH_GATEWAY_RPS ?? 60), burst: 60 };

async function startSimulatorProcess(): Promise<{ url: string; stop: () => void }> {
  const p = spawn(process.execPath, [join(__dirname, "../simulator/cli.js"), "--exit-after", "1800"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    p.stdout.on("data", (d) => {
      out += d;
      const m = /SIMULATOR_URL=(\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    p.on("exit", (code) => reject(new Error(`simulator exited ${code}`)));
  });
  return { url, stop: () => p.kill("SIGTERM") };
}

async function main() {
  const sim = await startSimulatorProcess();
  const admin = new SimulatorAdmin(sim.url);
  const creds = await admin.credentials();
  await admin.setGatewayLimit(GATEWAY);
  const r = rng(42);
  const specs = Array.from({ length: N }, (_, i) => ({
    service: (["rds", "dds", "gaussdb"] as const)[i % 3]!,
    durationMs: 30_000 + Math.floor(r() * 60_000),
    visibleAfterMs: Math.floor(r() * 3_000),
  }));
  const created = await admin.createJobs(specs);
  const jobs = specs.map((spec, i) => ({ ...spec, id: created[i]!.id }));
  const rssBefore = process.resourceUsage().maxRSS / 1024;
  await admin.clearRequests();
  const provider = createJobWaiterProvider({
    env: { HW_ACCESS_KEY: creds.accessKey, HW_SECRET_KEY: creds.secretKey, HW_PROJECT_ID: creds.projectId },
    write: () => {},
  });
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  const results = await Promise.allSettled(
    jobs.map((j) =>
      provider.create({
        service: j.service,
        jobId: j.id,
        endpoint: `${sim.url}/${j.service}`,
        timeout: "20m",
      }),
    ),
  );
  const wallS = (Date.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const log = await admin.requests();
  sim.stop();
  const completed = results.filter(
    (x) => x.status === "fulfilled" && x.value.outs.status === "Completed",
  ).length;
  const failures = results
    .filter((x) => x.status === "rejected")
    .map((x) => String((x as PromiseRejectedResult).reason).slice(0, 200));
  const throttled = log.filter((q) => q.status === 429).length;
  const rows: Array<[string, string]> = [
    ["waiters", String(N)],
    ["gateway limit (simulator)", `${GATEWAY.ratePerSecond} req/s, burst ${GATEWAY.burst}`],
    [
      "client limit per endpoint",
      `${process.env.PULUMI_JOB_WAITER_RATE_LIMIT ?? 20} req/s (PULUMI_JOB_WAITER_RATE_LIMIT)`,
    ],
    ["completed correctly", `${completed} / ${N}`],
    ["job API requests", String(log.length)],
    ["429 responses", `${throttled} (${((100 * throttled) / Math.max(1, log.length)).toFixed(2)} %)`],
    ["requests per job", (log.length / N).toFixed(1)],
    ["wall time", `${wallS.toFixed(1)} s (jobs take 30..90 s)`],
    [
      "peak RSS",
      `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (${rssBefore.toFixed(0)} MB before the waiters started)`,
    ],
    ["CPU time (user+sys)", `${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`],
    [
      "heap used / external at the end",
      `${(process.memoryUsage().heapUsed / 1048576).toFixed(0)} MB / ${(process.memoryUsage().external / 1048576).toFixed(0)} MB`,
    ],
  ];
  console.log("Scale: concurrent waiters in one process against the simulator with a gateway limit\n");
  const w = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`| ${k.padEnd(w)} | ${v}`);
  if (failures.length) console.log(`\nfailures (first 3):\n${failures.slice(0, 3).join("\n")}`);
  process.exit(completed === N ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
