import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { getJob } from "../sdk";
import { type Simulator, startSimulator } from "../simulator";

const run = promisify(execFile);
const repoRoot = join(__dirname, "../..");

// A plain Node process, no Pulumi engine: what a script or a CI step would do.
const cjsScript = `
  const { getJob } = require(process.env.PKG);
  getJob({ service: "rds", jobId: process.env.JOB, endpoint: process.env.EP, wait: true, maxPollInterval: "0.2s" })
    .then((job) => console.log("JOB " + JSON.stringify(job)))
    .catch((e) => { console.error(e.message); process.exit(1); });
`;
const esmScript = `
  import { getJob, JobWaiter } from "pulumi-job-waiter";
  if (typeof JobWaiter !== "function") throw new Error("JobWaiter missing from the ESM entry");
  const job = await getJob({ service: "dds", jobId: process.env.JOB, endpoint: process.env.EP });
  console.log("JOB " + JSON.stringify(job));
`;

describe("getJob from a plain Node script", function () {
  this.timeout(30_000);
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator();
  });
  after(() => sim.close());

  const env = () => ({
    PATH: process.env.PATH,
    HW_ACCESS_KEY: sim.credentials.accessKey,
    HW_SECRET_KEY: sim.credentials.secretKey,
    HW_PROJECT_ID: sim.credentials.projectId,
  });

  it("waits for a job with HW_ACCESS_KEY/HW_SECRET_KEY/HW_PROJECT_ID and an endpoint (CommonJS)", async () => {
    const { id } = sim.createJob({
      service: "rds",
      durationMs: 500,
      entities: { switch_strategy: "reliability" },
    });
    const { stdout } = await run(process.execPath, ["-e", cjsScript], {
      env: { ...env(), PKG: repoRoot, JOB: id, EP: sim.endpoint("rds") },
    });
    const job = JSON.parse(
      stdout
        .split("\n")
        .find((l) => l.startsWith("JOB "))!
        .slice(4),
    );
    assert.equal(job.status, "Completed");
    assert.deepEqual(job.entities, { kind: "switchover", switchStrategy: "reliability" });
    assert.match(stdout, /\[job-waiter\] rds job/);
  });

  it("reads a job once from an ES module program, importing the package by name", async () => {
    const { id } = sim.createJob({ service: "dds", durationMs: 60_000 });
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", esmScript], {
      cwd: repoRoot,
      env: { ...env(), JOB: id, EP: sim.endpoint("dds") },
    });
    const job = JSON.parse(
      stdout
        .split("\n")
        .find((l) => l.startsWith("JOB "))!
        .slice(4),
    );
    assert.equal(job.status, "Running");
    assert.equal(job.id, id);
  });

  it("explains bad arguments, naming the field", async () => {
    await assert.rejects(
      getJob({ service: "rds", jobId: "", endpoint: "http://example.com" }),
      (e: Error) => {
        assert.match(e.message, /jobId: is empty/);
        assert.match(e.message, /endpoint: .*https:\/\//);
        return true;
      },
    );
  });
});
