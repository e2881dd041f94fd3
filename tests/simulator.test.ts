import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { signRequest } from "../provider/auth/signer";
import type { Service } from "../provider/services";
import { type Simulator, SimulatorAdmin, startSimulator } from "../simulator";
import { realisticProgress, stateAt } from "../simulator/jobs";
import { RequestLog } from "../simulator/log";

type Json = Record<string, unknown>;
type How = "aksk" | "temp" | "token" | "none";

describe("simulator", function () {
  this.timeout(20_000);
  const START = Date.parse("2026-11-23T08:00:00Z");
  let t = START;
  const clock = () => t;
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ now: clock, tokenTtlMs: 3600_000 });
  });
  after(() => sim.close());
  afterEach(() => sim.setGatewayLimit(undefined));

  const jobsUrl = (service: string, jobId?: string, project = sim.credentials.projectId) =>
    `${sim.url}/${service}/v3/${project}/jobs${jobId === undefined ? "" : `?id=${encodeURIComponent(jobId)}`}`;

  const headersFor = (url: string, how: How, extra: Record<string, string> = {}, token?: string) => {
    const c = sim.credentials;
    if (how === "aksk") return signRequest({ method: "GET", url, headers: extra }, c, new Date(t));
    if (how === "temp") {
      return signRequest(
        { method: "GET", url, headers: { "X-Security-Token": c.securityToken, ...extra } },
        { accessKey: c.tempAccessKey, secretKey: c.tempSecretKey },
        new Date(t),
      );
    }
    if (how === "token") return { "X-Auth-Token": token ?? sim.issueToken(), ...extra };
    return extra;
  };

  const call = async (url: string, headers: Record<string, string>) => {
    const res = await fetch(url, { headers });
    return { status: res.status, body: (await res.json()) as Json, headers: res.headers };
  };

  const get = (service: string, jobId: string, how: How = "aksk", token?: string) => {
    const url = jobsUrl(service, jobId);
    return call(url, headersFor(url, how, {}, token));
  };

  const job = async (service: Service, id: string) => {
    const r = await get(service, id);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.job as Json;
  };

  const login = (body: unknown) =>
    fetch(`${sim.iamEndpoint}/v3/auth/tokens`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  const passwordBody = (over: { password?: string; project?: Json } = {}) => ({
    auth: {
      identity: {
        methods: ["password"],
        password: {
          user: {
            name: sim.credentials.username,
            password: over.password ?? sim.credentials.password,
            domain: { name: sim.credentials.domainName },
          },
        },
      },
      scope: { project: over.project ?? { name: sim.credentials.region } },
    },
  });

  describe("wire shapes (as in the seed documents)", () => {
    it("RDS: id,name,status,created,process,instance,entities; no ended; trailing-space process", async () => {
      const id = sim.createJob({ service: "rds", durationMs: 100_000, progress: "linear" }).id;
      t += 50_000;
      const r = await job("rds", id);
      const rdsKeys = ["id", "name", "status", "created", "process", "instance", "entities"];
      assert.deepEqual(Object.keys(r), rdsKeys);
      assert.equal(r.name, "CreateMysqlSingleHAInstance");
      assert.equal(r.status, "Running");
      assert.equal(r.process, "50% ", "even percentages carry the documents' trailing space");
      assert.equal(r.created, "2026-11-23T08:00:00+0000");
      assert.deepEqual(r.entities, {});
      assert.match((r.instance as { id: string }).id, /^[0-9a-f]{32}in01$/);
      t += 1_000;
      assert.equal((await job("rds", id)).process, "51%");
      t += 49_000;
      const done = await job("rds", id);
      assert.deepEqual(Object.keys(done), rdsKeys, "the same keys once completed");
      assert.equal(done.status, "Completed");
      assert.equal(done.process, "");
    });

    it("RDS: entities as given, fail_reason only when failed (after entities)", async () => {
      const entities = {
        instance: {
          endpoint: "192.168.1.203:3306",
          type: "Single",
          datastore: { type: "mysql", version: "5.7" },
        },
        resource_ids: ["x.vm", "x.volume"],
      };
      const id = sim.createJob({
        service: "rds",
        durationMs: 1_000,
        outcome: "Failed",
        failReason: "createVM failed.",
        entities,
        instance: { id: "a48e43ff268f4c0e879652d65e63d0fbin01", name: "mysql-single" },
      }).id;
      t += 1_000;
      const r = await job("rds", id);
      assert.deepEqual(Object.keys(r), [
        "id",
        "name",
        "status",
        "created",
        "process",
        "instance",
        "entities",
        "fail_reason",
      ]);
      assert.equal(r.status, "Failed");
      assert.equal(r.fail_reason, "createVM failed.");
      assert.deepEqual(r.entities, entities);
      assert.deepEqual(r.instance, { id: "a48e43ff268f4c0e879652d65e63d0fbin01", name: "mysql-single" });
    });

    it("DDS: ended even while Running (created + 10 s), fail_reason null, +0000", async () => {
      const created = t;
      const id = sim.createJob({ service: "dds", durationMs: 60_000 }).id;
      t += 20_000;
      const r = await job("dds", id);
      const keys = ["id", "name", "status", "created", "ended", "progress", "instance", "fail_reason"];
      assert.deepEqual(Object.keys(r), keys);
      assert.equal(r.name, "Create_MongoDB");
      assert.equal(r.status, "Running");
      assert.match(String(r.progress), /^\d{1,2}%$/);
      assert.equal(r.fail_reason, null);
      assert.match(String(r.created), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
      assert.equal(Date.parse(String(r.ended).replace("+0000", "Z")) - created, 10_000);
      assert.match((r.instance as { id: string }).id, /^[0-9a-f]{32}in02$/);
      t += 40_000;
      const done = await job("dds", id);
      assert.deepEqual(Object.keys(done), keys);
      assert.equal(done.status, "Completed");
      assert.equal(done.progress, "");
      assert.equal(done.fail_reason, null);
      assert.equal(Date.parse(String(done.ended).replace("+0000", "Z")) - created, 60_000);
    });

    it("GaussDB: like DDS, times in correct +0800 local time", async () => {
      const created = t;
      const id = sim.createJob({ service: "gaussdb", durationMs: 5_000 }).id;
      const r = await job("gaussdb", id);
      assert.deepEqual(Object.keys(r), [
        "id",
        "name",
        "status",
        "created",
        "ended",
        "progress",
        "instance",
        "fail_reason",
      ]);
      assert.equal(r.name, "CreateGaussDBV5Instance");
      assert.match(String(r.created), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0800$/);
      const asUtc = (s: string) => Date.parse(`${s.slice(0, 19)}+08:00`);
      assert.equal(asUtc(String(r.created)), Math.floor(created / 1000) * 1000);
      assert.equal(r.fail_reason, null);
      t += 5_000;
      const done = await job("gaussdb", id);
      assert.equal(asUtc(String(done.ended)), Math.floor((created + 5_000) / 1000) * 1000);
    });
  });

  describe("job lifecycle", () => {
    it("advances Running → Completed on the fake clock; realistic progress is monotonic, never 100", async () => {
      // A fixed ID: the progress curve is seeded by the job ID, and a test must see the same curve every run.
      const id = sim.createJob({ service: "dds", id: "lifecycle-0001", durationMs: 100_000 }).id;
      const seen: number[] = [];
      for (let i = 0; i < 100; i++) {
        const r = await job("dds", id);
        assert.equal(r.status, "Running");
        seen.push(Number(String(r.progress).replace("%", "")));
        t += 1_000;
      }
      assert.ok(
        seen.every((p, i) => i === 0 || p >= seen[i - 1]!),
        `monotonic: ${seen.join(",")}`,
      );
      assert.ok(seen.every((p) => p >= 1 && p <= 99));
      assert.ok(seen[20]! >= 25, `fast start: ${seen[20]}% after 20% of the time`);
      const steps = seen.slice(1).map((p, i) => p - seen[i]!);
      assert.ok(steps.filter((d) => d === 0).length >= 5, "plateaus");
      const done = await job("dds", id);
      assert.equal(done.status, "Completed");
      assert.equal(done.progress, "");
    });

    it("realistic progress stays monotonic for many jobs (unit)", () => {
      for (let seed = 0; seed < 2_000; seed += 7) {
        let last = 0;
        for (let f = 0; f < 1; f += 0.002) {
          const p = realisticProgress(f, seed * 2654435761);
          assert.ok(p >= last && p < 100, `seed ${seed} f ${f}: ${p} after ${last}`);
          last = p;
        }
        const early = realisticProgress(0.2, seed * 2654435761);
        assert.ok(early >= 25, `seed ${seed}: fast start, ${early}% after 20% of the time`);
      }
    });

    it("Failed with fail_reason; progress none stays empty", async () => {
      const id = sim.createJob({
        service: "dds",
        durationMs: 10_000,
        progress: "none",
        outcome: "Failed",
        failReason: "Failed to upgrade the DB Agent.",
      }).id;
      const running = await job("dds", id);
      assert.equal(running.status, "Running");
      assert.equal(running.progress, "");
      t += 10_000;
      const r = await job("dds", id);
      assert.equal(r.status, "Failed");
      assert.equal(r.fail_reason, "Failed to upgrade the DB Agent.");
      assert.equal(r.progress, "");
    });

    it("replays a timeline exactly, unknown statuses included", async () => {
      const id = sim.createJob({
        service: "gaussdb",
        timeline: [
          { afterMs: 0, status: "Pending" },
          { afterMs: 1_000, status: "Running", progress: "40%" },
          { afterMs: 2_000, status: "Running", progress: "39 %" },
          { afterMs: 3_000, status: "Failed", failReason: "disk full" },
        ],
      }).id;
      const seen = [];
      for (let i = 0; i < 4; i++) {
        const r = await job("gaussdb", id);
        seen.push([r.status, r.progress, r.fail_reason]);
        t += 1_000;
      }
      assert.deepEqual(seen, [
        ["Pending", "", null],
        ["Running", "40%", null],
        ["Running", "39 %", null],
        ["Failed", "", "disk full"],
      ]);
    });

    it("finishJob ends a running job now, with its outcome; an ended job keeps its result", async () => {
      const ok = sim.createJob({ service: "dds", durationMs: 600_000 }).id;
      const bad = sim.createJob({
        service: "rds",
        durationMs: 600_000,
        outcome: "Failed",
        failReason: "no disk",
      }).id;
      const done = sim.createJob({ service: "gaussdb", durationMs: 1_000 }).id;
      t += 5_000;
      const finishedAt = t;
      sim.finishJob(ok);
      sim.finishJob(bad);
      sim.finishJob(done, "Failed");
      t += 1_000;
      const a = await job("dds", ok);
      assert.equal(a.status, "Completed");
      assert.equal(a.progress, "");
      assert.equal(Date.parse(String(a.ended).replace("+0000", "Z")), Math.floor(finishedAt / 1000) * 1000);
      const b = await job("rds", bad);
      assert.equal(b.status, "Failed");
      assert.equal(b.fail_reason, "no disk");
      assert.equal((await job("gaussdb", done)).status, "Completed", "already ended: unchanged");
      const c = sim.createJob({ service: "dds", durationMs: 600_000 }).id;
      await new SimulatorAdmin(sim.url).finishJob(c, "Failed", "stopped by the test");
      assert.equal((await job("dds", c)).fail_reason, "stopped by the test");
      assert.throws(() => sim.finishJob("nope"), /no job/);
    });

    it("stateAt works on a bare job (unit)", () => {
      const j = {
        spec: { service: "rds" as const, durationMs: 1_000 },
        id: "j",
        projectId: "p",
        createdAt: 0,
        forgotten: false,
      };
      assert.equal(stateAt(j, 500).status, "Running");
      assert.deepEqual(stateAt(j, 1_000), { status: "Completed", progress: "", endedAt: 1_000 });
    });
  });

  describe("job not found and bad requests", () => {
    const NOT_FOUND = { error_code: "DBS.200543", error_msg: "The job does not exist." };

    it("DBS.200543 until visible, then 200; X-Request-Id and JSON on every answer", async () => {
      const id = sim.createJob({ service: "rds", visibleAfterMs: 5_000 }).id;
      const r1 = await get("rds", id);
      assert.equal(r1.status, 400);
      assert.deepEqual(r1.body, NOT_FOUND);
      assert.match(r1.headers.get("x-request-id") ?? "", /^[0-9a-f]{32}$/);
      assert.match(r1.headers.get("content-type") ?? "", /^application\/json/);
      t += 5_000;
      const r2 = await get("rds", id);
      assert.equal(r2.status, 200);
      assert.match(r2.headers.get("x-request-id") ?? "", /^[0-9a-f]{32}$/);
      assert.notEqual(r2.headers.get("x-request-id"), r1.headers.get("x-request-id"));
    });

    it("DBS.200543 for unknown, forgotten, other-service, other-project and month-old jobs", async () => {
      const id = sim.createJob({ service: "rds" }).id;
      assert.equal((await get("rds", id)).status, 200);
      assert.deepEqual((await get("dds", id)).body, NOT_FOUND);
      assert.deepEqual((await get("rds", "31 b8ae23 - c687")).body, NOT_FOUND);
      const other = sim.createJob({ service: "rds", projectId: "0".repeat(32) }).id;
      assert.deepEqual((await get("rds", other)).body, NOT_FOUND);
      const url = jobsUrl("rds", other, "0".repeat(32));
      assert.equal((await call(url, headersFor(url, "aksk"))).status, 200, "found under its own project");
      sim.forgetJob(id);
      assert.deepEqual((await get("rds", id)).body, NOT_FOUND);
      assert.throws(() => sim.forgetJob("never-created"), /no job/);
      const old = sim.createJob({ service: "dds" }).id;
      t += 31 * 24 * 3600_000;
      assert.deepEqual((await get("dds", old)).body, NOT_FOUND);
    });

    it("missing id → 400 DBS.200001; unknown path or method → 404 APIGW.0101 with request_id", async () => {
      const url = jobsUrl("rds");
      const r = await call(url, headersFor(url, "aksk"));
      assert.equal(r.status, 400);
      assert.equal(r.body.error_code, "DBS.200001");
      const nf = await call(`${sim.url}/ecs/v3/p/jobs?id=x`, {});
      assert.equal(nf.status, 404);
      assert.deepEqual(nf.body, {
        error_code: "APIGW.0101",
        error_msg: "The API does not exist or has not been published in the environment",
        request_id: nf.headers.get("x-request-id"),
      });
      const post = await fetch(jobsUrl("rds", "x"), { method: "POST" });
      assert.equal(post.status, 404);
      assert.equal(((await post.json()) as Json).error_code, "APIGW.0101");
    });

    it("validates job specs", () => {
      assert.throws(() => sim.createJob({ service: "dds", entities: { public_ip: "1.2.3.4" } }), /RDS/);
      assert.throws(() => sim.createJob({ service: "mysql" as Service }), /service/);
      assert.throws(() => sim.createJob({ service: "rds", durationMs: -1 }), /durationMs/);
      assert.throws(
        () =>
          sim.createJob({ service: "rds", duration: 5 } as unknown as Parameters<Simulator["createJob"]>[0]),
        /duration/,
      );
    });
  });

  describe("authentication", () => {
    it("accepts AK/SK; wrong secret, stale date, unknown AK and no auth → 401 APIGW.0301, no secrets echoed", async () => {
      const id = sim.createJob({ service: "rds" }).id;
      const c = sim.credentials;
      assert.equal((await get("rds", id)).status, 200);
      const url = jobsUrl("rds", id);
      const cases: Array<[string, Record<string, string>, RegExp]> = [
        [
          "wrong secret",
          signRequest(
            { method: "GET", url, headers: {} },
            { accessKey: c.accessKey, secretKey: "nope" },
            new Date(t),
          ),
          /verify aksk signature fail/,
        ],
        [
          "stale date",
          signRequest({ method: "GET", url, headers: {} }, c, new Date(t - 16 * 60_000)),
          /15 minutes/,
        ],
        [
          "unknown AK",
          signRequest(
            { method: "GET", url, headers: {} },
            { accessKey: "NOPE", secretKey: "x" },
            new Date(t),
          ),
          /ak not exist/,
        ],
        ["no auth", {}, /x-auth-token not found/],
      ];
      for (const [what, headers, msg] of cases) {
        const res = await fetch(url, { headers });
        const text = await res.text();
        assert.equal(res.status, 401, what);
        const body = JSON.parse(text) as Json;
        assert.equal(body.error_code, "APIGW.0301", what);
        assert.match(String(body.error_msg), /^Incorrect IAM authentication information: /);
        assert.match(String(body.error_msg), msg, what);
        assert.equal(body.request_id, res.headers.get("x-request-id"));
        for (const secret of [c.secretKey, c.accessKey, c.tempSecretKey, c.securityToken])
          assert.ok(!text.includes(secret), `${what} echoes a credential`);
      }
    });

    it("temporary credentials need the right X-Security-Token", async () => {
      const id = sim.createJob({ service: "gaussdb" }).id;
      const c = sim.credentials;
      assert.equal((await get("gaussdb", id, "temp")).status, 200);
      const url = jobsUrl("gaussdb", id);
      const temp = { accessKey: c.tempAccessKey, secretKey: c.tempSecretKey };
      const without = await call(url, signRequest({ method: "GET", url, headers: {} }, temp, new Date(t)));
      assert.equal(without.status, 401);
      assert.match(String(without.body.error_msg), /X-Security-Token/);
      const wrong = signRequest(
        { method: "GET", url, headers: { "X-Security-Token": "forged" } },
        temp,
        new Date(t),
      );
      assert.equal((await call(url, wrong)).status, 401);
    });

    it("X-Project-Id must match the path's project (403 DBS.200010)", async () => {
      const id = sim.createJob({ service: "rds" }).id;
      const url = jobsUrl("rds", id);
      const good = headersFor(url, "aksk", { "X-Project-Id": sim.credentials.projectId });
      assert.equal((await call(url, good)).status, 200);
      const bad = await call(url, headersFor(url, "aksk", { "X-Project-Id": "f".repeat(32) }));
      assert.equal(bad.status, 403);
      assert.equal(bad.body.error_code, "DBS.200010");
    });

    it("IAM login (scope by name or id) → 201 X-Subject-Token; the token works until revoked", async () => {
      const id = sim.createJob({ service: "dds" }).id;
      const c = sim.credentials;
      const res = await login(passwordBody());
      assert.equal(res.status, 201);
      const token = res.headers.get("x-subject-token")!;
      assert.ok(token.length > 20);
      const body = (await res.json()) as {
        token: { expires_at: string; methods: string[]; project: Json; user: { name: string; domain: Json } };
      };
      assert.equal(Date.parse(body.token.expires_at), t + 3600_000);
      assert.deepEqual(body.token.methods, ["password"]);
      assert.equal(body.token.project.id, c.projectId);
      assert.equal(body.token.project.name, c.region);
      assert.equal(body.token.user.name, c.username);
      assert.equal(body.token.user.domain.name, c.domainName);
      assert.equal((await login(passwordBody({ project: { id: c.projectId } }))).status, 201);
      assert.equal((await get("dds", id, "token", token)).status, 200);
      sim.revokeTokens();
      const revoked = await get("dds", id, "token", token);
      assert.equal(revoked.status, 401);
      assert.equal(revoked.body.error_code, "APIGW.0301");
      assert.match(String(revoked.body.error_msg), /revoked/);
      assert.equal((await get("dds", id, "token", "garbage")).status, 401);
    });

    it("IAM: wrong password 401 (IAM's body), malformed or wrong scope 400; tokens expire", async () => {
      const wrong = await login(passwordBody({ password: "nope" }));
      assert.equal(wrong.status, 401);
      assert.deepEqual(await wrong.json(), {
        error: { code: 401, message: "The username or password is wrong.", title: "Unauthorized" },
      });
      assert.equal((await login({ auth: {} })).status, 400);
      assert.equal((await login(passwordBody({ project: { name: "eu-de" } }))).status, 400);
      const id = sim.createJob({ service: "rds", durationMs: 10 * 3600_000 }).id;
      const token = sim.issueToken();
      assert.equal((await get("rds", id, "token", token)).status, 200);
      t += 3600_000;
      const expired = await get("rds", id, "token", token);
      assert.equal(expired.status, 401);
      assert.match(String(expired.body.error_msg), /token expires/);
    });
  });

  describe("faults and the gateway", () => {
    it("503 ×2 with Retry-After, then 200; faults come before authentication", async () => {
      const id = sim.createJob({ service: "rds" }).id;
      sim.injectFault({ status: 503, count: 2, retryAfterSeconds: 3 });
      const a = await get("rds", id, "none");
      assert.equal(a.status, 503, "answered before the (missing) auth is checked");
      assert.equal(a.headers.get("retry-after"), "3");
      assert.equal(a.body.error_code, "DBS.108000");
      assert.equal((await get("rds", id)).status, 503);
      assert.equal((await get("rds", id)).status, 200);
    });

    it("custom code, {code,message} shape, per-service faults, latency", async () => {
      const id = sim.createJob({ service: "rds" }).id;
      sim.injectFault({
        status: 500,
        count: 1,
        shape: "code",
        errorCode: "X.1",
        errorMsg: "boom",
        service: "dds",
      });
      assert.equal((await get("rds", id)).status, 200, "fault limited to another service");
      const dds = sim.createJob({ service: "dds" }).id;
      const r = await get("dds", dds);
      assert.equal(r.status, 500);
      assert.deepEqual(r.body, { code: "X.1", message: "boom" });
      sim.injectFault({ status: 200, count: 1, latencyMs: 150 });
      const t0 = performance.now();
      assert.equal((await get("rds", id)).status, 200);
      assert.ok(performance.now() - t0 >= 140, "delayed");
      assert.throws(() => sim.injectFault({ status: 99, count: 1 }), /status/);
    });

    it("over the gateway limit → 429 APIGW.0308; refills on the clock", async () => {
      const id = sim.createJob({ service: "rds" }).id;
      sim.setGatewayLimit({ ratePerSecond: 1, burst: 2 });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push(await get("rds", id));
      assert.deepEqual(
        statuses.map((s) => s.status),
        [200, 200, 429, 429],
      );
      assert.equal(statuses[2]!.body.error_code, "APIGW.0308");
      assert.equal(
        statuses[2]!.body.error_msg,
        "The throttling threshold has been reached: policy user over ratelimit,limit:1,time:1 second",
      );
      t += 1_000;
      assert.equal((await get("rds", id)).status, 200);
      sim.setGatewayLimit(undefined);
      for (let i = 0; i < 5; i++) assert.equal((await get("rds", id)).status, 200);
    });
  });

  describe("request log and admin API", () => {
    it("records jobs-API and IAM requests (not admin ones), with auth kind and error code", async () => {
      const admin = new SimulatorAdmin(sim.url);
      const id = sim.createJob({ service: "dds", visibleAfterMs: 1_000 }).id;
      sim.clearRequests();
      await get("dds", id, "none");
      await get("dds", id, "token");
      await login(passwordBody());
      await admin.credentials();
      const log = sim.requests();
      assert.equal(log.length, 3);
      assert.deepEqual(
        log.map((r) => [r.service, r.jobId, r.status, r.auth, r.errorCode]),
        [
          ["dds", id, 401, "none", "APIGW.0301"],
          ["dds", id, 400, "token", "DBS.200543"],
          [undefined, undefined, 201, "none", undefined],
        ],
      );
      assert.equal(log[0]!.time, t);
      assert.deepEqual(log[0]!.query, { id });
      assert.equal(log[2]!.path, "/iam/v3/auth/tokens");
      assert.equal(sim.requests({ jobId: id }).length, 2);
    });

    it("keeps the newest entries when full (unit)", () => {
      const log = new RequestLog(3);
      for (let i = 0; i < 7; i++)
        log.add({ time: i, method: "GET", path: "/", query: {}, status: 200, auth: "none" });
      assert.deepEqual(
        log.list().map((r) => r.time),
        [4, 5, 6],
      );
      log.clear();
      assert.equal(log.list().length, 0);
    });

    it("drives everything over HTTP with SimulatorAdmin", async () => {
      const admin = new SimulatorAdmin(`${sim.url}/`);
      assert.deepEqual(await admin.credentials(), sim.credentials);
      const { id } = await admin.createJob({ service: "gaussdb", durationMs: 1_000 });
      const many = await admin.createJobs([{ service: "rds" }, { service: "dds", id: "fixed-id" }]);
      assert.equal(many.length, 2);
      assert.equal(many[1]!.id, "fixed-id");
      const view = await admin.describeJob(id);
      assert.equal(view.service, "gaussdb");
      assert.equal(view.visible, true);
      assert.equal(view.job.status, "Running");
      await admin.clearRequests();
      assert.equal((await get("gaussdb", id)).status, 200);
      const log = await admin.requests({ jobId: id });
      assert.equal(log.length, 1);
      assert.equal(log[0]!.auth, "aksk");
      await admin.forgetJob(id);
      assert.equal((await get("gaussdb", id)).body.error_code, "DBS.200543");
      assert.equal((await admin.describeJob(id)).forgotten, true);
      await admin.injectFault({ status: 502, count: 1 });
      const f = await get("rds", many[0]!.id);
      assert.equal(f.status, 502);
      assert.equal(f.body.error_code, "APIGW.0202");
      await admin.setGatewayLimit({ ratePerSecond: 1, burst: 1 });
      assert.equal((await get("rds", many[0]!.id)).status, 200);
      assert.equal((await get("rds", many[0]!.id)).status, 429);
      await admin.setGatewayLimit(undefined);
      const token = sim.issueToken();
      await admin.revokeTokens();
      assert.equal((await get("rds", many[0]!.id, "token", token)).status, 401);
      await admin.clearRequests();
      assert.deepEqual(await admin.requests(), []);
      await assert.rejects(admin.createJob({ service: "dds", durationMs: -5 }), /HTTP 400.*durationMs/s);
      await assert.rejects(admin.describeJob("nope"), /HTTP 404/);
      await assert.rejects(admin.forgetJob("nope"), /HTTP 404/);
      const raw = await fetch(`${sim.url}/_admin/jobs`, { method: "POST", body: "{not json" });
      assert.equal(raw.status, 400);
    });
  });

  it("serves many concurrent keep-alive clients", async () => {
    const ids = Array.from({ length: 20 }, (_, i) =>
      sim.createJob({ service: (["rds", "dds"] as const)[i % 2] }),
    );
    const results = await Promise.all(
      Array.from({ length: 600 }, (_, i) => get(i % 2 === 0 ? "rds" : "dds", ids[i % 20]!.id)),
    );
    assert.ok(results.every((r) => r.status === 200));
  });

  it("CLI prints endpoints, credentials and SIMULATOR_URL, and stops by itself", async () => {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [join(__dirname, "../simulator/cli.js"), "--exit-after", "0.3"],
        (err, stdout) => (err ? reject(err) : resolve(stdout)),
      ),
    );
    const url = /^SIMULATOR_URL=(http:\/\/127\.0\.0\.1:\d+)$/m.exec(out)?.[1];
    assert.ok(url, out);
    for (const line of [
      "HW_ACCESS_KEY=SIMAK",
      "HW_SECRET_KEY=",
      "HW_PROJECT_ID=",
      "HW_REGION_NAME=sim-region-1",
    ])
      assert.ok(out.includes(`export ${line}`), line);
    for (const s of ["rds", "dds", "gaussdb", "iam"]) assert.ok(out.includes(`${url}/${s}`), s);
    assert.match(out, /curl -s -X POST http:\/\/127\.0\.0\.1:\d+\/_admin\/jobs/);
  });
});
