import assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import {
  connectEngineLog,
  type EngineLog,
  engineProgressOutput,
  resourceNameFromUrn,
} from "../provider/engine-log";
import { lineOutput } from "../provider/progress";
import { deadAddress, engineRpcModules, type FakeEngine, startFakeEngine } from "./support/fake-engine";

const URN_A = "urn:pulumi:dev::shop::pulumi-nodejs:dynamic/job-waiter:JobWaiter::orders-db";
const URN_B = "urn:pulumi:dev::shop::pulumi-nodejs:dynamic/job-waiter:JobWaiter::cache";

describe("engine log (a fake engine on 127.0.0.1)", () => {
  let engine: FakeEngine;
  let log: EngineLog;
  let fallback: string[];
  let notices: Array<string | undefined>;

  beforeEach(async () => {
    engine = await startFakeEngine();
    log = connectEngineLog(engine.address, engineRpcModules);
    fallback = [];
    notices = [];
  });
  afterEach(async () => {
    log.close();
    await engine.close();
  });

  const output = (urn: string, l: EngineLog = log) =>
    engineProgressOutput(
      l,
      urn,
      lineOutput((line) => fallback.push(line), resourceNameFromUrn(urn)),
      (reason) => notices.push(reason),
    );

  it("delivers statuses as ephemeral and the outcome as kept, in order, on the resource's URN", async () => {
    const out = output(URN_A);
    out.status("rds job j1: Running 10% (0s elapsed)");
    out.status("rds job j1: Running 20% (10s elapsed)");
    out.final("rds job j1: Completed (waited 12s, 3 polls)");
    await log.idle(5_000);
    assert.deepEqual(
      engine.received.map((r) => [r.urn, r.severity, r.ephemeral, r.message]),
      [
        [URN_A, "info", true, "rds job j1: Running 10% (0s elapsed)"],
        [URN_A, "info", true, "rds job j1: Running 20% (10s elapsed)"],
        [URN_A, "info", false, "rds job j1: Completed (waited 12s, 3 polls)"],
      ],
    );
    assert.deepEqual(fallback, []);
    assert.deepEqual(notices, []);
    assert.equal(log.brokenReason, undefined);
  });

  it("a status still waiting to be sent is replaced by the resource's newer one; nothing else is dropped", async () => {
    const release = engine.hold();
    const a = output(URN_A);
    const b = output(URN_B);
    a.status("A1"); // sent at once, then held by the engine
    a.status("A2");
    b.status("B1");
    a.status("A3"); // replaces A2
    a.final("A done");
    b.status("B2"); // replaces B1
    release();
    await log.idle(5_000);
    assert.deepEqual(
      engine.received.map((r) => r.message),
      ["A1", "A3", "A done", "B2"],
    );
    assert.deepEqual(fallback, []);
  });

  it("once the engine refuses a call, that line and every later one go to the fallback, with one notice", async () => {
    const out = output(URN_A);
    out.status("first");
    await log.idle(5_000);
    engine.refuse(grpc.status.UNIMPLEMENTED);
    out.status("second");
    out.final("done");
    await log.idle(5_000);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      engine.received.map((r) => r.message),
      ["first"],
    );
    assert.deepEqual(fallback, ["[job-waiter] orders-db: second", "[job-waiter] orders-db: done"]);
    assert.match(log.brokenReason ?? "", /Log call failed: .*UNIMPLEMENTED|refuses Log/);
    assert.equal(notices.length, 2, "each undelivered line calls back; the host prints the notice once");
    assert.ok(
      await log.log({ severity: "info", message: "x", urn: URN_A, ephemeral: false }).then((d) => !d),
    );
  });

  it("no engine listening: nothing throws and the lines reach the fallback", async () => {
    const dead = connectEngineLog(await deadAddress(), engineRpcModules, { deadlineMs: 2_000 });
    try {
      const out = output(URN_B, dead);
      out.status("s");
      out.final("f");
      await dead.idle(10_000);
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(fallback, ["[job-waiter] cache: s", "[job-waiter] cache: f"]);
      assert.ok(dead.brokenReason);
    } finally {
      dead.close();
    }
  });

  it("an engine that never answers: the call gives up at its deadline and idle() returns at its timeout", async () => {
    const release = engine.hold();
    const slow = connectEngineLog(engine.address, engineRpcModules, { deadlineMs: 300 });
    try {
      const delivered = slow.log({ severity: "info", message: "m", urn: URN_A, ephemeral: true });
      let idleDone = false;
      await slow.idle(20).then(() => {
        idleDone = true;
      });
      assert.ok(idleDone);
      assert.equal(await delivered, false);
      assert.match(slow.brokenReason ?? "", /DEADLINE_EXCEEDED|Deadline/i);
    } finally {
      release();
      slow.close();
    }
  });

  it("a message for a closed log is not delivered and says so", async () => {
    log.close();
    assert.equal(await log.log({ severity: "info", message: "m", urn: URN_A, ephemeral: true }), false);
  });
});

describe("resourceNameFromUrn", () => {
  it("takes what follows the type", () => {
    assert.equal(resourceNameFromUrn(URN_A), "orders-db");
    assert.equal(
      resourceNameFromUrn(
        "urn:pulumi:dev::p::my:comp:Comp$pulumi-nodejs:dynamic/job-waiter:JobWaiter::db::x",
      ),
      "db::x",
    );
  });
  it("is undefined for what is not a URN", () => {
    assert.equal(resourceNameFromUrn(""), undefined);
    assert.equal(resourceNameFromUrn("orders-db"), undefined);
    assert.equal(resourceNameFromUrn("urn:pulumi:dev::p::t::"), undefined);
  });
});
