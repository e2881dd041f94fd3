import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { getJobOutput, JobWaiter } from "../sdk";
import { type Simulator, startSimulator } from "../simulator";

const run = promisify(execFile);
const repoRoot = join(__dirname, "../..");

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

describe("JobWaiter under pulumi.runtime.setMocks", function () {
  this.timeout(60_000);
  const registered: Registered[] = [];
  let sim: Simulator;
  let work: string;
  const saved = { ...process.env };

  before(async () => {
    sim = await startSimulator();
    work = mkdtempSync(join(tmpdir(), "jw-mocks-"));
    // Credentials present in the environment and the config while the provider is serialized.
    process.env.HW_ACCESS_KEY = sim.credentials.accessKey;
    process.env.HW_SECRET_KEY = sim.credentials.secretKey;
    process.env.HW_AUTH_TOKEN = "env-token-should-not-leak-7b1e";
    pulumi.runtime.setAllConfig({
      "jobwaiter:accessKey": sim.credentials.accessKey,
      "jobwaiter:secretKey": sim.credentials.secretKey,
      "jobwaiter:password": "config-password-should-not-leak-93ab",
    });
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push({
            type: args.type,
            name: args.name,
            inputs: args.inputs as Record<string, unknown>,
          });
          // The mock echoes the inputs: what is asserted below is what the SDK registered, not what a mock said.
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: () => ({}),
      },
      "proj",
      "stack",
      false,
    );
  });
  after(async () => {
    // Put the environment and the config back as they were (the same object: other tests hold references).
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
    pulumi.runtime.setAllConfig({});
    await sim.close();
    rmSync(work, { recursive: true, force: true });
  });

  // Registering a waiter serializes the provider; every test that needs its text asks for it here, so no test
  // depends on another having run first.
  let registration: Promise<{ r: Registered; provider: string; jobId: string }> | undefined;
  const register = () => {
    registration ??= (async () => {
      const jobId = "31b8ae23-registration";
      const w = new JobWaiter("db-ready", {
        service: "rds",
        jobId,
        endpoint: sim.endpoint("rds"),
        timeout: "45m",
      });
      await new Promise((resolve) => w.urn.apply(resolve));
      const r = registered.find((x) => x.name === "db-ready");
      assert.ok(r, "the waiter was registered");
      const provider = r.inputs.__provider;
      assert.equal(typeof provider, "string");
      writeFileSync(join(work, "provider.js"), provider as string);
      return { r, provider: provider as string, jobId };
    })();
    return registration;
  };

  it("registers with the expected type and inputs, and a small serialized provider without secrets", async () => {
    const { r, provider, jobId: id } = await register();
    assert.equal(r.type, "pulumi-nodejs:dynamic/job-waiter:JobWaiter");
    assert.equal(r.inputs.service, "rds");
    assert.equal(r.inputs.jobId, id);
    assert.equal(r.inputs.timeout, "45m");
    assert.ok(provider.length < 16 * 1024, `serialized provider is ${provider.length} bytes`);
    console.log(`      (serialized provider: ${provider.length} bytes)`);
    for (const secret of [
      sim.credentials.accessKey,
      sim.credentials.secretKey,
      "env-token-should-not-leak-7b1e",
      "config-password-should-not-leak-93ab",
    ]) {
      assert.ok(!provider.includes(secret), "a credential value is in the serialized provider");
      assert.ok(
        !provider.includes(Buffer.from(secret).toString("base64")),
        "a credential is in it in base64",
      );
    }
  });

  // The dynamic provider host: require-from-string on the text, `.handler()`, then the methods.
  const hostScript = `
    const requireFromString = require(process.env.RFS);
    const text = require("fs").readFileSync(process.argv[1], "utf8");
    const provider = requireFromString(text).handler();
    (async () => {
      await provider.configure({ config: { get: () => undefined } });
      const check = await provider.check({}, JSON.parse(process.argv[2]));
      if (check.failures.length) throw new Error(JSON.stringify(check.failures));
      const r = await provider.create(check.inputs);
      console.log("RESULT " + JSON.stringify(r));
    })().catch((e) => { console.error(e); process.exit(1); });
  `;

  for (const layout of ["installed in node_modules", "loaded by path (fallback)"]) {
    it(`runs create in a fresh Node process the way the host loads it (${layout})`, async () => {
      await register();
      const cwd = mkdtempSync(join(work, "prog-"));
      if (layout.startsWith("installed")) {
        mkdirSync(join(cwd, "node_modules"));
        symlinkSync(repoRoot, join(cwd, "node_modules", "pulumi-job-waiter"), "dir");
      }
      const { id } = sim.createJob({ service: "rds", durationMs: 300, entities: { public_ip: "10.1.2.3" } });
      const inputs = { service: "rds", jobId: id, endpoint: sim.endpoint("rds"), maxPollInterval: "0.2s" };
      const { stdout } = await run(
        process.execPath,
        ["-e", hostScript, join(work, "provider.js"), JSON.stringify(inputs)],
        {
          cwd,
          env: {
            PATH: process.env.PATH,
            RFS: require.resolve("require-from-string"),
            HW_ACCESS_KEY: sim.credentials.accessKey,
            HW_SECRET_KEY: sim.credentials.secretKey,
            HW_PROJECT_ID: sim.credentials.projectId,
          },
        },
      );
      const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
      assert.ok(line, stdout);
      const result = JSON.parse(line.slice(7)) as { id: string; outs: Record<string, unknown> };
      assert.equal(result.id, `rds:${id}`);
      assert.equal(result.outs.status, "Completed");
      assert.deepEqual(result.outs.entities, { kind: "publicIp", publicIp: "10.1.2.3" });
    });
  }

  it("getJobOutput reads a job from a Pulumi program", async () => {
    process.env.HW_PROJECT_ID = sim.credentials.projectId;
    const { id } = sim.createJob({
      service: "gaussdb",
      durationMs: 200,
      instance: { id: "g-1", name: "gauss-1" },
    });
    const job = getJobOutput({
      service: "gaussdb",
      jobId: pulumi.output(id),
      endpoint: sim.endpoint("gaussdb"),
      wait: true,
      maxPollInterval: "0.2s",
    });
    const j = await new Promise<{ status: string; instance?: { name?: string } }>((resolve) =>
      job.apply(resolve),
    );
    assert.equal(j.status, "Completed");
    assert.equal(j.instance?.name, "gauss-1");
  });
});
