import assert from "node:assert/strict";
import { createJobWaiterProvider } from "../provider/dynamic";
import { JobWaiter } from "../sdk";
import { type Simulator, startSimulator } from "../simulator";

// What the engine asks of the provider for `JobWaiter.get(name, id, state)`: a read with the ID and only
// the state the program passed (checked against the real engine in engine-conventions.test.ts).
describe("JobWaiter.get: the provider's read from an ID alone", () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator();
  });
  after(() => sim.close());

  const provider = () =>
    createJobWaiterProvider({
      env: {
        HW_ACCESS_KEY: sim.credentials.accessKey,
        HW_SECRET_KEY: sim.credentials.secretKey,
        HW_PROJECT_ID: sim.credentials.projectId,
      },
      write: () => {},
    });

  it("reads service and jobId from the ID and the job from the API", async () => {
    const { id } = sim.createJob({ service: "dds", durationMs: 1, instance: { id: "d-1", name: "docs" } });
    sim.finishJob(id);
    const r = await provider().read!(`dds:${id}`, { endpoint: sim.endpoint("dds") });
    assert.equal(r.id, `dds:${id}`);
    assert.equal(r.props!.service, "dds");
    assert.equal(r.props!.jobId, id);
    assert.equal(r.props!.status, "Completed");
    assert.equal(r.props!.instanceName, "docs");
    assert.equal(r.props!.endpoint, sim.endpoint("dds"));
  });

  it("an ID that is not a waiter's fails with the expected form", async () => {
    await assert.rejects(provider().read!("nonsense", { endpoint: sim.endpoint("dds") }), (e: Error) => {
      assert.match(
        e.message,
        /"nonsense" is not a JobWaiter ID: pass the `id` of a JobWaiter, "<service>:<jobId>"/,
      );
      return true;
    });
  });

  it("a refresh (full state) is unchanged: the stored service wins over the ID", async () => {
    const { id } = sim.createJob({ service: "rds", durationMs: 1 });
    sim.finishJob(id);
    const r = await provider().read!(`rds:${id}`, {
      service: "rds",
      jobId: id,
      endpoint: sim.endpoint("rds"),
    });
    assert.equal(r.props!.status, "Completed");
  });

  it("JobWaiter.get refuses a malformed ID in the program, before the engine", () => {
    assert.throws(
      () => JobWaiter.get("w", "31b8ae23"),
      /JobWaiter.get\("w"\): id "31b8ae23" is not a JobWaiter ID; pass a waiter's `id` output, "<service>:<jobId>"/,
    );
  });
});
