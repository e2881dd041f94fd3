import assert from "node:assert/strict";
import { createAuthenticator } from "../provider/auth/authenticator";
import { JobClient } from "../provider/client";
import { EndpointGate } from "../provider/gate";
import { type Simulator, startSimulator } from "../simulator";

describe("endpoint gate: shared rate limit, 429 slow-down, shared requests", function () {
  this.timeout(30_000);
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator();
  });
  after(() => sim.close());
  afterEach(() => sim.setGatewayLimit(undefined));

  const client = (service: "rds" | "dds", gate: EndpointGate) =>
    new JobClient({
      service,
      baseUrl: sim.endpoint(service),
      projectId: sim.credentials.projectId,
      auth: createAuthenticator({
        kind: "aksk",
        accessKey: sim.credentials.accessKey,
        secretKey: sim.credentials.secretKey,
        source: "test",
      }),
      gate,
      retry: { limit: 5, baseDelayMs: 50, maxDelayMs: 200 },
    });

  it("concurrent looks at the same job share one request", async () => {
    const { id } = sim.createJob({ service: "rds", durationMs: 60_000 });
    const gate = new EndpointGate({ ratePerSecond: 100, burst: 100 });
    const c = client("rds", gate);
    sim.clearRequests();
    const jobs = await Promise.all(Array.from({ length: 25 }, () => c.getJob(id)));
    assert.ok(jobs.every((j) => j.job.id === id));
    assert.equal(sim.requests({ jobId: id }).length, 1);
    assert.equal(gate.stats.shared, 24);
  });

  it("keeps many waiters under the gateway's limit: no 429", async () => {
    sim.setGatewayLimit({ ratePerSecond: 20, burst: 6 });
    const ids = Array.from({ length: 30 }, () => sim.createJob({ service: "dds", durationMs: 60_000 }).id);
    // Half the gateway's rate and burst: room for the scheduling jitter of a busy CI machine.
    const gate = new EndpointGate({ ratePerSecond: 10, burst: 3 });
    const c = client("dds", gate);
    sim.clearRequests();
    await Promise.all(ids.map((id) => c.getJob(id)));
    const statuses = sim.requests().map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 429).length, 0, statuses.join(","));
    assert.equal(statuses.length, 30);
  });

  it("without the gate's limit the same burst is throttled (the test above can fail)", async () => {
    sim.setGatewayLimit({ ratePerSecond: 20, burst: 5 });
    const ids = Array.from({ length: 30 }, () => sim.createJob({ service: "dds", durationMs: 60_000 }).id);
    const gate = new EndpointGate({ ratePerSecond: 10_000, burst: 10_000 });
    sim.clearRequests();
    await Promise.all(
      ids.map((id) =>
        client("dds", gate)
          .getJob(id)
          .catch(() => undefined),
      ),
    );
    assert.ok(sim.requests().some((r) => r.status === 429));
    assert.ok(gate.stats.throttled > 0);
  });

  it("a 429 on one waiter pauses every waiter on the endpoint until Retry-After", async () => {
    const ids = Array.from({ length: 5 }, () => sim.createJob({ service: "rds", durationMs: 60_000 }).id);
    const gate = new EndpointGate({ ratePerSecond: 1_000, burst: 1_000 });
    const c = client("rds", gate);
    await c.getJob(ids[0]!);
    sim.clearRequests();
    sim.injectFault({ status: 429, count: 1, errorCode: "APIGW.0308", retryAfterSeconds: 1 });
    await c.getJob(ids[0]!); // throttled once, retried after the pause
    await Promise.all(ids.slice(1).map((id) => c.getJob(id)));
    const log = sim.requests();
    const throttledAt = log.find((r) => r.status === 429)!.time;
    const others = log.filter((r) => ids.slice(1).includes(r.jobId ?? ""));
    assert.equal(others.length, 4);
    assert.ok(
      others.every((r) => r.time >= throttledAt + 1_000),
      "other waiters waited out the pause too",
    );
  });

  it("after a 429 pause it restarts at the sustained rate, not with a full burst (fake clock)", async () => {
    let now = 0;
    const timers: Array<{ due: number; fn: () => void }> = [];
    const gate = new EndpointGate({
      ratePerSecond: 10,
      burst: 50,
      now: () => now,
      setTimer: (fn, ms) => timers.push({ due: now + ms, fn }),
    });
    gate.observe(429, "5"); // paused until t = 5 s, bucket emptied
    let released = 0;
    for (let i = 0; i < 50; i++) void gate.acquire().then(() => released++);
    const at = async (ms: number) => {
      while (timers.length > 0 && Math.min(...timers.map((x) => x.due)) <= ms) {
        const next = timers.reduce((a, b) => (b.due < a.due ? b : a));
        timers.splice(timers.indexOf(next), 1);
        now = next.due;
        next.fn();
      }
      now = ms;
      await new Promise((r) => setImmediate(r));
    };
    await at(4_999);
    assert.equal(released, 0, "nothing goes during the pause");
    await at(5_000);
    assert.equal(released, 0, "the pause did not refill the bucket");
    await at(6_000);
    assert.equal(released, 10, "one second after the pause: the sustained rate, 10 requests");
    await at(60_000);
    assert.equal(released, 50);
  });
});
