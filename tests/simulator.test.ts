import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { signRequest } from "../provider/auth/signer";
import type { Service } from "../provider/services";
import {
  type AdminApi,
  type AdminJobView,
  type AsyncAdminApi,
  type Simulator,
  SimulatorAdmin,
} from "../simulator";
import { realisticProgress, stateAt } from "../simulator/jobs";
import { RequestLog } from "../simulator/log";
import { type Json, useSimulator } from "./support/simulator-harness";

describe("simulator", function () {
  this.timeout(20_000);
  const h = useSimulator();

  describe("admin API: one interface, in process and over HTTP", () => {
    const asAsync = (api: AdminApi): AsyncAdminApi =>
      Object.fromEntries(
        Object.entries(api).map(([k, f]) => [
          k,
          async (...a: unknown[]) => (f as (...x: unknown[]) => unknown)(...a),
        ]),
      ) as unknown as AsyncAdminApi;

    /** The same script against either implementation; returns what it saw. */
    const script = async (admin: AsyncAdminApi) => {
      const trace: unknown[] = [];
      trace.push((await admin.credentials()).projectId === h.sim.credentials.projectId);
      const { id } = await admin.createJob({ service: "gaussdb", id: "g-1", durationMs: 10_000 });
      trace.push(
        await admin.createJobs([
          { service: "rds", id: "r-1" },
          { service: "dds", id: "d-1" },
        ]),
      );
      await assert.rejects(
        async () =>
          admin.createJobs([
            { service: "rds", id: "r-2" },
            { service: "rds", durationMs: -1 },
          ]),
        /durationMs/,
      );
      trace.push(await admin.describeJob("r-2"), "nothing of a bad batch is created");
      trace.push(await admin.describeJob(id));
      h.t += 5_000;
      await admin.finishJob(id, "Failed", "stopped");
      trace.push(await admin.describeJob(id));
      await admin.forgetJob("r-1");
      trace.push((await admin.describeJob("r-1"))?.forgotten);
      trace.push(await admin.describeJob("nope"));
      await assert.rejects(async () => admin.finishJob("nope"), /no job/);
      await assert.rejects(async () => admin.forgetJob("nope"), /no job/);
      await assert.rejects(async () => admin.createJob({ service: "dds", durationMs: -5 }), /durationMs/);
      await assert.rejects(async () => admin.injectFault({ status: 99, count: 1 }), /status/);
      await admin.clearRequests();
      await admin.injectFault({ status: 502, count: 1 });
      trace.push((await h.get("dds", "d-1")).status);
      await admin.setGatewayLimit({ ratePerSecond: 1, burst: 1 });
      trace.push((await h.get("dds", "d-1")).status, (await h.get("dds", "d-1")).status);
      await admin.setGatewayLimit(undefined);
      const token = h.sim.issueToken();
      trace.push((await h.get("dds", "d-1", "token", token)).status);
      await admin.revokeTokens();
      trace.push((await h.get("dds", "d-1", "token", token)).status);
      trace.push((await admin.requests({ jobId: "d-1" })).map((r) => [r.status, r.auth, r.errorCode ?? ""]));
      await admin.clearRequests();
      trace.push(await admin.requests());
      return trace;
    };

    it("the same script gives the same answers", async () => {
      const local = await script(asAsync(h.sim.admin));
      await h.fresh({ credentials: { projectId: h.sim.credentials.projectId } });
      const remote = await script(new SimulatorAdmin(`${h.sim.url}/`));
      assert.deepEqual(remote, local);
      assert.equal(local[0], true);
      assert.equal(local[2], undefined);
      const [view, finished] = local.slice(4, 6) as [AdminJobView, AdminJobView];
      assert.deepEqual([view.service, view.visible, view.job.status], ["gaussdb", true, "Running"]);
      assert.deepEqual([finished.job.status, finished.job.fail_reason], ["Failed", "stopped"]);
      assert.equal(local[6], true, "forgotten");
      assert.equal(local[7], undefined, "unknown job");
      assert.deepEqual(local.slice(8, 13), [502, 200, 429, 200, 401]);
    });

    it("the simulator's own methods are the admin API's", async () => {
      const { id } = h.sim.createJob({ service: "rds", durationMs: 600_000 });
      h.sim.finishJob(id);
      assert.equal(h.sim.admin.describeJob(id)?.job.status, "Completed");
      assert.deepEqual(h.sim.admin.credentials(), h.sim.credentials);
    });

    it("HTTP: bad JSON 400, unknown route 404, finish body checked", async () => {
      const raw = await fetch(`${h.sim.url}/_admin/jobs`, { method: "POST", body: "{not json" });
      assert.equal(raw.status, 400);
      assert.equal((await fetch(`${h.sim.url}/_admin/nothing`)).status, 404);
      const { id } = h.sim.createJob({ service: "dds" });
      const finish = await fetch(`${h.sim.url}/_admin/jobs/${id}/finish`, {
        method: "POST",
        body: JSON.stringify({ outcome: "Done" }),
      });
      assert.equal(finish.status, 400);
      assert.match(await finish.text(), /outcome/);
    });
  });

  describe("wire shapes (as in the seed documents)", () => {
    it("RDS: id,name,status,created,process,instance,entities; no ended; trailing-space process", async () => {
      const id = h.sim.createJob({ service: "rds", durationMs: 100_000, progress: "linear" }).id;
      h.t += 50_000;
      const r = await h.job("rds", id);
      const rdsKeys = ["id", "name", "status", "created", "process", "instance", "entities"];
      assert.deepEqual(Object.keys(r), rdsKeys);
      assert.equal(r.name, "CreateMysqlSingleHAInstance");
      assert.equal(r.status, "Running");
      assert.equal(r.process, "50% ", "even percentages carry the documents' trailing space");
      assert.equal(r.created, "2026-11-23T08:00:00+0000");
      assert.deepEqual(r.entities, {});
      assert.match((r.instance as { id: string }).id, /^[0-9a-f]{32}in01$/);
      h.t += 1_000;
      assert.equal((await h.job("rds", id)).process, "51%");
      h.t += 49_000;
      const done = await h.job("rds", id);
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
      const id = h.sim.createJob({
        service: "rds",
        durationMs: 1_000,
        outcome: "Failed",
        failReason: "createVM failed.",
        entities,
        instance: { id: "a48e43ff268f4c0e879652d65e63d0fbin01", name: "mysql-single" },
      }).id;
      h.t += 1_000;
      const r = await h.job("rds", id);
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
      const created = h.t;
      const id = h.sim.createJob({ service: "dds", durationMs: 60_000 }).id;
      h.t += 20_000;
      const r = await h.job("dds", id);
      const keys = ["id", "name", "status", "created", "ended", "progress", "instance", "fail_reason"];
      assert.deepEqual(Object.keys(r), keys);
      assert.equal(r.name, "Create_MongoDB");
      assert.equal(r.status, "Running");
      assert.match(String(r.progress), /^\d{1,2}%$/);
      assert.equal(r.fail_reason, null);
      assert.match(String(r.created), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
      assert.equal(Date.parse(String(r.ended).replace("+0000", "Z")) - created, 10_000);
      assert.match((r.instance as { id: string }).id, /^[0-9a-f]{32}in02$/);
      h.t += 40_000;
      const done = await h.job("dds", id);
      assert.deepEqual(Object.keys(done), keys);
      assert.equal(done.status, "Completed");
      assert.equal(done.progress, "");
      assert.equal(done.fail_reason, null);
      assert.equal(Date.parse(String(done.ended).replace("+0000", "Z")) - created, 60_000);
    });

    it("GaussDB: like DDS, times in correct +0800 local time", async () => {
      const created = h.t;
      const id = h.sim.createJob({ service: "gaussdb", durationMs: 5_000 }).id;
      const r = await h.job("gaussdb", id);
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
      h.t += 5_000;
      const done = await h.job("gaussdb", id);
      assert.equal(asUtc(String(done.ended)), Math.floor((created + 5_000) / 1000) * 1000);
    });
  });

  describe("job lifecycle", () => {
    it("advances Running → Completed on the fake clock; realistic progress is monotonic, never 100", async () => {
      // A fixed ID: the progress curve is seeded by the job ID, and a test must see the same curve every run.
      const id = h.sim.createJob({ service: "dds", id: "lifecycle-0001", durationMs: 100_000 }).id;
      const seen: number[] = [];
      for (let i = 0; i < 100; i++) {
        const r = await h.job("dds", id);
        assert.equal(r.status, "Running");
        seen.push(Number(String(r.progress).replace("%", "")));
        h.t += 1_000;
      }
      assert.ok(
        seen.every((p, i) => i === 0 || p >= seen[i - 1]!),
        `monotonic: ${seen.join(",")}`,
      );
      assert.ok(seen.every((p) => p >= 1 && p <= 99));
      assert.ok(seen[20]! >= 25, `fast start: ${seen[20]}% after 20% of the time`);
      const steps = seen.slice(1).map((p, i) => p - seen[i]!);
      assert.ok(steps.filter((d) => d === 0).length >= 5, "plateaus");
      const done = await h.job("dds", id);
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
      const id = h.sim.createJob({
        service: "dds",
        durationMs: 10_000,
        progress: "none",
        outcome: "Failed",
        failReason: "Failed to upgrade the DB Agent.",
      }).id;
      const running = await h.job("dds", id);
      assert.equal(running.status, "Running");
      assert.equal(running.progress, "");
      h.t += 10_000;
      const r = await h.job("dds", id);
      assert.equal(r.status, "Failed");
      assert.equal(r.fail_reason, "Failed to upgrade the DB Agent.");
      assert.equal(r.progress, "");
    });

    it("replays a timeline exactly, unknown statuses included", async () => {
      const id = h.sim.createJob({
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
        const r = await h.job("gaussdb", id);
        seen.push([r.status, r.progress, r.fail_reason]);
        h.t += 1_000;
      }
      assert.deepEqual(seen, [
        ["Pending", "", null],
        ["Running", "40%", null],
        ["Running", "39 %", null],
        ["Failed", "", "disk full"],
      ]);
    });

    it("finishJob ends a running job now, with its outcome; an ended job keeps its result", async () => {
      const ok = h.sim.createJob({ service: "dds", durationMs: 600_000 }).id;
      const bad = h.sim.createJob({
        service: "rds",
        durationMs: 600_000,
        outcome: "Failed",
        failReason: "no disk",
      }).id;
      const done = h.sim.createJob({ service: "gaussdb", durationMs: 1_000 }).id;
      h.t += 5_000;
      const finishedAt = h.t;
      h.sim.finishJob(ok);
      h.sim.finishJob(bad);
      h.sim.finishJob(done, "Failed");
      h.t += 1_000;
      const a = await h.job("dds", ok);
      assert.equal(a.status, "Completed");
      assert.equal(a.progress, "");
      assert.equal(Date.parse(String(a.ended).replace("+0000", "Z")), Math.floor(finishedAt / 1000) * 1000);
      const b = await h.job("rds", bad);
      assert.equal(b.status, "Failed");
      assert.equal(b.fail_reason, "no disk");
      assert.equal((await h.job("gaussdb", done)).status, "Completed", "already ended: unchanged");
      const c = h.sim.createJob({ service: "dds", durationMs: 600_000 }).id;
      await new SimulatorAdmin(h.sim.url).finishJob(c, "Failed", "stopped by the test");
      assert.equal((await h.job("dds", c)).fail_reason, "stopped by the test");
      assert.throws(() => h.sim.finishJob("nope"), /no job/);
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
      const id = h.sim.createJob({ service: "rds", visibleAfterMs: 5_000 }).id;
      const r1 = await h.get("rds", id);
      assert.equal(r1.status, 400);
      assert.deepEqual(r1.body, NOT_FOUND);
      assert.match(r1.headers.get("x-request-id") ?? "", /^[0-9a-f]{32}$/);
      assert.match(r1.headers.get("content-type") ?? "", /^application\/json/);
      h.t += 5_000;
      const r2 = await h.get("rds", id);
      assert.equal(r2.status, 200);
      assert.match(r2.headers.get("x-request-id") ?? "", /^[0-9a-f]{32}$/);
      assert.notEqual(r2.headers.get("x-request-id"), r1.headers.get("x-request-id"));
    });

    it("DBS.200543 for unknown, forgotten, other-service, other-project and month-old jobs", async () => {
      const id = h.sim.createJob({ service: "rds" }).id;
      assert.equal((await h.get("rds", id)).status, 200);
      assert.deepEqual((await h.get("dds", id)).body, NOT_FOUND);
      assert.deepEqual((await h.get("rds", "31 b8ae23 - c687")).body, NOT_FOUND);
      const other = h.sim.createJob({ service: "rds", projectId: "0".repeat(32) }).id;
      assert.deepEqual((await h.get("rds", other)).body, NOT_FOUND);
      const url = h.jobsUrl("rds", other, "0".repeat(32));
      assert.equal((await h.call(url, h.headersFor(url, "aksk"))).status, 200, "found under its own project");
      h.sim.forgetJob(id);
      assert.deepEqual((await h.get("rds", id)).body, NOT_FOUND);
      assert.throws(() => h.sim.forgetJob("never-created"), /no job/);
      const old = h.sim.createJob({ service: "dds" }).id;
      h.t += 31 * 24 * 3600_000;
      assert.deepEqual((await h.get("dds", old)).body, NOT_FOUND);
    });

    it("missing id → 400 DBS.200001; unknown path or method → 404 APIGW.0101 with request_id", async () => {
      const url = h.jobsUrl("rds");
      const r = await h.call(url, h.headersFor(url, "aksk"));
      assert.equal(r.status, 400);
      assert.equal(r.body.error_code, "DBS.200001");
      const nf = await h.call(`${h.sim.url}/ecs/v3/p/jobs?id=x`, {});
      assert.equal(nf.status, 404);
      assert.deepEqual(nf.body, {
        error_code: "APIGW.0101",
        error_msg: "The API does not exist or has not been published in the environment",
        request_id: nf.headers.get("x-request-id"),
      });
      const post = await fetch(h.jobsUrl("rds", "x"), { method: "POST" });
      assert.equal(post.status, 404);
      assert.equal(((await post.json()) as Json).error_code, "APIGW.0101");
    });

    it("validates job specs", () => {
      assert.throws(() => h.sim.createJob({ service: "dds", entities: { public_ip: "1.2.3.4" } }), /RDS/);
      assert.throws(() => h.sim.createJob({ service: "mysql" as Service }), /service/);
      assert.throws(() => h.sim.createJob({ service: "rds", durationMs: -1 }), /durationMs/);
      assert.throws(
        () =>
          h.sim.createJob({ service: "rds", duration: 5 } as unknown as Parameters<
            Simulator["createJob"]
          >[0]),
        /duration/,
      );
    });
  });

  describe("authentication", () => {
    it("accepts AK/SK; wrong secret, stale date, unknown AK and no auth → 401 APIGW.0301, no secrets echoed", async () => {
      const id = h.sim.createJob({ service: "rds" }).id;
      const c = h.sim.credentials;
      assert.equal((await h.get("rds", id)).status, 200);
      const url = h.jobsUrl("rds", id);
      const cases: Array<[string, Record<string, string>, RegExp]> = [
        [
          "wrong secret",
          signRequest(
            { method: "GET", url, headers: {} },
            { accessKey: c.accessKey, secretKey: "nope" },
            new Date(h.t),
          ),
          /verify aksk signature fail/,
        ],
        [
          "stale date",
          signRequest({ method: "GET", url, headers: {} }, c, new Date(h.t - 16 * 60_000)),
          /15 minutes/,
        ],
        [
          "unknown AK",
          signRequest(
            { method: "GET", url, headers: {} },
            { accessKey: "NOPE", secretKey: "x" },
            new Date(h.t),
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
      const id = h.sim.createJob({ service: "gaussdb" }).id;
      const c = h.sim.credentials;
      assert.equal((await h.get("gaussdb", id, "temp")).status, 200);
      const url = h.jobsUrl("gaussdb", id);
      const temp = { accessKey: c.tempAccessKey, secretKey: c.tempSecretKey };
      const without = await h.call(
        url,
        signRequest({ method: "GET", url, headers: {} }, temp, new Date(h.t)),
      );
      assert.equal(without.status, 401);
      assert.match(String(without.body.error_msg), /X-Security-Token/);
      const wrong = signRequest(
        { method: "GET", url, headers: { "X-Security-Token": "forged" } },
        temp,
        new Date(h.t),
      );
      assert.equal((await h.call(url, wrong)).status, 401);
    });

    it("X-Project-Id must match the path's project (403 DBS.200010)", async () => {
      const id = h.sim.createJob({ service: "rds" }).id;
      const url = h.jobsUrl("rds", id);
      const good = h.headersFor(url, "aksk", { "X-Project-Id": h.sim.credentials.projectId });
      assert.equal((await h.call(url, good)).status, 200);
      const bad = await h.call(url, h.headersFor(url, "aksk", { "X-Project-Id": "f".repeat(32) }));
      assert.equal(bad.status, 403);
      assert.equal(bad.body.error_code, "DBS.200010");
    });

    it("IAM login (scope by name or id) → 201 X-Subject-Token; the token works until revoked", async () => {
      const id = h.sim.createJob({ service: "dds" }).id;
      const c = h.sim.credentials;
      const res = await h.login(h.passwordBody());
      assert.equal(res.status, 201);
      const token = res.headers.get("x-subject-token")!;
      assert.ok(token.length > 20);
      const body = (await res.json()) as {
        token: { expires_at: string; methods: string[]; project: Json; user: { name: string; domain: Json } };
      };
      assert.equal(Date.parse(body.token.expires_at), h.t + 3600_000);
      assert.deepEqual(body.token.methods, ["password"]);
      assert.equal(body.token.project.id, c.projectId);
      assert.equal(body.token.project.name, c.region);
      assert.equal(body.token.user.name, c.username);
      assert.equal(body.token.user.domain.name, c.domainName);
      assert.equal((await h.login(h.passwordBody({ project: { id: c.projectId } }))).status, 201);
      assert.equal((await h.get("dds", id, "token", token)).status, 200);
      h.sim.revokeTokens();
      const revoked = await h.get("dds", id, "token", token);
      assert.equal(revoked.status, 401);
      assert.equal(revoked.body.error_code, "APIGW.0301");
      assert.match(String(revoked.body.error_msg), /revoked/);
      assert.equal((await h.get("dds", id, "token", "garbage")).status, 401);
    });

    it("IAM: wrong password 401 (IAM's body), malformed or wrong scope 400; tokens expire", async () => {
      const wrong = await h.login(h.passwordBody({ password: "nope" }));
      assert.equal(wrong.status, 401);
      assert.deepEqual(await wrong.json(), {
        error: { code: 401, message: "The username or password is wrong.", title: "Unauthorized" },
      });
      assert.equal((await h.login({ auth: {} })).status, 400);
      assert.equal((await h.login(h.passwordBody({ project: { name: "eu-de" } }))).status, 400);
      const id = h.sim.createJob({ service: "rds", durationMs: 10 * 3600_000 }).id;
      const token = h.sim.issueToken();
      assert.equal((await h.get("rds", id, "token", token)).status, 200);
      h.t += 3600_000;
      const expired = await h.get("rds", id, "token", token);
      assert.equal(expired.status, 401);
      assert.match(String(expired.body.error_msg), /token expires/);
    });
  });

  describe("faults and the gateway", () => {
    it("503 ×2 with Retry-After, then 200; faults come before authentication", async () => {
      const id = h.sim.createJob({ service: "rds" }).id;
      h.sim.injectFault({ status: 503, count: 2, retryAfterSeconds: 3 });
      const a = await h.get("rds", id, "none");
      assert.equal(a.status, 503, "answered before the (missing) auth is checked");
      assert.equal(a.headers.get("retry-after"), "3");
      assert.equal(a.body.error_code, "DBS.108000");
      assert.equal((await h.get("rds", id)).status, 503);
      assert.equal((await h.get("rds", id)).status, 200);
    });

    it("custom code, {code,message} shape, per-service faults, latency", async () => {
      const id = h.sim.createJob({ service: "rds" }).id;
      h.sim.injectFault({
        status: 500,
        count: 1,
        shape: "code",
        errorCode: "X.1",
        errorMsg: "boom",
        service: "dds",
      });
      assert.equal((await h.get("rds", id)).status, 200, "fault limited to another service");
      const dds = h.sim.createJob({ service: "dds" }).id;
      const r = await h.get("dds", dds);
      assert.equal(r.status, 500);
      assert.deepEqual(r.body, { code: "X.1", message: "boom" });
      assert.throws(() => h.sim.injectFault({ status: 99, count: 1 }), /status/);
    });

    it("latency: the answer waits for the injected sleep", async () => {
      let entered!: (ms: number) => void;
      const sleeping = new Promise<number>((resolve) => {
        entered = resolve;
      });
      let wake!: () => void;
      await h.fresh({
        sleep: (ms) => {
          entered(ms);
          return new Promise<void>((resolve) => {
            wake = resolve;
          });
        },
      });
      const id = h.sim.createJob({ service: "rds" }).id;
      h.sim.injectFault({ status: 200, count: 1, latencyMs: 150 });
      let answered = false;
      const pending = h.get("rds", id).then((r) => {
        answered = true;
        return r;
      });
      assert.equal(await sleeping, 150);
      assert.equal(answered, false);
      wake();
      assert.equal((await pending).status, 200, "then the request proceeds normally");
    });

    it("over the gateway limit → 429 APIGW.0308; refills on the clock", async () => {
      const id = h.sim.createJob({ service: "rds" }).id;
      h.sim.setGatewayLimit({ ratePerSecond: 1, burst: 2 });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push(await h.get("rds", id));
      assert.deepEqual(
        statuses.map((s) => s.status),
        [200, 200, 429, 429],
      );
      assert.equal(statuses[2]!.body.error_code, "APIGW.0308");
      assert.equal(
        statuses[2]!.body.error_msg,
        "The throttling threshold has been reached: policy user over ratelimit,limit:1,time:1 second",
      );
      h.t += 1_000;
      assert.equal((await h.get("rds", id)).status, 200);
      h.sim.setGatewayLimit(undefined);
      for (let i = 0; i < 5; i++) assert.equal((await h.get("rds", id)).status, 200);
    });
  });

  describe("request log and admin API", () => {
    it("records jobs-API and IAM requests (not admin ones), with auth kind and error code", async () => {
      const admin = new SimulatorAdmin(h.sim.url);
      const id = h.sim.createJob({ service: "dds", visibleAfterMs: 1_000 }).id;
      h.sim.clearRequests();
      await h.get("dds", id, "none");
      await h.get("dds", id, "token");
      await h.login(h.passwordBody());
      await admin.credentials();
      const log = h.sim.requests();
      assert.equal(log.length, 3);
      assert.deepEqual(
        log.map((r) => [r.service, r.jobId, r.status, r.auth, r.errorCode]),
        [
          ["dds", id, 401, "none", "APIGW.0301"],
          ["dds", id, 400, "token", "DBS.200543"],
          [undefined, undefined, 201, "none", undefined],
        ],
      );
      assert.equal(log[0]!.time, h.t);
      assert.deepEqual(log[0]!.query, { id });
      assert.equal(log[2]!.path, "/iam/v3/auth/tokens");
      assert.equal(h.sim.requests({ jobId: id }).length, 2);
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
  });

  it("serves many concurrent keep-alive clients", async () => {
    const ids = Array.from({ length: 20 }, (_, i) =>
      h.sim.createJob({ service: (["rds", "dds"] as const)[i % 2] }),
    );
    const results = await Promise.all(
      Array.from({ length: 600 }, (_, i) => h.get(i % 2 === 0 ? "rds" : "dds", ids[i % 20]!.id)),
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
