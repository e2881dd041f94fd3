import assert from "node:assert/strict";
import { type Simulator, startSimulator } from "../simulator";
import { engineTestsEnabled, makeProgram, newStack, pulumiBin, type Stack } from "./support/engine-harness";

// Real `pulumi up` for what only the engine can show: the plain-text credential guard's warning, and
// `JobWaiter.get` (a ReadResource of a dynamic resource).
const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import { JobWaiter } from "pulumi-job-waiter";
const c = new pulumi.Config();
const w = new JobWaiter("waiter", { service: "rds", jobId: c.require("jobId"), endpoint: c.require("endpoint") });
export const waiterId = w.id;
export const status = w.status;
`;

const GET_PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import { JobWaiter } from "pulumi-job-waiter";
const c = new pulumi.Config();
const existing = JobWaiter.get("existing", c.require("waiterId"), { endpoint: c.require("endpoint") });
export const service = existing.service;
export const jobId = existing.jobId;
export const status = existing.status;
export const instanceName = existing.instanceName;
export const entities = existing.entities;
`;

interface EngineEvent {
  diagnosticEvent?: { severity: string; message: string; urn?: string };
  resourcePreEvent?: { metadata: { op: string; urn: string } };
}

/** `pulumi up --json` prints the engine's events, one JSON object per line. */
function events(stdout: string): EngineEvent[] {
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as EngineEvent);
}

(engineTestsEnabled ? describe : describe.skip)("engine: credential guard and JobWaiter.get", function () {
  this.timeout(300_000);
  let sim: Simulator;
  const stacks: Stack[] = [];
  before(async () => {
    pulumiBin();
    sim = await startSimulator();
  });
  after(async () => {
    for (const s of stacks) s.cleanup();
    await sim.close();
  });

  const GUARD = /pulumi-job-waiter: the credential config keys? (.*) (is|are) set in plain text/;

  for (const secret of [false, true]) {
    it(`credential config set ${secret ? "with --secret: no warning" : "in plain text: one warning naming the keys and the fix"}`, async () => {
      const { id } = sim.createJob({ service: "rds", durationMs: 1 });
      sim.finishJob(id);
      const s = await newStack(makeProgram({ "index.ts": PROGRAM }), {
        config: { jobId: id, endpoint: sim.endpoint("rds") },
        env: { HW_PROJECT_ID: sim.credentials.projectId },
        secrets: { "jobwaiter:accessKey": sim.credentials.accessKey },
      });
      stacks.push(s);
      // The weak password is what the CLI's own entropy check lets through without a word.
      const plain = { "jobwaiter:secretKey": sim.credentials.secretKey, "huaweicloud:password": "hunter2" };
      for (const [k, v] of Object.entries(plain)) {
        const r = await s.run(["config", "set", secret ? "--secret" : "--plaintext", k, v]);
        assert.equal(r.code, 0, r.output);
      }
      const r = await s.run(["up", "--yes", "--skip-preview", "--json"]);
      assert.equal(r.code, 0, r.output);
      const warnings = events(r.stdout)
        .map((e) => e.diagnosticEvent)
        .filter((d) => d && d.severity === "warning" && GUARD.test(d.message));
      if (secret) {
        assert.equal(warnings.length, 0, r.output);
        assert.doesNotMatch(r.output, GUARD);
        assert.ok(events(r.stdout).length > 0, "the event stream was read");
        return;
      }
      assert.equal(warnings.length, 1, `one warning event:\n${r.output}`);
      const msg = warnings[0]!.message;
      assert.match(msg, /jobwaiter:secretKey, huaweicloud:password are set in plain text/);
      assert.match(msg, /pulumi config set --secret jobwaiter:secretKey <value>/);
      assert.match(msg, /pulumi config set --secret huaweicloud:password <value>/);
      assert.ok(
        !msg.includes(sim.credentials.secretKey) && !msg.includes("hunter2"),
        "no value in the warning",
      );
      assert.doesNotMatch(msg, /accessKey/, "the secret key is not named");
    });
  }

  it("JobWaiter.get(name, id, state) reads an existing waiter through the engine", async () => {
    const { id } = sim.createJob({
      service: "rds",
      durationMs: 1,
      instance: { id: "rds-in09", name: "billing" },
      entities: { public_ip: "10.9.8.7" },
    });
    sim.finishJob(id);
    const creds = {
      HW_ACCESS_KEY: sim.credentials.accessKey,
      HW_SECRET_KEY: sim.credentials.secretKey,
      HW_PROJECT_ID: sim.credentials.projectId,
    };
    const a = await newStack(makeProgram({ "index.ts": PROGRAM }), {
      config: { jobId: id, endpoint: sim.endpoint("rds") },
      env: creds,
    });
    stacks.push(a);
    assert.equal((await a.run(["up", "--yes", "--skip-preview"])).code, 0);
    const { waiterId } = await a.outputs();
    assert.equal(waiterId, `rds:${id}`);

    const b = await newStack(makeProgram({ "index.ts": GET_PROGRAM }), {
      config: { waiterId: String(waiterId), endpoint: sim.endpoint("rds") },
      env: creds,
    });
    stacks.push(b);
    const r = await b.run(["up", "--yes", "--skip-preview"]);
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /read pulumi-nodejs:dynamic\/job-waiter:JobWaiter existing/);
    const out = await b.outputs();
    assert.deepEqual(
      { service: out.service, jobId: out.jobId, status: out.status, instanceName: out.instanceName },
      { service: "rds", jobId: id, status: "Completed", instanceName: "billing" },
    );
    assert.deepEqual(out.entities, { kind: "publicIp", publicIp: "10.9.8.7" });
    // Read, not created: destroying stack b leaves nothing to do and makes no request.
    sim.clearRequests();
    const d = await b.run(["destroy", "--yes"]);
    assert.equal(d.code, 0, d.output);
    assert.equal(sim.requests().length, 0);

    // An ID that is not a waiter's fails the program with the expected form.
    const c = await newStack(makeProgram({ "index.ts": GET_PROGRAM }), {
      config: { waiterId: "31b8ae23", endpoint: sim.endpoint("rds") },
      env: creds,
    });
    stacks.push(c);
    const bad = await c.run(["up", "--yes", "--skip-preview"]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.output, /id "31b8ae23" is not a JobWaiter ID/);
  });
});
