import assert from "node:assert/strict";
import { evaluateGoal, type Row } from "../bench/goal";
import { fixedIntervalResult, simulate } from "../bench/simulate";
import { FAMILIES, HELDOUT_SEEDS, type Timeline, TRAIN_SEEDS, workload } from "../bench/workloads";
import { FakeClock } from "../provider/clock";
import { type ApiErrorKind, JobApiError } from "../provider/errors";
import type { Job } from "../provider/job";
import {
  DEFAULT_POLICY_OPTIONS,
  estimateRemainingMs,
  fixedIntervalPolicy,
  jobAgeMs,
  priorFor,
  progressAwarePolicy,
} from "../provider/policy";
import type { Service } from "../provider/services";
import { type PollObservation, waitForJob } from "../provider/waiter";
import { rng } from "./support/rng";

const D = DEFAULT_POLICY_OPTIONS;
const ctx = { elapsedMs: 0, timeoutMs: 3_600_000 };
const apiError = (kind: ApiErrorKind, httpStatus = 400) =>
  new JobApiError({ kind, service: "rds", jobId: "j1", url: "http://127.0.0.1/v3/p/jobs", httpStatus });

function running(progress?: number, name = "CreateMysqlSingleHAInstance"): Job {
  return {
    id: "j1",
    name,
    status: "Running",
    created: "2024-01-01T00:00:00Z",
    ...(progress !== undefined ? { progress } : {}),
  };
}

/** An observation `elapsedMs` into the wait, of a job `ageMs` old (as the waiter computes it from `created`). */
const obs = (elapsedMs: number, progress?: number, ageMs?: number, name?: string): PollObservation => ({
  elapsedMs,
  job: running(progress, name),
  wireStatus: "Running",
  ...(ageMs !== undefined ? { ageMs } : {}),
});

describe("progress-aware policy v2: bounds", () => {
  const policy = progressAwarePolicy();

  it("never below the floor, never above the cap, never longer than the job's age allows (seeded histories)", () => {
    const r = rng(4242);
    const services: Array<Service | undefined> = ["rds", "dds", "gaussdb", undefined];
    const names = [
      "CreateMysqlSingleHAInstance",
      "MysqlBindEIP",
      "CreateGaussDBInstance",
      "Create_MongoDB",
      "x",
    ];
    let checked = 0;
    for (let k = 0; k < 3_000; k++) {
      const service = services[Math.floor(r() * services.length)];
      const p = progressAwarePolicy({ ...(service ? { service } : {}) });
      const name = names[Math.floor(r() * names.length)]!;
      // The job was created `startAge` before the wait began; the server's clock is off by up to 5 s.
      const startAge = r() < 0.5 ? r() * 5_000 : r() * 3_600_000;
      const skew = (r() - 0.5) * 10_000;
      const withProgress = r() < 0.7;
      const history: PollObservation[] = [];
      let t = 0;
      let pct = Math.floor(r() * 30);
      for (let i = 0; i < 25; i++) {
        t += 1_000 + r() * 60_000;
        if (r() < 0.4) pct = Math.min(99, pct + Math.floor(r() * 30));
        history.push(obs(t, withProgress ? pct : undefined, startAge + t + skew, name));
        const d = p.nextDelayMs(history, ctx);
        const trueAge = startAge + t;
        assert.ok(d >= D.minDelayMs, `delay ${d} below the floor`);
        assert.ok(d <= D.maxDelayMs, `delay ${d} above the cap`);
        assert.ok(
          d <= Math.max(D.steadyDelayMs, D.ageCapShare * trueAge),
          `delay ${d} for a job ${trueAge} ms old`,
        );
        checked++;
      }
    }
    assert.equal(checked, 75_000);
  });

  it("leaves a 30 s old job alone for at most 30 s, whatever its progress and prior say", () => {
    for (const service of ["rds", "gaussdb", "dds"] as const) {
      const p = progressAwarePolicy({ service });
      for (const name of ["CreateGaussDBInstance", "CreateMysqlSingleHAInstance", "Create_MongoDB"]) {
        for (const pct of [undefined, 1, 5, 30]) {
          const d = p.nextDelayMs([obs(25_000, 0, 25_000, name), obs(30_000, pct, 30_000, name)], ctx);
          assert.ok(d <= 30_000, `${service} ${name} ${pct}%: ${d}`);
        }
      }
    }
  });

  it("an early plateau on a young job never sleeps past the cap for its age (the 23 s job of issue 9)", async () => {
    // 20 jobs of 20-40 s that report 33% then sit at 35%: each is seen within one steady interval of its
    // end (the first policy saw a 23 s job 43 s late, after sleeping 60 s on the plateau).
    for (let i = 0; i < 20; i++) {
      const durationMs = 20_000 + i * 1_000;
      const clock = new FakeClock(1_000);
      const out = await waitForJob({
        poll: async () => {
          const t = clock.now();
          const job: Job =
            t >= durationMs
              ? { ...running(), status: "Completed" }
              : running(t < 8_000 ? 33 : 35, "CreateMysqlSingleHAInstance");
          return { job: { ...job, created: new Date(0).toISOString() }, wireStatus: job.status };
        },
        policy: progressAwarePolicy({ service: "rds" }),
        clock,
        timeoutMs: 600_000,
        wallClock: () => clock.now(),
      });
      assert.equal(out.state, "completed");
      const late = clock.now() - durationMs;
      assert.ok(late <= Math.max(D.steadyDelayMs, durationMs), `${durationMs} ms job seen ${late} ms late`);
    }
  });

  it("backs off on consecutive errors, up to the cap", () => {
    const e = (t: number): PollObservation => ({ elapsedMs: t, error: apiError("transient", 503) });
    const d1 = policy.nextDelayMs([e(0)], ctx);
    const d3 = policy.nextDelayMs([e(0), e(1), e(2)], ctx);
    const d20 = policy.nextDelayMs(
      Array.from({ length: 20 }, (_, i) => e(i)),
      ctx,
    );
    assert.ok(d1 < d3 && d3 <= d20);
    assert.equal(d20, D.maxDelayMs);
  });

  it("a configured cap below the floor lowers the floor; the first poll respects the cap", () => {
    const p = progressAwarePolicy({ maxDelayMs: 2_000 });
    assert.equal(p.nextDelayMs([], ctx), 2_000);
    assert.equal(p.nextDelayMs([obs(0, 10, 100_000)], ctx), 2_000);
  });
});

describe("progress-aware policy v2: non-finite input", () => {
  it("never answers a non-finite, negative or zero delay", () => {
    const bad = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, 0];
    const policies = [
      progressAwarePolicy(),
      progressAwarePolicy({ service: "rds" }),
      progressAwarePolicy({ steadyDelayMs: Number.NaN, ageCapShare: Number.POSITIVE_INFINITY }),
      progressAwarePolicy({ minDelayMs: Number.NaN, maxDelayMs: Number.NaN, firstDelayMs: Number.NaN }),
      progressAwarePolicy({ minDelayMs: 0, nearDelayMs: -5, relaxMs: 0 }),
    ];
    let n = 0;
    for (const p of policies) {
      const check = (d: number, what: string) => {
        assert.ok(Number.isFinite(d) && d > 0, `${what}: ${d}`);
        n++;
      };
      check(p.nextDelayMs([], ctx), "first");
      for (const x of bad) {
        check(p.nextDelayMs([obs(x, 50, 100_000)], ctx), `elapsed ${x}`);
        check(p.nextDelayMs([obs(10_000, 50, x)], ctx), `age ${x}`);
        check(p.nextDelayMs([obs(0, 10, 0), obs(10_000, x, 10_000)], ctx), `progress ${x}`);
        check(p.nextDelayMs([obs(x, x, x), obs(x, x, x)], ctx), `all ${x}`);
      }
    }
    assert.equal(n, 5 * (1 + bad.length * 4));
  });
});

describe("progress-aware policy v2: what it uses", () => {
  const rds = progressAwarePolicy({ service: "rds" });

  it("relaxes on a long plateau in the end zone: dense right after a move, steady once it lasts", () => {
    const move = [obs(0, 50, 300_000), obs(20_000, 85, 320_000)];
    const right = rds.nextDelayMs(move, ctx);
    const half = rds.nextDelayMs([...move, obs(50_000, 85, 350_000)], ctx);
    const long = rds.nextDelayMs([...move, obs(20_000 + D.relaxMs * 3, 86, 320_000 + D.relaxMs * 3)], ctx);
    assert.equal(right, D.nearDelayMs);
    assert.ok(right < half && half < long, `${right} < ${half} < ${long}`);
    assert.equal(long, D.steadyDelayMs);
  });

  it("relaxes in proportion to the age of jobs that have run for hours, never past the cap", () => {
    const at = (ageMs: number) =>
      rds.nextDelayMs([obs(ageMs - 60_000, 90, ageMs), obs(ageMs, 90, ageMs)], ctx);
    assert.equal(at(30 * 60_000), D.steadyDelayMs);
    const sixHours = at(6 * 3600_000);
    assert.equal(sixHours, D.relativeDelayShare * 6 * 3600_000);
    assert.ok(sixHours > D.steadyDelayMs);
    assert.equal(at(100 * 3600_000), D.maxDelayMs);
  });

  it("reporting noise below the highest value seen does not leave the end zone", () => {
    const h = [obs(0, 70, 300_000), obs(10_000, 82, 310_000), obs(20_000, 79, 320_000)];
    assert.ok(rds.nextDelayMs(h, ctx) <= D.steadyDelayMs);
  });

  it("sleeps longer while the progress rate says the end zone is far, and polls steadily without progress", () => {
    const p = progressAwarePolicy();
    // 10% in 100 s: the end zone (80%) is 700 s away; half of that, within the age cap (100 s old).
    assert.equal(p.nextDelayMs([obs(0, 0, 0, "x"), obs(100_000, 10, 100_000, "x")], ctx), 60_000);
    assert.ok(p.nextDelayMs([obs(0, 0, 0, "x"), obs(40_000, 10, 40_000, "x")], ctx) <= 40_000);
    assert.equal(p.nextDelayMs([obs(0), obs(30_000)], ctx), D.steadyDelayMs);
  });

  it("uses the duration prior of (service, job name): a fresh RDS create waits longer than a fresh EIP bind", () => {
    const create = rds.nextDelayMs([obs(40_000, undefined, 45_000, "CreateMysqlSingleHAInstance")], ctx);
    const bind = rds.nextDelayMs([obs(40_000, undefined, 45_000, "MysqlBindEIP")], ctx);
    assert.equal(bind, D.steadyDelayMs);
    assert.ok(create > bind && create <= 45_000, `${create} vs ${bind}`);
    // Without the service, the name alone is not an RDS create: the conservative default.
    const unknown = progressAwarePolicy();
    const d = unknown.nextDelayMs([obs(40_000, undefined, 45_000, "CreateMysqlSingleHAInstance")], ctx);
    assert.equal(d, D.steadyDelayMs);
  });

  it("finds priors by trimmed name; RDS jobs are in the end zone from 60%; unknown names get the default", () => {
    assert.equal(priorFor("rds", " CreateMysqlReplicaInstance").earliestMs, 180_000);
    assert.equal(priorFor("rds", "Bench").endZoneProgress, 60);
    assert.equal(priorFor("dds", "Bench").endZoneProgress, 80);
    assert.equal(priorFor("gaussdb", "CreateGaussDBInstance").earliestMs, 1_200_000);
    assert.equal(priorFor(undefined, undefined).earliestMs, 20_000);
    assert.equal(priorFor("rds", "MysqlBindEIP").progressUninformative, true);
  });

  it("takes the job's age from `created`, allowing for clock skew, never below the time waited", () => {
    // The server says the job is 100 s old: up to 10 s of that may be skew.
    assert.equal(jobAgeMs([obs(5_000, 1, 100_000)], D.skewAllowanceMs), 90_000);
    // `created` ahead of our clock (negative age): the time waited is the floor.
    assert.equal(jobAgeMs([obs(5_000, 1, -3_000)], D.skewAllowanceMs), 5_000);
    assert.equal(jobAgeMs([obs(5_000, 1)], D.skewAllowanceMs), 5_000);
  });

  it("estimates remaining time from the progress rate since creation (or since the first sample)", () => {
    assert.equal(estimateRemainingMs([obs(0, 0), obs(100_000, 50)]), 100_000);
    assert.equal(estimateRemainingMs([obs(0, 0), obs(100_000, 50), obs(200_000, 50)]), 0);
    // 25% at an age of 60 s (70 s minus 10 s of allowed skew): 180 s to go.
    assert.equal(estimateRemainingMs([obs(10_000, 25, 70_000)]), 180_000);
  });
});

describe("progress-aware policy v2: through the waiter loop", () => {
  it("a job completed at the first poll costs one call", async () => {
    const clock = new FakeClock();
    let calls = 0;
    const out = await waitForJob({
      poll: async () => {
        calls++;
        return { job: { ...running(), status: "Completed" }, wireStatus: "Completed" };
      },
      policy: progressAwarePolicy({ service: "rds" }),
      clock,
      timeoutMs: 600_000,
      wallClock: () => Date.parse("2024-01-01T01:00:00Z"),
    });
    assert.equal(out.state, "completed");
    assert.equal(calls, 1);
    assert.equal(out.polls, 1);
  });
});

describe("policy benchmark", () => {
  const row = (policy: string, meanCalls: number, p50S: number, p95S: number, notCompleted = 0): Row => ({
    policy,
    meanCalls,
    p50S,
    p95S,
    p99S: p95S,
    maxS: p95S,
    notCompleted,
  });
  const tf = row("tf", 100, 5, 9.5);

  it("goal: holds when every ratio is within bounds and no rival is better on both calls and p95", () => {
    const v = evaluateGoal({
      ours: row("ours", 60, 5.2, 9.9),
      terraform: tf,
      rivals: [row("fixed 30s", 33, 15, 28)],
      informative: true,
    });
    assert.equal(v.holds, true, JSON.stringify(v.checks));
    assert.equal(
      evaluateGoal({ ours: row("ours", 104, 5, 9.5), terraform: tf, rivals: [], informative: false }).holds,
      true,
    );
  });

  it("goal: fails on each broken bound, naming it", () => {
    const fails = (ours: Row, informative: boolean, rivals: Row[] = []) => {
      const v = evaluateGoal({ ours, terraform: tf, rivals, informative });
      assert.equal(v.holds, false);
      return v.checks.filter((c) => !c.ok).map((c) => c.what);
    };
    assert.match(fails(row("ours", 106, 5, 9.5), false)[0]!, /^calls 1\.06x/);
    assert.match(fails(row("ours", 100, 5.3, 9.5), false)[0]!, /^p50 1\.06x/);
    assert.match(fails(row("ours", 100, 5, 10), false)[0]!, /^p95 1\.05x/);
    assert.match(fails(row("ours", 71, 5, 9.5), true)[0]!, /^informative calls 0\.71x/);
    assert.match(fails(row("ours", 90, 4, 9), false, [row("fixed 9.5s", 89, 4.5, 8.9)])[0]!, /fixed 9\.5s/);
    assert.match(fails(row("ours", 90, 4, 9, 1), false)[0]!, /1 not/);
    // Better on one axis only is not better.
    assert.equal(
      evaluateGoal({
        ours: row("ours", 90, 4, 9),
        terraform: tf,
        rivals: [row("a", 80, 9, 9.1), row("b", 95, 1, 2)],
        informative: false,
      }).holds,
      true,
    );
  });

  it("the closed-form fixed interval matches the real loop with fixedIntervalPolicy", async () => {
    for (const family of FAMILIES) {
      for (const t of workload(family, 20, 5)) {
        for (const s of [3, 10, 37.5, 120]) {
          const loop = await simulate(t, fixedIntervalPolicy(s * 1000, s * 1000));
          assert.deepEqual(fixedIntervalResult(t, s * 1000), loop, `${family} ${s}s`);
        }
      }
    }
  });

  it("families are seeded, disjoint between training and held-out seeds, and shaped as specified", () => {
    assert.ok(TRAIN_SEEDS.every((s) => !HELDOUT_SEEDS.includes(s)));
    const sample = (w: Timeline[], n: number) =>
      w.slice(0, n).map((t) => [t.durationMs, t.progressAt(t.durationMs / 2)]);
    for (const f of FAMILIES)
      assert.deepEqual(sample(workload(f, 50, 1), 50), sample(workload(f, 50, 1), 50));
    for (const f of FAMILIES) {
      for (const t of workload(f, 1000, 3)) {
        assert.ok(t.visibleAfterMs >= 0 && t.visibleAfterMs <= 10_000);
        assert.ok(Math.abs(t.createdSkewMs) <= 5_000);
        assert.ok(t.durationMs >= 15_000);
      }
    }
    const short = workload("modify-short", 1000, 3);
    assert.ok(short.every((t) => t.durationMs >= 15_000 && t.durationMs <= 90_000));
    const steps = workload("rds-steps", 1000, 3);
    const at60 = steps.filter((t) => t.progressAt(t.durationMs - 1) === 60).length / steps.length;
    assert.ok(at60 > 0.2 && at60 < 0.3, `share ending at 60%: ${at60}`);
    const tail = workload("heavy-tail", 1000, 3).filter((t) => t.durationMs >= 6 * 3600_000).length;
    assert.ok(tail >= 3 && tail <= 20, `heavy tail: ${tail}`);
    const np = workload("no-progress", 1000, 3);
    assert.ok(
      np.every(
        (t) => t.progressAt(1_000) === undefined && t.durationMs >= 60_000 && t.durationMs <= 3_600_000,
      ),
    );
    const g = workload("gaussdb-ramp", 1000, 3);
    assert.ok(g.every((t) => (t.progressAt(t.durationMs - 1) ?? 0) >= 86));
  });
});
