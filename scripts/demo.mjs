// `npm run demo`: the whole product in one command, offline. Starts the local task-center simulator, creates
// three jobs (RDS instance, DDS replica set, GaussDB instance), runs a real `pulumi up` of the top-level
// Pulumi.yaml program against them (file backend and passphrase secrets in a temp dir), prints the stack
// outputs, then `pulumi destroy` and cleans up.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const started = Date.now();
const step = (n, text) => console.log(`\n\x1b[1m[demo ${n}/6]\x1b[0m ${text}`);
const secs = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

step(
  1,
  "Ensuring the Pulumi CLI (built once from Pulumi's Go modules, then cached in ~/.cache/pulumi-job-waiter)",
);
const bin = execFileSync("bash", [join(root, "scripts/install-pulumi.sh")], {
  encoding: "utf8",
  stdio: ["ignore", "pipe", "inherit"],
})
  .trim()
  .split("\n")
  .pop();

step(
  2,
  "Starting the task-center simulator on 127.0.0.1 (throwaway credentials, nothing leaves this machine)",
);
const { startSimulator } = require(join(root, "dist/simulator/index.js"));
const sim = await startSimulator();
console.log(`  simulator: ${sim.url}`);

step(3, "Creating three jobs, as the services' create APIs would (each takes 10-30 s)");
const jobs = {
  rds: sim.createJob({
    service: "rds",
    name: "CreateMysqlSingleHAInstance",
    durationMs: 22_000,
    visibleAfterMs: 3_000,
    instance: { id: "5a1f0c3e9b2d4c7fa1e2b3c4d5e6f7a8in01", name: "orders-mysql" },
    entities: {
      instance: { endpoint: "192.168.0.42:3306", type: "Ha", datastore: { type: "mysql", version: "8.0" } },
      resource_ids: [
        "5a1f0c3e9b2d4c7fa1e2b3c4d5e6f7a8in01.vm",
        "5a1f0c3e9b2d4c7fa1e2b3c4d5e6f7a8in01.volume",
      ],
    },
  }).id,
  dds: sim.createJob({
    service: "dds",
    name: "CreateMongoDBReplicaSet",
    durationMs: 15_000,
    instance: { id: "c3d2e1f0a9b84c7d9e8f7a6b5c4d3e2fin02", name: "sessions-mongo" },
  }).id,
  gaussdb: sim.createJob({
    service: "gaussdb",
    durationMs: 28_000,
    instance: { id: "b34f8c791f2643578510c093aa2351a8in14", name: "ledger-gauss" },
  }).id,
};
for (const [s, id] of Object.entries(jobs)) console.log(`  ${s.padEnd(8)} job ${id}`);

const work = mkdtempSync(join(tmpdir(), "job-waiter-demo-"));
const configFile = join(work, "Pulumi.demo.yaml");
const env = {
  ...process.env,
  PATH: `${bin}:${process.env.PATH}`,
  PULUMI_HOME: join(work, "pulumi-home"),
  PULUMI_BACKEND_URL: `file://${work}`,
  PULUMI_CONFIG_PASSPHRASE: "demo-passphrase",
  PULUMI_SKIP_UPDATE_CHECK: "true",
  PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  HW_ACCESS_KEY: sim.credentials.accessKey,
  HW_SECRET_KEY: sim.credentials.secretKey,
  HW_PROJECT_ID: sim.credentials.projectId,
};
const pulumi = (args, { quiet = false } = {}) =>
  new Promise((resolve, reject) => {
    // The stack's config lives in the temp dir, not in the clone.
    const withConfig = ["config", "up", "destroy"].includes(args[0]) ? ["--config-file", configFile] : [];
    const p = spawn(join(bin, "pulumi"), [...args, "--non-interactive", ...withConfig], {
      cwd: root,
      env,
      stdio: quiet ? ["ignore", "pipe", "pipe"] : ["ignore", "inherit", "inherit"],
    });
    let out = "";
    p.stdout?.on("data", (d) => {
      out += d;
    });
    p.stderr?.on("data", (d) => {
      out += d;
    });
    p.on("error", reject);
    p.on("close", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`pulumi ${args[0]} failed (exit ${code})\n${out}`)),
    );
  });

let ok = false;
try {
  step(4, "pulumi up: three JobWaiters wait in parallel; their progress lines appear below as the jobs run");
  await pulumi(["stack", "init", "demo"], { quiet: true });
  await pulumi(["config", "set", "rdsJobId", jobs.rds], { quiet: true });
  await pulumi(["config", "set", "ddsJobId", jobs.dds], { quiet: true });
  await pulumi(["config", "set", "gaussdbJobId", jobs.gaussdb], { quiet: true });
  const endpoints = { rds: sim.endpoint("rds"), dds: sim.endpoint("dds"), gaussdb: sim.endpoint("gaussdb") };
  await pulumi(["config", "set", "endpoints", JSON.stringify(endpoints)], { quiet: true });
  const upStarted = Date.now();
  await pulumi(["up", "--yes", "--skip-preview"]);
  console.log(`  pulumi up took ${((Date.now() - upStarted) / 1000).toFixed(1)} s`);

  step(5, "Stack outputs: what the jobs produced");
  const out = JSON.parse(await pulumi(["stack", "output", "--json"], { quiet: true }));
  console.log(`  RDS endpoint (from the job's entities): ${out.rdsEndpoint}`);
  for (const s of ["rds", "dds", "gaussdb"]) {
    const took =
      out.durationsSeconds[s] === undefined
        ? "n/a (RDS reports no end time)"
        : `${out.durationsSeconds[s]} s`;
    console.log(
      `  ${s.padEnd(8)} ${String(out.statuses[s]).padEnd(10)} instance ${String(out.instances[s]).padEnd(15)} job took ${took}`,
    );
  }

  step(6, "pulumi destroy: waiters own nothing in the cloud, so this makes no API call");
  const before = sim.requests().length;
  await pulumi(["destroy", "--yes", "--skip-preview"]);
  console.log(`  job API requests during destroy: ${sim.requests().length - before}`);
  await pulumi(["stack", "rm", "--yes"], { quiet: true });
  ok = true;
} catch (err) {
  console.error(`\n[demo] failed: ${err.message}`);
  process.exitCode = 1;
} finally {
  await sim.close();
  rmSync(work, { recursive: true, force: true });
  console.log(ok ? `\n[demo] done in ${secs()}; the simulator is stopped and the temp state removed.` : "");
}
