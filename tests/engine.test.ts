import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Simulator, startSimulator } from "../simulator";
import {
  copyExample,
  engineTestsEnabled,
  makeProgram,
  newStack,
  pulumiBin,
  resourcesOfType,
  type Stack,
} from "./support/engine-harness";

interface Diag {
  urn?: string;
  message: string;
  severity: string;
  ephemeral?: boolean;
}

const WAITER_TYPE = "pulumi-nodejs:dynamic/job-waiter:JobWaiter";

// One program for most tests: a waiter whose inputs come from config, optionally fed by a "job starter"
// resource that creates the job at apply time (so its ID is unknown during preview).
const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import { JobWaiter } from "pulumi-job-waiter";

const c = new pulumi.Config();
const starterProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    const res = await fetch(inputs.adminUrl + "/_admin/jobs", { method: "POST", body: JSON.stringify(inputs.spec) });
    const { id } = (await res.json()) as { id: string };
    return { id, outs: { ...inputs, jobId: id } };
  },
};
class JobStarter extends pulumi.dynamic.Resource {
  declare readonly jobId: pulumi.Output<string>;
  constructor(name: string, args: { adminUrl: string; spec: unknown }) {
    super(starterProvider, name, { ...args, jobId: undefined });
  }
}
const spec = c.getObject<unknown>("startJob");
const jobId = spec ? new JobStarter("starter", { adminUrl: c.require("adminUrl"), spec }).jobId : c.require("jobId");
const w = new JobWaiter("waiter", {
  service: c.require("service") as "rds" | "dds" | "gaussdb",
  jobId,
  endpoint: c.require("endpoint"),
  timeout: c.get("timeout"),
  failOnJobFailure: c.getBoolean("failOnJobFailure"),
  maxPollInterval: "1s",
});
export const status = w.status;
export const jobName = w.jobName;
export const created = w.created;
export const ended = w.ended;
export const instanceId = w.instanceId;
export const failReason = w.failReason;
export const entities = w.entities;
`;

(engineTestsEnabled ? describe : describe.skip)("engine: real pulumi up / refresh / destroy", function () {
  this.timeout(300_000);
  let sim: Simulator;
  const stacks: Stack[] = [];
  let creds: Record<string, string>;

  before(async () => {
    pulumiBin();
    sim = await startSimulator();
    creds = {
      HW_ACCESS_KEY: sim.credentials.accessKey,
      HW_SECRET_KEY: sim.credentials.secretKey,
      HW_PROJECT_ID: sim.credentials.projectId,
    };
  });
  after(async () => {
    for (const s of stacks) s.cleanup();
    await sim.close();
  });

  const stack = async (
    config: Record<string, string>,
    env: Record<string, string> = creds,
    secrets: Record<string, string> = {},
  ) => {
    const s = await newStack(makeProgram({ "index.ts": PROGRAM }), { config, env, secrets });
    stacks.push(s);
    return s;
  };
  const up = (s: Stack, extra: string[] = []) => s.run(["up", "--yes", "--skip-preview", ...extra]);

  it("1. up waits for the job and records the normalised job with typed entities", async () => {
    const entities = {
      instance: { endpoint: "192.168.0.7:3306", type: "Ha", datastore: { type: "mysql", version: "8.0" } },
      resource_ids: ["x.vm"],
    };
    const { id } = sim.createJob({
      service: "rds",
      durationMs: 600_000,
      entities,
      instance: { id: "rds-in01", name: "orders" },
    });
    const s = await stack({ service: "rds", jobId: id, endpoint: sim.endpoint("rds") });
    // The job ends only after the waiter has seen it running twice, however fast or slow this machine is.
    let finishedAt = 0;
    const watcher = setInterval(() => {
      if (!finishedAt && sim.requests({ jobId: id }).filter((q) => q.status === 200).length >= 2) {
        finishedAt = Date.now();
        sim.finishJob(id);
      }
    }, 100);
    const r = await up(s).finally(() => clearInterval(watcher));
    assert.equal(r.code, 0, r.output);
    assert.ok(finishedAt > 0, "the waiter polled the running job");
    // create returned only after a poll that came after the job ended.
    assert.ok(sim.requests({ jobId: id }).at(-1)!.time >= finishedAt, "last poll after the job ended");
    assert.match(r.output, /rds job .* Running/, "progress lines are shown by the CLI");
    const out = await s.outputs();
    assert.equal(out.status, "Completed");
    assert.equal(out.jobName, "CreateMysqlSingleHAInstance");
    assert.equal(out.instanceId, "rds-in01");
    assert.match(String(out.created), /Z$/);
    assert.deepEqual(out.entities, {
      kind: "instance",
      instance: { endpoint: "192.168.0.7:3306", type: "Ha", datastore: { type: "mysql", version: "8.0" } },
      resourceIds: ["x.vm"],
    });
  });

  it("2. a failed job fails up with its fail_reason; failOnJobFailure false succeeds with status Failed", async () => {
    const { id } = sim.createJob({
      service: "dds",
      durationMs: 1_000,
      outcome: "Failed",
      failReason: "Failed to upgrade the DB Agent.",
    });
    const s = await stack({ service: "dds", jobId: id, endpoint: sim.endpoint("dds") });
    const r = await up(s);
    assert.notEqual(r.code, 0);
    assert.match(r.output, /Failed to upgrade the DB Agent\./);
    assert.match(r.output, new RegExp(`dds job ${id}`));
    const s2 = await stack({
      service: "dds",
      jobId: id,
      endpoint: sim.endpoint("dds"),
      failOnJobFailure: "false",
    });
    const r2 = await up(s2);
    assert.equal(r2.code, 0, r2.output);
    const out = await s2.outputs();
    assert.equal(out.status, "Failed");
    assert.equal(out.failReason, "Failed to upgrade the DB Agent.");
  });

  it("3. a timeout keeps the waiter as a partial failure; the next up resumes without replacing it", async () => {
    const { id } = sim.createJob({ service: "gaussdb", durationMs: 600_000 });
    const s = await stack({
      service: "gaussdb",
      jobId: id,
      endpoint: sim.endpoint("gaussdb"),
      timeout: "3s",
    });
    const r = await up(s);
    assert.notEqual(r.code, 0);
    assert.match(r.output, /did not finish within the timeout/);
    const [kept] = resourcesOfType(await s.exportState(), WAITER_TYPE);
    assert.ok(kept, "the waiter is in the state after the timeout");
    assert.equal(kept.outputs.status, "Running");
    sim.finishJob(id);
    const r2 = await up(s, ["--config", "timeout=60s"]);
    assert.equal(r2.code, 0, r2.output);
    assert.doesNotMatch(r2.output, /replac/i);
    const [after] = resourcesOfType(await s.exportState(), WAITER_TYPE);
    assert.equal(after!.id, kept.id);
    assert.equal(after!.urn, kept.urn);
    assert.equal(after!.outputs.status, "Completed");
  });

  it("4. preview with a job ID unknown until apply succeeds and makes no job request", async () => {
    sim.clearRequests();
    const s = await stack({
      service: "rds",
      endpoint: sim.endpoint("rds"),
      adminUrl: sim.url,
      startJob: JSON.stringify({ service: "rds", durationMs: 1_000 }),
    });
    const r = await s.run(["preview"]);
    assert.equal(r.code, 0, r.output);
    assert.equal(sim.requests().length, 0, "no request to the job API during preview");
    const r2 = await up(s);
    assert.equal(r2.code, 0, r2.output);
    assert.equal((await s.outputs()).status, "Completed");
  });

  it("5. refresh after the job expired keeps the waiter and its outputs", async () => {
    const { id } = sim.createJob({
      service: "dds",
      durationMs: 500,
      instance: { id: "dds-1", name: "docs" },
    });
    const s = await stack({ service: "dds", jobId: id, endpoint: sim.endpoint("dds") });
    assert.equal((await up(s)).code, 0);
    sim.forgetJob(id);
    const r = await s.run(["refresh", "--yes"]);
    assert.equal(r.code, 0, r.output);
    const [w] = resourcesOfType(await s.exportState(), WAITER_TYPE);
    assert.ok(w);
    assert.equal(w.outputs.status, "Completed");
    assert.equal(w.outputs.instanceName, "docs");
  });

  it("6. destroy makes no request to the job API", async () => {
    const { id } = sim.createJob({ service: "rds", durationMs: 300 });
    const s = await stack({ service: "rds", jobId: id, endpoint: sim.endpoint("rds") });
    assert.equal((await up(s)).code, 0);
    sim.clearRequests();
    const r = await s.run(["destroy", "--yes"]);
    assert.equal(r.code, 0, r.output);
    assert.equal(sim.requests().length, 0);
    assert.equal(resourcesOfType(await s.exportState(), WAITER_TYPE).length, 0);
  });

  it("7. state and CLI output hold no AK, SK or token, in plain text or base64", async () => {
    const token = sim.issueToken();
    const { id } = sim.createJob({ service: "rds", durationMs: 1_500 });
    // Credentials as secret config (what the provider uses) and a token in the environment (not used, present).
    const s = await stack(
      {
        service: "rds",
        jobId: id,
        endpoint: sim.endpoint("rds"),
        "jobwaiter:projectId": sim.credentials.projectId,
      },
      { HW_AUTH_TOKEN: token },
      { "jobwaiter:accessKey": sim.credentials.accessKey, "jobwaiter:secretKey": sim.credentials.secretKey },
    );
    const r = await up(s);
    assert.equal(r.code, 0, r.output);
    assert.ok(
      sim.requests({ jobId: id }).every((q) => q.auth === "aksk"),
      "the config's key pair won over the env token",
    );
    await s.run(["refresh", "--yes"]);
    // The state as stored: secret config reaches it only as ciphertext (the engine records the stack config as
    // the dynamic provider's inputs, secrets encrypted); nothing of ours adds a credential.
    const text = (await s.exportState(false)) + s.transcript();
    for (const secret of [sim.credentials.accessKey, sim.credentials.secretKey, token]) {
      for (const form of [
        secret,
        Buffer.from(secret).toString("base64"),
        Buffer.from(secret).toString("base64url"),
      ]) {
        const at = text.indexOf(form);
        assert.ok(
          at < 0,
          `a credential leaked into the state or the CLI output: ...${text.slice(Math.max(0, at - 300), at + 50).replace(form, "<SECRET>")}`,
        );
      }
    }
  });

  it("8. SIGINT during a wait ends pulumi up within 10 s and the next up resumes", async () => {
    const { id } = sim.createJob({ service: "dds", durationMs: 60_000 });
    const s = await stack({ service: "dds", jobId: id, endpoint: sim.endpoint("dds") });
    let sentAt = 0;
    const r = await s.run(["up", "--yes", "--skip-preview"], {
      timeoutMs: 120_000,
      onSpawn: (p) => {
        const poll = setInterval(() => {
          if (sim.requests({ jobId: id }).length > 0) {
            clearInterval(poll);
            sentAt = Date.now();
            // What Ctrl-C in a terminal does: SIGINT to the whole foreground process group.
            process.kill(-p.pid!, "SIGINT");
          }
        }, 200);
      },
    });
    const tookMs = Date.now() - sentAt;
    assert.ok(sentAt > 0, "the wait had started");
    assert.ok(tookMs < 10_000, `pulumi up ended ${tookMs} ms after SIGINT`);
    assert.notEqual(r.code, 0);
    // The interrupted wait stayed in the state as a partial failure...
    const [kept] = resourcesOfType(await s.exportState(), WAITER_TYPE);
    assert.ok(kept, "the waiter is in the state after the interrupt");
    assert.equal(kept.outputs.status, "Running");
    // ...and the next up resumes it (update, same resource) and completes.
    sim.finishJob(id);
    const r2 = await up(s);
    assert.equal(r2.code, 0, r2.output);
    assert.doesNotMatch(r2.output, /replac/i);
    const [after] = resourcesOfType(await s.exportState(), WAITER_TYPE);
    assert.equal(after!.urn, kept.urn);
    assert.equal(after!.id, kept.id);
    assert.equal(after!.outputs.status, "Completed");
  });

  it("10. progress goes to each waiter's own row: ephemeral statuses, one kept outcome line, no flood", async () => {
    const jobs = [
      sim.createJob({ service: "dds", durationMs: 600_000 }).id,
      sim.createJob({ service: "dds", durationMs: 600_000 }).id,
    ];
    const dir = makeProgram({
      "index.ts": `
import * as pulumi from "@pulumi/pulumi";
import { JobWaiter } from "pulumi-job-waiter";
const c = new pulumi.Config();
export const statuses = c.requireObject<string[]>("jobIds").map(
  (jobId, i) => new JobWaiter("waiter" + i, { service: "dds", jobId, endpoint: c.require("endpoint"), maxPollInterval: "1s" }).status,
);
`,
    });
    const s = await newStack(dir, {
      config: { jobIds: JSON.stringify(jobs), endpoint: sim.endpoint("dds") },
      // `--event-log` is one of the CLI's debug flags.
      env: { ...creds, PULUMI_DEBUG_COMMANDS: "true" },
    });
    stacks.push(s);
    // Each job ends once its waiter has seen it running twice (two statuses at least reach the engine).
    const finished = new Set<string>();
    const watcher = setInterval(() => {
      for (const id of jobs) {
        if (!finished.has(id) && sim.requests({ jobId: id }).filter((q) => q.status === 200).length >= 2) {
          finished.add(id);
          sim.finishJob(id);
        }
      }
    }, 100);
    const eventLog = join(dir, "events.jsonl");
    const r = await up(s, ["--event-log", eventLog]).finally(() => clearInterval(watcher));
    assert.equal(r.code, 0, r.output);
    const waiters = resourcesOfType(await s.exportState(), WAITER_TYPE);
    assert.equal(waiters.length, 2);
    const diags = readFileSync(eventLog, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => (JSON.parse(l) as { diagnosticEvent?: Diag }).diagnosticEvent)
      .filter((d): d is Diag => d !== undefined);
    for (const w of waiters) {
      const jobId = String(w.outputs.jobId);
      const mine = diags.filter((d) => d.urn === w.urn);
      const statuses = mine.filter((d) => d.ephemeral);
      assert.ok(statuses.length >= 1, `ephemeral statuses on ${w.urn}: ${JSON.stringify(mine)}`);
      for (const st of statuses) {
        assert.equal(st.severity, "info");
        assert.match(st.message, new RegExp(`^dds job ${jobId} .*: (Running|Completed)`));
      }
      assert.ok(
        statuses.some((st) => /: Running/.test(st.message)),
        JSON.stringify(statuses),
      );
      const kept = mine.filter((d) => !d.ephemeral);
      assert.equal(kept.length, 1, JSON.stringify(mine));
      assert.equal(kept[0]!.severity, "info");
      assert.match(
        kept[0]!.message,
        new RegExp(`^dds job ${jobId} .*: Completed after \\d+s \\(waited \\d+s, \\d+ polls\\)`),
      );
    }
    // Nothing of ours on the Stack's row or any other.
    const urns = new Set(waiters.map((w) => w.urn));
    const stray = diags.filter(
      (d) => d.severity !== "debug" && !urns.has(d.urn ?? "") && /\[job-waiter\]|dds job /.test(d.message),
    );
    assert.deepEqual(stray, []);
    // Diagnostics repeats only the kept lines: one per waiter, no status.
    const diagnostics = r.stdout.slice(r.stdout.indexOf("Diagnostics:"));
    assert.ok(r.stdout.includes("Diagnostics:"), r.stdout);
    const ours = diagnostics.split("\n").filter((l) => /dds job/.test(l));
    assert.equal(ours.length, 2, diagnostics);
    assert.ok(
      ours.every((l) => /: Completed after \d+s \(waited \d+s, \d+ polls\)$/.test(l.trim())),
      diagnostics,
    );
  });

  for (const example of ["rds-instance", "multi-service", "read-job"]) {
    it(`9. example ${example}: up and destroy`, async () => {
      const dir = copyExample(example);
      const ids = {
        rds: sim.createJob({
          service: "rds",
          durationMs: 2_000,
          entities: {
            instance: {
              endpoint: "10.0.0.5:5432",
              type: "Single",
              datastore: { type: "postgresql", version: "16" },
            },
          },
        }).id,
        dds: sim.createJob({ service: "dds", durationMs: 2_500 }).id,
        gaussdb: sim.createJob({ service: "gaussdb", durationMs: 3_000 }).id,
      };
      const config: Record<string, string> =
        example === "rds-instance"
          ? { jobId: ids.rds, endpoint: sim.endpoint("rds") }
          : example === "read-job"
            ? { service: "dds", jobId: ids.dds, endpoint: sim.endpoint("dds") }
            : {
                ddsJobId: ids.dds,
                gaussdbJobId: ids.gaussdb,
                rdsJobId: ids.rds,
                endpoints: JSON.stringify({
                  dds: sim.endpoint("dds"),
                  gaussdb: sim.endpoint("gaussdb"),
                  rds: sim.endpoint("rds"),
                }),
              };
      const s = await newStack(dir, { config, env: creds });
      stacks.push(s);
      const r = await up(s);
      assert.equal(r.code, 0, r.output);
      const out = await s.outputs();
      if (example === "rds-instance") assert.equal(out.endpoint, "10.0.0.5:5432");
      if (example === "read-job") assert.equal(out.status, "Completed");
      if (example === "multi-service") {
        assert.deepEqual(out.statuses, ["Completed", "Completed", "Completed"]);
        // RDS reports no end time; DDS and GaussDB do.
        const ends = (out.jobsEnded as Array<string | null>).filter((t): t is string => t !== null);
        assert.equal(ends.length, 2);
        const lastEnd = Math.max(...ends.map((t) => Date.parse(t)));
        assert.ok(
          Date.parse(String(out.appConfiguredAt)) >= lastEnd,
          "the app was configured after every job ended",
        );
      }
      const d = await s.run(["destroy", "--yes"]);
      assert.equal(d.code, 0, d.output);
    });
  }
});
