import assert from "node:assert/strict";
import { createAuthenticator } from "../provider/auth/authenticator";
import { JobClient } from "../provider/client";
import { JobApiError } from "../provider/errors";
import { EndpointGate } from "../provider/gate";
import { type Simulator, startSimulator } from "../simulator";
import { ddsJobJson, FaultServer } from "./faults/server";

/** A fake clock with timers for the gate: `at(ms)` runs every timer due up to `ms`, in order. */
function fakeTime() {
  let now = 0;
  const timers: Array<{ due: number; fn: () => void }> = [];
  return {
    now: () => now,
    setTimer: (fn: () => void, ms: number) => void timers.push({ due: now + ms, fn }),
    async at(ms: number) {
      while (timers.length > 0 && Math.min(...timers.map((x) => x.due)) <= ms) {
        const next = timers.reduce((a, b) => (b.due < a.due ? b : a));
        timers.splice(timers.indexOf(next), 1);
        now = next.due;
        next.fn();
        await Promise.resolve();
      }
      now = ms;
      await new Promise((r) => setImmediate(r));
    },
  };
}

/** When each of `n` requests is let through, on the fake clock. */
async function releaseTimes(
  gate: EndpointGate,
  clock: ReturnType<typeof fakeTime>,
  n: number,
  until: number,
) {
  const times: number[] = [];
  for (let i = 0; i < n; i++) void gate.acquire().then(() => times.push(clock.now()));
  for (let t = 0; t <= until; t += 10) await clock.at(t);
  return times;
}

/** The gateway as the test sees it: its own token bucket, sharing no code with the gate. */
function gatewayRejects(times: number[], ratePerSecond: number, burst: number): number {
  let tokens = burst;
  let last = 0;
  let rejected = 0;
  for (const t of times) {
    tokens = Math.min(burst, tokens + ((t - last) / 1000) * ratePerSecond);
    last = t;
    if (tokens >= 1) tokens -= 1;
    else rejected++;
  }
  return rejected;
}

describe("endpoint gate (fake clock): rate limit, 429 pauses, shared requests", function () {
  this.timeout(30_000);

  it("lets a burst through, then one request per 1/rate seconds, in order", async () => {
    const clock = fakeTime();
    const gate = new EndpointGate({ ratePerSecond: 10, burst: 3, ...clock });
    const times = await releaseTimes(gate, clock, 30, 5_000);
    assert.equal(times.length, 30);
    assert.deepEqual(times.slice(0, 3), [0, 0, 0]);
    for (let i = 3; i < 30; i++)
      assert.ok(Math.abs(times[i]! - (i - 2) * 100) <= 10, `request ${i} at ${times[i]}`);
  });

  it("keeps 30 waiters under a 20/s, burst-6 gateway (and without its limit the gateway would refuse some)", async () => {
    const limited = fakeTime();
    const ok = await releaseTimes(
      new EndpointGate({ ratePerSecond: 10, burst: 3, ...limited }),
      limited,
      30,
      5_000,
    );
    assert.equal(gatewayRejects(ok, 20, 6), 0);
    const open = fakeTime();
    const burst = await releaseTimes(
      new EndpointGate({ ratePerSecond: 10_000, burst: 10_000, ...open }),
      open,
      30,
      100,
    );
    assert.ok(gatewayRejects(burst, 20, 6) > 0, "the control: an unlimited gate overruns the gateway");
  });

  it("a 429 on one waiter pauses every waiter on the endpoint until Retry-After", async () => {
    const clock = fakeTime();
    const gate = new EndpointGate({ ratePerSecond: 1_000, burst: 1_000, ...clock });
    gate.observe(429, "1");
    const times = await releaseTimes(gate, clock, 4, 3_000);
    assert.equal(times.length, 4);
    assert.ok(
      times.every((t) => t >= 1_000),
      times.join(","),
    );
  });

  it("a Retry-After of an hour pauses for at most 60 s, and never longer than the observing wait has left", async () => {
    const clock = fakeTime();
    const gate = new EndpointGate({ ratePerSecond: 10, burst: 10, ...clock });
    gate.observe(429, "3600");
    assert.equal(gate.pausedUntilMs, 60_000);
    const other = fakeTime();
    const g2 = new EndpointGate({ ratePerSecond: 10, burst: 10, ...other });
    g2.observe(429, "3600", 2_500);
    assert.equal(g2.pausedUntilMs, 2_500);
    const times = await releaseTimes(g2, other, 1, 5_000);
    // The pause ends at 2.5 s; the emptied bucket then yields its first token one 1/rate later.
    assert.deepEqual(times, [2_600]);
  });

  it("after a 429 pause it restarts at the sustained rate, not with a full burst", async () => {
    const clock = fakeTime();
    const gate = new EndpointGate({ ratePerSecond: 10, burst: 50, ...clock });
    gate.observe(429, "5"); // paused until t = 5 s, bucket emptied
    let released = 0;
    for (let i = 0; i < 50; i++) void gate.acquire().then(() => released++);
    await clock.at(4_999);
    assert.equal(released, 0, "nothing goes during the pause");
    await clock.at(5_000);
    assert.equal(released, 0, "the pause did not refill the bucket");
    await clock.at(6_000);
    assert.equal(released, 10, "one second after the pause: the sustained rate, 10 requests");
    await clock.at(60_000);
    assert.equal(released, 50);
  });

  it("an aborted acquire leaves the queue with the abort's reason; the others still go", async () => {
    const clock = fakeTime();
    const gate = new EndpointGate({ ratePerSecond: 1, burst: 1, ...clock });
    await gate.acquire();
    const ac = new AbortController();
    const first = gate.acquire(ac.signal);
    const second = gate.acquire();
    ac.abort(new Error("gone"));
    await assert.rejects(first, /gone/);
    await clock.at(1_000);
    await second;
  });

  it("a shared run is aborted only when its last caller leaves, and gets the longest time left", async () => {
    const gate = new EndpointGate({ ratePerSecond: 1, burst: 1 });
    let runSignal: AbortSignal | undefined;
    let runLeft: (() => number) | undefined;
    const run = (b: { signal: AbortSignal; timeLeft: () => number }) => {
      runSignal = b.signal;
      runLeft = b.timeLeft;
      return new Promise<string>(() => undefined);
    };
    const a = new AbortController();
    const b = new AbortController();
    const pa = gate.shared("k", run, { signal: a.signal, timeLeft: () => 1_000 });
    const pb = gate.shared("k", run, { signal: b.signal, timeLeft: () => 5_000 });
    assert.equal(gate.stats.shared, 1);
    assert.equal(runLeft?.(), 5_000);
    a.abort(new Error("a left"));
    await assert.rejects(pa, /a left/);
    assert.equal(runSignal?.aborted, false, "b still waits for the answer");
    assert.equal(runLeft?.(), 5_000);
    b.abort(new Error("b left"));
    await assert.rejects(pb, /b left/);
    assert.equal(runSignal?.aborted, true, "nobody waits any more");
  });
});

describe("shared requests: same identity shares, different identities never do", function () {
  this.timeout(30_000);
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator();
  });
  after(() => sim.close());

  it("concurrent looks at the same job with the same credentials share one request", async () => {
    const { id } = sim.createJob({ service: "rds", durationMs: 60_000 });
    const gate = new EndpointGate({ ratePerSecond: 100, burst: 100 });
    const c = new JobClient({
      service: "rds",
      baseUrl: sim.endpoint("rds"),
      projectId: sim.credentials.projectId,
      auth: createAuthenticator({
        kind: "aksk",
        accessKey: sim.credentials.accessKey,
        secretKey: sim.credentials.secretKey,
        source: "test",
      }),
      gate,
    });
    sim.clearRequests();
    const jobs = await Promise.all(Array.from({ length: 25 }, () => c.getJob(id)));
    assert.ok(jobs.every((j) => j.job.id === id));
    assert.equal(sim.requests({ jobId: id }).length, 1);
    assert.equal(gate.stats.shared, 24);
  });

  it("a caller with another key gets its own answer (401), not the other caller's job", async () => {
    const server = await FaultServer.start((req, reply) => {
      // Answer slowly, so both looks are in flight together.
      setTimeout(() => {
        if (/Access=GOODKEY/.test(req.headers.authorization ?? ""))
          reply.send(200, ddsJobJson("j-1", "Running"));
        else
          reply.send(
            401,
            '{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}',
          );
      }, 100);
    });
    try {
      const gate = new EndpointGate({ ratePerSecond: 100, burst: 100 });
      const client = (accessKey: string) =>
        new JobClient({
          service: "dds",
          baseUrl: server.url,
          projectId: "p1",
          auth: createAuthenticator({ kind: "aksk", accessKey, secretKey: "sk", source: "test" }),
          gate,
        });
      const [good, bad, good2] = await Promise.allSettled([
        client("GOODKEY").getJob("j-1"),
        client("BADKEY").getJob("j-1"),
        client("GOODKEY").getJob("j-1"),
      ]);
      assert.equal(good.status, "fulfilled");
      assert.equal(good2.status, "fulfilled", "same key, another client object: shared");
      assert.equal(bad.status, "rejected");
      assert.ok(
        bad.status === "rejected" && bad.reason instanceof JobApiError && bad.reason.details.kind === "auth",
      );
      assert.equal(server.requests.length, 2, "one request per identity");
      assert.equal(gate.stats.shared, 1);
    } finally {
      await server.close();
    }
  });
});
