import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { signRequest } from "../provider/auth/signer";
import { type Simulator, SimulatorAdmin, startSimulator } from "../simulator";
import { renderJob, stateAt, wireTime } from "../simulator/jobs";

describe("simulator", function () {
  this.timeout(20_000);
  let t = Date.parse("2026-11-23T08:00:00Z");
  const clock = () => t;
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ now: clock });
  });
  after(() => sim.close());

  const get = async (
    service: string,
    jobId: string,
    how: "aksk" | "temp" | "token" | "none" = "aksk",
    token?: string,
  ) => {
    const url = `${sim.endpoint(service as "rds")}/v3/${sim.credentials.projectId}/jobs?id=${encodeURIComponent(jobId)}`;
    let headers: Record<string, string> = {};
    if (how === "aksk")
      headers = signRequest({ method: "GET", url, headers: {} }, sim.credentials, new Date(t));
    if (how === "temp") {
      headers = signRequest(
        { method: "GET", url, headers: { "X-Security-Token": sim.credentials.securityToken } },
        { accessKey: sim.credentials.tempAccessKey, secretKey: sim.credentials.tempSecretKey },
        new Date(t),
      );
    }
    if (how === "token") headers = { "X-Auth-Token": token ?? "" };
    const res = await fetch(url, { headers });
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
  };

  it("renders each service's wire shape as the seed documents do", async () => {
    const rds = sim.createJob({
      service: "rds",
      durationMs: 60_000,
      progress: "linear",
      entities: { public_ip: "1.2.3.4" },
    }).id;
    const dds = sim.createJob({ service: "dds", durationMs: 60_000 }).id;
    const gauss = sim.createJob({ service: "gaussdb", durationMs: 60_000 }).id;
    t += 30_000;
    const r = (await get("rds", rds)).body.job as Record<string, unknown>;
    assert.deepEqual(Object.keys(r), ["id", "name", "status", "created", "process", "instance", "entities"]);
    assert.match(String(r.process), /^50% $/);
    assert.match(String(r.created), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
    const d = (await get("dds", dds)).body.job as Record<string, unknown>;
    assert.deepEqual(Object.keys(d), [
      "id",
      "name",
      "status",
      "created",
      "ended",
      "progress",
      "instance",
      "fail_reason",
    ]);
    assert.equal(d.fail_reason, null);
    assert.equal(d.status, "Running");
    assert.match(String(d.progress), /^\d+%$/);
    const g = (await get("gaussdb", gauss)).body.job as Record<string, unknown>;
    assert.match(String(g.created), /\+0800$/);
    assert.equal(g.name, "CreateGaussDBV5Instance");
  });

  it("advances a job to Completed, or Failed with fail_reason, on its clock", async () => {
    const ok = sim.createJob({ service: "dds", durationMs: 10_000 }).id;
    const bad = sim.createJob({
      service: "rds",
      durationMs: 10_000,
      outcome: "Failed",
      failReason: "createVM failed.",
    }).id;
    assert.equal(((await get("dds", ok)).body.job as { status: string }).status, "Running");
    t += 10_000;
    const done = (await get("dds", ok)).body.job as Record<string, unknown>;
    assert.equal(done.status, "Completed");
    assert.equal(done.progress, "");
    const failed = (await get("rds", bad)).body.job as Record<string, unknown>;
    assert.equal(failed.status, "Failed");
    assert.equal(failed.fail_reason, "createVM failed.");
  });

  it("answers DBS.200543 for unknown, not yet visible, forgotten and other-service jobs", async () => {
    const late = sim.createJob({ service: "rds", visibleAfterMs: 5_000 }).id;
    const r1 = await get("rds", late);
    assert.equal(r1.status, 400);
    assert.deepEqual(r1.body, { error_code: "DBS.200543", error_msg: "The job does not exist." });
    assert.match(r1.headers.get("x-request-id") ?? "", /^[0-9a-f]{32}$/);
    t += 5_000;
    assert.equal((await get("rds", late)).status, 200);
    assert.equal((await get("dds", late)).status, 400);
    sim.forgetJob(late);
    assert.equal((await get("rds", late)).status, 400);
    assert.equal((await get("rds", "nope")).status, 400);
  });

  it("verifies AK/SK signatures, temporary credentials and tokens with the gateway's error body", async () => {
    const id = sim.createJob({ service: "rds" }).id;
    assert.equal((await get("rds", id, "temp")).status, 200);
    const none = await get("rds", id, "none");
    assert.equal(none.status, 401);
    assert.equal(none.body.error_code, "APIGW.0301");
    const url = `${sim.endpoint("rds")}/v3/${sim.credentials.projectId}/jobs?id=${id}`;
    const wrong = signRequest(
      { method: "GET", url, headers: {} },
      { accessKey: sim.credentials.accessKey, secretKey: "nope" },
      new Date(t),
    );
    const res = await fetch(url, { headers: wrong });
    assert.equal(res.status, 401);
    assert.ok(!(await res.text()).includes(sim.credentials.secretKey));
    const stale = signRequest(
      { method: "GET", url, headers: {} },
      sim.credentials,
      new Date(t - 16 * 60_000),
    );
    assert.equal((await fetch(url, { headers: stale })).status, 401);
    const tmpNoToken = signRequest(
      { method: "GET", url, headers: {} },
      { accessKey: sim.credentials.tempAccessKey, secretKey: sim.credentials.tempSecretKey },
      new Date(t),
    );
    assert.equal((await fetch(url, { headers: tmpNoToken })).status, 401);
  });

  it("logs in with IAM, honours tokens until revoked", async () => {
    const id = sim.createJob({ service: "dds" }).id;
    const c = sim.credentials;
    const login = await fetch(`${sim.iamEndpoint}/v3/auth/tokens`, {
      method: "POST",
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ["password"],
            password: { user: { name: c.username, password: c.password, domain: { name: c.domainName } } },
          },
          scope: { project: { name: c.region } },
        },
      }),
    });
    assert.equal(login.status, 201);
    const token = login.headers.get("x-subject-token")!;
    assert.ok(token);
    assert.equal(
      ((await login.json()) as { token: { project: { id: string } } }).token.project.id,
      c.projectId,
    );
    assert.equal((await get("dds", id, "token", token)).status, 200);
    sim.revokeTokens();
    assert.equal((await get("dds", id, "token", token)).status, 401);
    const bad = await fetch(`${sim.iamEndpoint}/v3/auth/tokens`, {
      method: "POST",
      body: JSON.stringify({ auth: {} }),
    });
    assert.equal(bad.status, 401);
    assert.deepEqual(((await bad.json()) as { error: { code: number } }).error.code, 401);
  });

  it("injects faults, with Retry-After, then recovers", async () => {
    const id = sim.createJob({ service: "rds" }).id;
    sim.injectFault({ status: 503, count: 2, errorCode: "DBS.108000", retryAfterSeconds: 1 });
    const a = await get("rds", id);
    assert.equal(a.status, 503);
    assert.equal(a.headers.get("retry-after"), "1");
    assert.equal((await get("rds", id)).status, 503);
    assert.equal((await get("rds", id)).status, 200);
    sim.injectFault({ status: 500, count: 1, shape: "code", errorCode: "X.1", service: "dds" });
    assert.equal((await get("rds", id)).status, 200, "fault limited to another service");
  });

  it("throttles over the gateway limit with APIGW.0308", async () => {
    const id = sim.createJob({ service: "rds" }).id;
    sim.setGatewayLimit({ ratePerSecond: 1, burst: 2 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get("rds", id)).status);
    assert.deepEqual(statuses, [200, 200, 429, 429]);
    t += 1_000;
    assert.equal((await get("rds", id)).status, 200);
    sim.setGatewayLimit(undefined);
  });

  it("replays a timeline exactly, unknown statuses included", () => {
    const job = {
      spec: {
        service: "dds" as const,
        timeline: [
          { afterMs: 0, status: "Pending" },
          { afterMs: 1000, status: "Running", progress: "40%" },
          { afterMs: 2000, status: "Completed" },
        ],
      },
      id: "j",
      projectId: "p",
      createdAt: 0,
      forgotten: false,
    };
    assert.equal(stateAt(job, 500).status, "Pending");
    assert.deepEqual(stateAt(job, 1500), { status: "Running", progress: "40%" });
    assert.equal((renderJob(job, 2500).job as { ended: string }).ended, wireTime(2000));
  });

  it("serves the admin API over HTTP and records requests", async () => {
    const admin = new SimulatorAdmin(sim.url);
    const { id } = await admin.createJob({ service: "gaussdb", durationMs: 1_000 });
    await admin.clearRequests();
    await get("gaussdb", id);
    const log = await admin.requests({ jobId: id });
    assert.equal(log.length, 1);
    assert.equal(log[0]!.auth, "aksk");
    assert.equal((await admin.credentials()).projectId, sim.credentials.projectId);
  });

  it("prints its URL and credentials from the CLI and stops by itself", async () => {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [join(__dirname, "../simulator/cli.js"), "--exit-after", "0.3"],
        (err, stdout) => (err ? reject(err) : resolve(stdout)),
      ),
    );
    assert.match(out, /SIMULATOR_URL=http:\/\/127\.0\.0\.1:\d+/);
    assert.match(out, /export HW_ACCESS_KEY=SIMAK/);
  });
});
