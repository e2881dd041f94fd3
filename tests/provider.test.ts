import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { clearTokenCache } from "../provider/auth/authenticator";
import { createJobWaiterProvider } from "../provider/dynamic";
import { PartialFailureError } from "../provider/errors";
import type { HttpOptions } from "../provider/http";
import { type Simulator, startSimulator } from "../simulator";

type Props = Record<string, unknown>;

describe("dynamic provider against the simulator (loopback)", function () {
  this.timeout(30_000);
  let sim: Simulator;
  let lines: string[];

  before(async () => {
    sim = await startSimulator();
  });
  after(async () => {
    await sim.close();
  });
  beforeEach(() => {
    lines = [];
    clearTokenCache();
  });

  const akskEnv = () => ({
    HW_ACCESS_KEY: sim.credentials.accessKey,
    HW_SECRET_KEY: sim.credentials.secretKey,
    HW_PROJECT_ID: sim.credentials.projectId,
  });
  const provider = (env: NodeJS.ProcessEnv = akskEnv(), http: HttpOptions = {}) =>
    createJobWaiterProvider({
      env,
      write: (l) => lines.push(l),
      http: { ...http, retry: { baseDelayMs: 20, maxDelayMs: 200, ...http.retry } },
    });
  const inputs = (service: "rds" | "dds" | "gaussdb", jobId: string, extra: Props = {}): Props => ({
    service,
    jobId,
    endpoint: sim.endpoint(service),
    maxPollInterval: "0.2s",
    minPollInterval: "0.05s",
    __provider: "serialized-provider-text",
    ...extra,
  });
  /** Ends a running job once the provider has seen it running: no race between the job and the polls. */
  const finishOnceSeen = async (id: string) => {
    while (!sim.requests({ jobId: id }).some((q) => q.status === 200)) {
      await new Promise((r) => setTimeout(r, 10));
    }
    sim.finishJob(id);
  };
  const partialFailure = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      return e as { id?: string; properties?: Props; message?: string; reasons?: string[] };
    }
    assert.fail("expected a partial failure");
  };

  it("create: with only the SDKs' credentials file (~/.huaweicloud/credentials) it signs and completes", async () => {
    const home = mkdtempSync(join(tmpdir(), "jw-home-"));
    try {
      mkdirSync(join(home, ".huaweicloud"));
      writeFileSync(
        join(home, ".huaweicloud", "credentials"),
        `[basic]\nak = ${sim.credentials.accessKey}\nsk = ${sim.credentials.secretKey}\nproject_id = ${sim.credentials.projectId}\n`,
      );
      const { id } = sim.createJob({ service: "dds", durationMs: 100 });
      const r = await provider({ HOME: home }).create(inputs("dds", id));
      assert.equal(r.outs.status, "Completed");
      assert.ok(sim.requests({ jobId: id }).every((q) => q.status === 200));
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("create: waits for an RDS instance creation and returns typed entities", async () => {
    const { id } = sim.createJob({
      service: "rds",
      durationMs: 3_600_000,
      instance: { id: "inst-1in01", name: "orders-db" },
      entities: {
        instance: { endpoint: "192.168.0.12:3306", type: "Ha", datastore: { type: "mysql", version: "8.0" } },
        resource_ids: ["inst-1in01.vm"],
      },
    });
    const [r] = await Promise.all([provider().create(inputs("rds", id)), finishOnceSeen(id)]);
    assert.equal(r.id, `rds:${id}`);
    assert.equal(r.outs.status, "Completed");
    assert.equal(r.outs.instanceId, "inst-1in01");
    assert.equal(r.outs.instanceName, "orders-db");
    assert.deepEqual(r.outs.entities, {
      kind: "instance",
      instance: { endpoint: "192.168.0.12:3306", type: "Ha", datastore: { type: "mysql", version: "8.0" } },
      resourceIds: ["inst-1in01.vm"],
    });
    assert.equal(r.outs.__provider, "serialized-provider-text");
    assert.match(String(r.outs.created), /Z$/);
    // The job was polled while running, and create returned only after it completed.
    const reqs = sim.requests({ jobId: id });
    assert.ok(reqs.length >= 2, `polled ${reqs.length} times`);
    assert.ok(
      lines.some((l) => /rds job .*Running/.test(l)),
      lines.join("\n"),
    );
  });

  it("create: DDS and GaussDB jobs complete with their own wire shapes", async () => {
    for (const service of ["dds", "gaussdb"] as const) {
      const { id } = sim.createJob({
        service,
        durationMs: 300,
        instance: { id: `${service}-in02`, name: `${service}-x` },
      });
      const r = await provider().create(inputs(service, id));
      assert.equal(r.outs.status, "Completed", service);
      assert.equal(r.outs.failReason, undefined, service);
      assert.match(String(r.outs.ended), /Z$/, service);
      assert.equal(typeof r.outs.durationSeconds, "number");
    }
  });

  it("create: a failed job fails with its fail_reason, service, job ID and name", async () => {
    const { id } = sim.createJob({
      service: "dds",
      durationMs: 200,
      outcome: "Failed",
      failReason: "Failed to upgrade the DB Agent.",
    });
    await assert.rejects(provider().create(inputs("dds", id)), (e: Error) => {
      assert.match(e.message, /Failed to upgrade the DB Agent\./);
      assert.match(e.message, new RegExp(`dds job ${id}`));
      assert.match(e.message, /Create_MongoDB/);
      return true;
    });
  });

  it("create: failOnJobFailure false records the failure instead", async () => {
    const { id } = sim.createJob({
      service: "rds",
      durationMs: 200,
      outcome: "Failed",
      failReason: "createVM failed.",
    });
    const r = await provider().create(inputs("rds", id, { failOnJobFailure: false }));
    assert.equal(r.outs.status, "Failed");
    assert.equal(r.outs.failReason, "createVM failed.");
  });

  it("create: a job not visible for the first seconds is waited for", async () => {
    const { id } = sim.createJob({ service: "rds", durationMs: 300, visibleAfterMs: 3_000 });
    const r = await provider().create(inputs("rds", id, { notFoundGrace: "10s" }));
    assert.equal(r.outs.status, "Completed");
    assert.ok(sim.requests({ jobId: id }).some((q) => q.errorCode === "DBS.200543"));
  });

  it("create: a job never found fails after the grace window, saying so", async () => {
    await assert.rejects(
      provider().create(inputs("gaussdb", "no-such-job", { notFoundGrace: "1s" })),
      (e: Error) => {
        assert.match(e.message, /no-such-job/);
        assert.match(e.message, /still not found after/);
        assert.match(e.message, /DBS\.200543/);
        assert.match(e.message, /grace window/);
        return true;
      },
    );
  });

  it("create: a host that does not exist (ENOTFOUND) fails at once with what to check, not after the timeout", async () => {
    let calls = 0;
    const p = provider(akskEnv(), {
      retry: { limit: 1, baseDelayMs: 1, maxDelayMs: 1 },
      // No real lookup leaves the machine: this is what undici's fetch throws for NXDOMAIN.
      fetch: async () => {
        calls++;
        const cause = Object.assign(new Error("getaddrinfo ENOTFOUND rds.eu-de.myhuaweicloud.com"), {
          code: "ENOTFOUND",
          hostname: "rds.eu-de.myhuaweicloud.com",
        });
        throw new TypeError("fetch failed", { cause });
      },
    });
    const err = await partialFailure(
      p.create(inputs("rds", "job-1", { endpoint: "https://rds.eu-de.myhuaweicloud.com", timeout: "30m" })),
    );
    assert.match(String(err.message), /ENOTFOUND rds\.eu-de\.myhuaweicloud\.com/);
    assert.match(String(err.message), /cloud \\?"otc\\?"/);
    assert.ok(calls <= 2, `gave up after ${calls} attempts instead of polling until the timeout`);
  });

  it("create: survives bursts of 429 and 503", async () => {
    const { id } = sim.createJob({ service: "rds", durationMs: 800 });
    sim.injectFault({ status: 429, count: 4, errorCode: "APIGW.0308", errorMsg: "throttled" });
    sim.injectFault({ status: 503, count: 4, errorCode: "DBS.108000", errorMsg: "busy" });
    const r = await provider().create(inputs("rds", id));
    assert.equal(r.outs.status, "Completed");
    const statuses = sim.requests({ jobId: id }).map((q) => q.status);
    assert.ok(statuses.includes(429) && statuses.includes(503), statuses.join(","));
  });

  it("create: a revoked IAM token is refreshed once on 401", async () => {
    const env = {
      HW_USER_NAME: sim.credentials.username,
      HW_USER_PASSWORD: sim.credentials.password,
      HW_DOMAIN_NAME: sim.credentials.domainName,
      HW_PROJECT_ID: sim.credentials.projectId,
      HW_AUTH_URL: sim.iamEndpoint,
    };
    const { id } = sim.createJob({ service: "dds", durationMs: 600_000 });
    // Revoke the token once the wait is under way, end the job once the 401 was answered.
    const watcher = setInterval(() => {
      const log = sim.requests({ jobId: id });
      if (log.some((q) => q.status === 401)) sim.finishJob(id);
      else if (log.some((q) => q.status === 200)) sim.revokeTokens();
    }, 20);
    const p = provider(env)
      .create(inputs("dds", id))
      .finally(() => clearInterval(watcher));
    const r = await p;
    assert.equal(r.outs.status, "Completed");
    const all = sim.requests();
    assert.ok(
      all.some((q) => q.jobId === id && q.status === 401),
      "saw a 401",
    );
    assert.equal(
      all.filter((q) => q.path.endsWith("/v3/auth/tokens")).length,
      2,
      "one login and one refresh",
    );
  });

  it("create: wrong credentials fail at once with error_code, request id and the credential source, no secret", async () => {
    const { id } = sim.createJob({ service: "rds", durationMs: 10_000 });
    const secret = "WRONG-secret-value-1234567890";
    const env = { ...akskEnv(), HW_SECRET_KEY: secret };
    await assert.rejects(provider(env).create(inputs("rds", id)), (e: Error) => {
      assert.match(e.message, /HTTP 401/);
      assert.match(e.message, /APIGW\.0301/);
      assert.match(e.message, /request id [0-9a-f]{32}/);
      assert.match(e.message, /HW_ACCESS_KEY\/HW_SECRET_KEY/);
      assert.ok(!e.message.includes(secret));
      assert.ok(!e.message.includes(sim.credentials.accessKey));
      return true;
    });
    assert.equal(sim.requests({ jobId: id }).length, 1, "no retry on 401 with AK/SK");
  });

  it("create: temporary credentials send X-Security-Token", async () => {
    const { id } = sim.createJob({ service: "gaussdb", durationMs: 200 });
    const env = {
      HUAWEICLOUD_SDK_AK: sim.credentials.tempAccessKey,
      HUAWEICLOUD_SDK_SK: sim.credentials.tempSecretKey,
      HUAWEICLOUD_SDK_SECURITY_TOKEN: sim.credentials.securityToken,
      HUAWEICLOUD_SDK_PROJECT_ID: sim.credentials.projectId,
    };
    const r = await provider(env).create(inputs("gaussdb", id));
    assert.equal(r.outs.status, "Completed");
  });

  it("create: a timeout throws a partial failure with id and properties, and update resumes it", async () => {
    const slowJob = sim.createJob({ service: "rds", durationMs: 3_600_000 }).id;
    const e = await partialFailure(provider().create(inputs("rds", slowJob, { timeout: "0.5s" })));
    assert.ok(e instanceof PartialFailureError, "the engine reads id/properties/reasons off an Error");
    assert.equal(e.id, `rds:${slowJob}`);
    assert.ok(e.properties);
    assert.equal(e.properties.status, "Running");
    assert.equal(e.properties.jobId, slowJob);
    assert.equal(e.properties.__provider, "serialized-provider-text");
    assert.match(
      e.message ?? "",
      new RegExp(`^rds job ${slowJob} .*did not finish within the timeout of 1s \\(last seen Running`),
    );
    assert.match(e.message ?? "", /run `pulumi up` again to resume waiting/);
    assert.deepEqual(e.reasons, [e.message]);

    sim.finishJob(slowJob);
    const news = { ...inputs("rds", slowJob), timeout: "30s" };
    const r = await provider().update!(e.id!, e.properties, news);
    assert.equal(r.outs!.status, "Completed");
    assert.equal(r.outs!.timeout, "30s");
  });

  it("update: a finished job with only timeout changed makes no request", async () => {
    const { id } = sim.createJob({ service: "rds", durationMs: 100 });
    const c = await provider().create(inputs("rds", id));
    sim.clearRequests();
    const r = await provider().update!(c.id, c.outs, {
      ...inputs("rds", id),
      timeout: "2h",
      failOnJobFailure: false,
    });
    assert.equal(r.outs!.status, "Completed");
    assert.equal(r.outs!.timeout, "2h");
    assert.equal(sim.requests().length, 0);
  });

  it("read: refreshes a job, and keeps the last outputs once it has expired", async () => {
    const { id } = sim.createJob({ service: "dds", durationMs: 100, instance: { id: "i-1", name: "docs" } });
    const c = await provider().create(inputs("dds", id));
    const fresh = await provider().read!(c.id, c.outs);
    assert.equal(fresh.props!.status, "Completed");
    assert.equal(fresh.props!.instanceName, "docs");
    sim.forgetJob(id);
    const kept = await provider().read!(c.id, c.outs);
    assert.equal(kept.id, c.id);
    assert.deepEqual(kept.props, c.outs);
    assert.ok(lines.some((l) => /can no longer be queried/.test(l)));
  });

  it("delete: sends no request", async () => {
    sim.clearRequests();
    await provider().delete!("rds:x", inputs("rds", "x"));
    assert.equal(sim.requests().length, 0);
  });

  it("diff: identity fields replace, wait settings update in place", async () => {
    const p = provider();
    const olds = { ...inputs("rds", "a"), status: "Completed" };
    const d1 = await p.diff!("rds:a", olds, inputs("rds", "b"));
    assert.deepEqual(d1.replaces, ["jobId"]);
    const d2 = await p.diff!("rds:a", olds, { ...inputs("rds", "a"), timeout: "2h" });
    assert.equal(d2.changes, true);
    assert.deepEqual(d2.replaces, []);
    const d3 = await p.diff!("rds:a", olds, inputs("rds", "a"));
    assert.equal(d3.changes, false);
  });

  it("check: reports bad fields and missing settings without any request", async () => {
    sim.clearRequests();
    const p = provider({});
    const r = (await p.check!({}, { service: "mongo", jobId: "" })) as pulumi.dynamic.CheckResult;
    const props = (r.failures ?? []).map((f) => f.property).sort();
    assert.deepEqual(props, ["jobId", "service"]);
    const r2 = (await p.check!({}, { service: "rds", jobId: "abc" })) as pulumi.dynamic.CheckResult;
    const reasons = (r2.failures ?? []).map((f) => `${f.property}: ${f.reason}`).join("\n");
    assert.match(reasons, /projectId: no project ID/);
    assert.match(reasons, /region: no region/);
    assert.match(reasons, /no credentials found/);
    assert.equal(sim.requests().length, 0);
  });

  it("configure: reads credentials from Pulumi config jobwaiter: before the environment", async () => {
    const { id } = sim.createJob({ service: "rds", durationMs: 100 });
    const p = createJobWaiterProvider({
      env: { HW_ACCESS_KEY: "ENVAK", HW_SECRET_KEY: "ENVSK" },
      write: () => {},
    });
    const cfg: Record<string, string> = {
      "jobwaiter:accessKey": sim.credentials.accessKey,
      "jobwaiter:secretKey": sim.credentials.secretKey,
      "jobwaiter:projectId": sim.credentials.projectId,
    };
    await p.configure!({
      config: { get: (k: string) => cfg[k] },
    } as unknown as pulumi.dynamic.ConfigureRequest);
    const r = await p.create(inputs("rds", id));
    assert.equal(r.outs.status, "Completed");
  });
});
