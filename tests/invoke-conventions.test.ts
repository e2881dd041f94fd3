import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
  type GetJobOutputOptions,
  type GetJobResult,
  getJob,
  getJobOutput,
  type Job,
  JobWaitError,
  waitForJobId,
} from "../sdk";
import { type Simulator, startSimulator } from "../simulator";

// Compile-time: Pulumi's own option types fit the functions (a mismatch fails the build, and so this suite).
const invokeOpts: pulumi.InvokeOptions = { async: true };
// @pulumi/pulumi 3.139 (the lowest supported peer, type-checked by the version matrix) has no InvokeOutputOptions:
// there the type is unknown and the line is skipped; with newer versions the assignment below checks it.
// biome-ignore lint/suspicious/noTsIgnore: @ts-expect-error would fail on the versions that have the type
// @ts-ignore
const outputOpts: pulumi.InvokeOutputOptions = { dependsOn: [] };
const asOurs: GetJobOutputOptions = outputOpts;
const sameType: GetJobResult extends Job ? (Job extends GetJobResult ? true : never) : never = true;
void [invokeOpts, asOurs, sameType];

const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));

describe("invoke conventions: getJob(args, InvokeOptions), getJobOutput(args, InvokeOutputOptions)", function () {
  this.timeout(30_000);
  let sim: Simulator;
  let release: () => void = () => {};
  const saved = { ...process.env };

  before(async () => {
    sim = await startSimulator();
    process.env.HW_ACCESS_KEY = sim.credentials.accessKey;
    process.env.HW_SECRET_KEY = sim.credentials.secretKey;
    process.env.HW_PROJECT_ID = sim.credentials.projectId;
    await pulumi.runtime.setMocks(
      {
        // A resource named "slow-*" is created only when the test says so: its id stays unresolved until then.
        newResource: async (args) => {
          if (args.name.startsWith("slow-")) {
            await new Promise<void>((r) => {
              release = r;
            });
          }
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
    for (const k of ["HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_PROJECT_ID"]) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    pulumi.runtime.setAllConfig({}, []);
    await sim.close();
  });

  class Dependency extends pulumi.CustomResource {
    constructor(name: string) {
      super("test:index:Dependency", name, {});
    }
  }

  for (const form of ["a list of resources", "an Output of a list", "one resource"] as const) {
    it(`dependsOn (${form}): the job is read only after the dependency was created`, async () => {
      const { id } = sim.createJob({ service: "rds", durationMs: 1 });
      const dep = new Dependency(`slow-${form.replace(/ /g, "-")}`);
      const dependsOn =
        form === "a list of resources" ? [dep] : form === "one resource" ? dep : pulumi.output([dep]);
      const job = getJobOutput({ service: "rds", jobId: id, endpoint: sim.endpoint("rds") }, { dependsOn });
      // Give the runtime every chance to run the read early if dependsOn were ignored.
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(sim.requests({ jobId: id }).length, 0, "no request before the dependency exists");
      release();
      const j = await value(job);
      assert.equal(j.id, id);
      assert.equal(sim.requests({ jobId: id }).length, 1);
      // The result carries the dependency, as an invoke's does.
      const resources = await (
        job as unknown as { allResources(): Promise<Set<pulumi.Resource>> }
      ).allResources();
      assert.ok(resources.has(dep), "the Output depends on the dependsOn resource");
    });
  }

  it("getJob takes Pulumi's InvokeOptions and returns the job", async () => {
    const { id } = sim.createJob({ service: "dds", durationMs: 1, instance: { id: "d1", name: "docs" } });
    sim.finishJob(id);
    const parent = new Dependency("parent");
    const job: GetJobResult = await getJob(
      { service: "dds", jobId: id, endpoint: sim.endpoint("dds"), wait: true },
      { parent, async: true },
    );
    assert.equal(job.status, "Completed");
    assert.equal(job.instance?.name, "docs");
  });

  it("waitForJobId (plain Node): env, write and signal are its options; a Failed job is returned", async () => {
    const env = {
      HW_ACCESS_KEY: sim.credentials.accessKey,
      HW_SECRET_KEY: sim.credentials.secretKey,
      HW_PROJECT_ID: sim.credentials.projectId,
    };
    const { id } = sim.createJob({
      service: "gaussdb",
      durationMs: 1,
      outcome: "Failed",
      failReason: "disk full",
    });
    sim.finishJob(id);
    const lines: string[] = [];
    const job = await waitForJobId(
      { service: "gaussdb", jobId: id, endpoint: sim.endpoint("gaussdb") },
      { env, write: (l) => lines.push(l) },
    );
    assert.equal(job.status, "Failed");
    assert.equal(job.failReason, "disk full");
    assert.match(lines.join("\n"), new RegExp(`gaussdb job ${id} .*Failed: disk full`));

    // Only the given env counts: without credentials in it the process env is not consulted.
    await assert.rejects(
      waitForJobId(
        { service: "gaussdb", jobId: id, endpoint: sim.endpoint("gaussdb") },
        { env: {}, write: () => {} },
      ),
      /no credentials found/,
    );

    const running = sim.createJob({ service: "rds", durationMs: 600_000 }).id;
    const controller = new AbortController();
    const waiting = waitForJobId(
      { service: "rds", jobId: running, endpoint: sim.endpoint("rds"), maxPollInterval: "0.2s" },
      { env, write: () => controller.abort(), signal: controller.signal },
    );
    await assert.rejects(waiting, (e: unknown) => {
      assert.ok(e instanceof JobWaitError, String(e));
      assert.equal(e.kind, "aborted");
      return true;
    });
  });
});
