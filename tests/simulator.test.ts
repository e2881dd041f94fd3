import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { signRequest } from "../provider/auth/signer";
import { parseJobResponse } from "../provider/schemas";
import type { Service } from "../provider/services";
import {
  type AdminApi,
  type AdminJobView,
  type AsyncAdminApi,
  type JobSpec,
  type Simulator,
  SimulatorAdmin,
  type SimulatorOptions,
  startSimulator,
} from "../simulator";
import { realisticProgress, stateAt } from "../simulator/jobs";
import { RequestLog } from "../simulator/log";
import {
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  parseSdkDate,
  percentEncode,
  verifyRequest,
} from "../simulator/signature";

type Json = Record<string, unknown>;
type How = "aksk" | "temp" | "token" | "none";

// Huawei's own SDK signer: an implementation of the signing spec that shares nothing with the simulator.
interface SdkRequest {
  endpoint: string;
  method: string;
  headers: Record<string, string>;
  queryParams?: Record<string, string>;
}
const { AKSKSigner } = require("@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner") as {
  AKSKSigner: {
    sign(r: SdkRequest, c: { getAk(): string; getSk(): string }): Record<string, string>;
  };
};

interface SeedExample {
  seed: string;
  service: Service;
  example: string;
  text: string;
}
// The JSON examples of the five seed documents (../shared/seeds), verbatim.
const SEEDS: SeedExample[] = JSON.parse(
  readFileSync(join(__dirname, "../../tests/fixtures/seed-examples.json"), "utf8"),
) as SeedExample[];

/** `2021-07-12T09:22:04+0800` → ms, without the simulator's formatter. */
const wireMs = (s: string) => Date.parse(`${s.slice(0, 22)}:${s.slice(22)}`);

/** `YYYYMMDDTHHMMSSZ`, built independently of every signer. */
const sdkDate = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");

describe("simulator", function () {
  this.timeout(20_000);
  const START = Date.parse("2026-11-23T08:00:00Z");
  let t = START;
  const clock = () => t;
  let sim: Simulator;
  // A fresh simulator and clock per test: no test sees another's jobs, faults, limits, tokens or log.
  const fresh = async (opts: SimulatorOptions = {}) => {
    await sim?.close();
    t = START;
    sim = await startSimulator({ now: clock, tokenTtlMs: 3600_000, ...opts });
    return sim;
  };
  beforeEach(() => fresh());
  afterEach(() => sim.close());

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

  describe("independence", () => {
    it("simulator/ imports only node builtins, zod and its own modules (never provider/)", () => {
      const checked: string[] = [];
      for (const [dir, ext] of [
        [join(__dirname, "../../simulator"), ".ts"],
        [join(__dirname, "../simulator"), ".js"],
      ] as const) {
        for (const file of readdirSync(dir).filter((f) => f.endsWith(ext) && !f.endsWith(".d.ts"))) {
          const src = readFileSync(join(dir, file), "utf8");
          for (const m of src.matchAll(/(?:\bfrom|\bimport|\brequire\s*\()\s*["']([^"']+)["']/g)) {
            const spec = m[1]!;
            checked.push(spec);
            assert.ok(
              spec.startsWith("node:") || spec === "zod" || /^\.\/[\w-]+$/.test(spec),
              `${dir}/${file} imports ${spec}`,
            );
          }
        }
      }
      assert.ok(checked.length >= 60, `only ${checked.length} imports found: the scan is broken`);
      assert.ok(checked.includes("./services") && checked.includes("node:crypto"));
    });
    it("simulator/ has no import cycle", () => {
      const dir = join(__dirname, "../../simulator");
      const graph = new Map<string, string[]>();
      for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
        const src = readFileSync(join(dir, file), "utf8");
        const deps = [...src.matchAll(/\bfrom\s*["']\.\/([\w-]+)["']/g)].map((m) => `${m[1]}.ts`);
        graph.set(file, deps);
      }
      const done = new Set<string>();
      const visit = (file: string, trail: string[]) => {
        assert.ok(!trail.includes(file), `import cycle: ${[...trail, file].join(" → ")}`);
        if (done.has(file)) return;
        for (const dep of graph.get(file) ?? []) visit(dep, [...trail, file]);
        done.add(file);
      };
      for (const file of graph.keys()) visit(file, []);
      assert.ok((graph.get("server.ts") ?? []).length >= 5, "the scan found server.ts's imports");
    });
  });

  describe("the seed documents' examples, replayed", () => {
    // Each example becomes a job with the example's id, name, instance, entities and times; the simulator's
    // answer must then be the example itself, byte for byte after JSON parsing, key order included.
    for (const ex of SEEDS) {
      it(`${ex.seed.slice(0, 3)} ${ex.service}: ${ex.example}`, async () => {
        const expected = (JSON.parse(ex.text) as { job: Json }).job;
        const created = wireMs(String(expected.created));
        t = created;
        const status = String(expected.status);
        const progressField = ex.service === "rds" ? "process" : "progress";
        const progress = String(expected[progressField]);
        const spec: JobSpec = {
          service: ex.service,
          id: String(expected.id),
          name: String(expected.name),
          instance: expected.instance as { id: string; name: string },
          ...(expected.entities !== undefined ? { entities: expected.entities as Json } : {}),
          ...(status === "Failed" ? { outcome: "Failed", failReason: String(expected.fail_reason) } : {}),
          durationMs: expected.ended !== undefined ? wireMs(String(expected.ended)) - created : 100_000,
          progress: "linear",
        };
        if (status === "Running") {
          // Linear progress over 100 s: the example's percentage is reached that many seconds in.
          spec.durationMs = 100_000;
          sim.createJob(spec);
          t = created + Number.parseInt(progress, 10) * 1_000;
        } else {
          sim.createJob(spec);
          t = created + spec.durationMs!;
        }
        const actual = await job(ex.service, String(expected.id));
        // Seed 004's "Task being executed" is Completed with process "60% "; a finished job says "".
        const inconsistent = status !== "Running" && progress.trim() !== "";
        const want = inconsistent ? { ...expected, [progressField]: "" } : expected;
        assert.equal(JSON.stringify(actual), JSON.stringify(want));
      });
    }

    it("covers every service and every status the documents show", () => {
      const seen = new Set(
        SEEDS.map((e) => `${e.service} ${(JSON.parse(e.text) as { job: Json }).job.status}`),
      );
      for (const s of [
        "dds Running",
        "dds Completed",
        "dds Failed",
        "gaussdb Completed",
        "rds Completed",
        "rds Failed",
      ])
        assert.ok(seen.has(s), s);
    });
  });

  describe("generated jobs have the seed documents' shapes", () => {
    /** A field's kind: names, types, presence and formats, without the values. */
    const kind = (v: unknown): unknown => {
      if (v === null) return "null";
      if (typeof v !== "string") return Array.isArray(v) ? "array" : typeof v;
      if (v === "") return "empty";
      const time = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d([+-]\d{4})$/.exec(v);
      if (time) return `time${time[1]}`;
      if (/^\d{1,2}% ?$/.test(v)) return "percent";
      const instance = /^[0-9a-f]{32}(in\d\d)$/.exec(v);
      if (instance) return `instance-id ${instance[1]}`;
      if (/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/.test(v)) return "uuid";
      return "text";
    };
    const shape = (job: Json) =>
      Object.entries(job).map(([k, v]) => {
        // entities' content depends on the job (seed 004's tables); only its presence and type are fixed.
        if (k === "instance") return [k, Object.entries(v as Json).map(([ik, iv]) => [ik, kind(iv)])];
        return [k, kind(v)];
      });
    /** The documents' rule for the state-dependent fields (every seed's parameter table). */
    const documented = (service: Service, status: string): unknown => {
      const sameService = SEEDS.filter((e) => e.service === service).map(
        (e) => (JSON.parse(e.text) as { job: Json }).job,
      );
      // A well-formed example of the service (uuid id), preferably with the same status.
      const base =
        sameService.find(
          (j) => j.status === status && kind(j.id) === "uuid" && j.name === String(j.name).trim(),
        ) ?? sameService.find((j) => kind(j.id) === "uuid")!;
      const progressField = "process" in base ? "process" : "progress";
      const fixed: Json = { ...base, status };
      fixed[progressField] = status === "Running" ? "9%" : "";
      if (status === "Failed") fixed.fail_reason = "reason";
      else if (base.fail_reason !== undefined) fixed.fail_reason = null;
      const ordered: Json = {};
      // fail_reason, where sent, comes last in every example.
      for (const [k, v] of Object.entries(fixed)) if (k !== "fail_reason") ordered[k] = v;
      if (fixed.fail_reason !== undefined) ordered.fail_reason = fixed.fail_reason;
      return shape(ordered);
    };

    for (const service of ["dds", "gaussdb", "rds"] as const) {
      for (const status of ["Running", "Completed", "Failed"] as const) {
        it(`${service} ${status}`, async () => {
          // Everything generated: id, name, instance, times, progress curve.
          const { id } = sim.createJob({
            service,
            durationMs: 100_000,
            ...(status === "Failed" ? { outcome: "Failed" } : {}),
          });
          t += status === "Running" ? 40_000 : 100_000;
          const actual = await job(service, id);
          assert.deepEqual(shape(actual), documented(service, status));
        });
      }
    }
  });

  describe("the provider's parser reads what the simulator sends (catches a wrong service table entry)", () => {
    for (const service of ["dds", "gaussdb", "rds"] as const) {
      it(service, async () => {
        const { id } = sim.createJob({ service, durationMs: 100_000, progress: "linear" });
        const seen: Array<number | undefined> = [];
        for (const at of [41_000, 60_000]) {
          t = START + at;
          const r = parseJobResponse(service, { job: await job(service, id) });
          assert.ok(r.ok);
          assert.equal(r.observed.job.status, "Running");
          seen.push(r.observed.job.progress);
        }
        assert.deepEqual(seen, [41, 60]);
        sim.finishJob(id, "Failed", "disk full");
        const r = parseJobResponse(service, { job: await job(service, id) });
        assert.ok(r.ok);
        assert.equal(r.observed.job.failReason, "disk full");
        assert.equal(r.observed.job.progress, undefined);
      });
    }
  });

  describe("AK/SK verification against Huawei's SDK signer", () => {
    const VALUES = [
      "plain-id",
      "with space",
      "plus+and&amp=eq",
      "ünïcödé 中文",
      "tilde~dot.dash-under_",
      "!*'()",
    ];

    const sdkSigned = (service: string, id: string, extra: Record<string, string> = {}) => {
      const c = sim.credentials;
      const headers = AKSKSigner.sign(
        {
          endpoint: `${sim.url}/${service}/v3/${c.projectId}/jobs`,
          method: "GET",
          headers: { "X-Sdk-Date": sdkDate(t), ...extra },
          queryParams: { id },
        },
        { getAk: () => c.accessKey, getSk: () => c.secretKey },
      );
      // fetch sends the same Host itself and refuses to be given one.
      delete headers.host;
      return headers;
    };

    for (const [i, id] of VALUES.entries()) {
      it(`accepts the SDK's signature: id ${JSON.stringify(id)}`, async () => {
        sim.createJob({ service: "rds", id });
        const headers = sdkSigned("rds", id, { "X-Project-Id": sim.credentials.projectId });
        // The same value sent as %20 and as a form's +: both decode to what was signed.
        const query = i % 2 === 0 ? encodeURIComponent(id) : new URLSearchParams({ id }).toString().slice(3);
        const url = `${jobsUrl("rds")}?id=${query}`;
        const r = await call(url, headers);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal((r.body.job as Json).id, id);
      });
    }

    it("rejects what the SDK signed once anything signed changes", async () => {
      const id = sim.createJob({ service: "dds" }).id;
      const good = sdkSigned("dds", id, { "X-Project-Id": sim.credentials.projectId });
      assert.equal((await call(jobsUrl("dds", id), good)).status, 200);
      const other = sim.createJob({ service: "dds" }).id;
      const variants: Array<[string, string, Record<string, string>]> = [
        ["other query", jobsUrl("dds", other), good],
        ["other service path", jobsUrl("rds", id), good],
        ["other signed header value", jobsUrl("dds", id), { ...good, "X-Project-Id": "f".repeat(32) }],
        ["other date", jobsUrl("dds", id), { ...good, "X-Sdk-Date": sdkDate(t + 1_000) }],
        [
          "other signature",
          jobsUrl("dds", id),
          {
            ...good,
            Authorization: good.Authorization!.replace(
              /Signature=(.)/,
              (_, c) => `Signature=${c === "0" ? "1" : "0"}`,
            ),
          },
        ],
      ];
      for (const [what, url, headers] of variants) {
        const r = await call(url, headers);
        assert.equal(r.status, 401, what);
        assert.equal(r.body.error_code, "APIGW.0301", what);
      }
    });
  });

  describe("signature verifier, piece by piece (job-api.md section 3)", () => {
    it("percent-encoding keeps only A-Z a-z 0-9 - _ . ~, upper-case %XX per UTF-8 byte", () => {
      assert.equal(percentEncode("aZ09-_.~"), "aZ09-_.~");
      assert.equal(percentEncode("a b+c/d*é"), "a%20b%2Bc%2Fd%2A%C3%A9");
    });

    it("canonical URI: segments re-encoded from the wire, a / appended when missing", () => {
      assert.equal(canonicalUri("/v3/p/jobs"), "/v3/p/jobs/");
      assert.equal(canonicalUri("/v3/p/jobs/"), "/v3/p/jobs/");
      assert.equal(canonicalUri("/v3/a%20b/c%2a"), "/v3/a%20b/c%2A/");
    });

    it("canonical query: sorted by key then value, empty for none", () => {
      assert.equal(canonicalQuery(""), "");
      assert.equal(canonicalQuery("b=2&a=z&a=y&c"), "a=y&a=z&b=2&c=");
      assert.equal(canonicalQuery("id=a+b%20c"), "id=a%20b%20c");
    });

    it("canonical request: six lines, the header block ending in an empty line, empty-body hash", () => {
      const c = canonicalRequest(
        {
          method: "get",
          target: "/v3/p/jobs?id=x",
          headers: { host: "h", "x-sdk-date": " 20261123T080000Z " },
        },
        ["host", "x-sdk-date"],
      );
      assert.equal(
        c,
        "GET\n/v3/p/jobs/\nid=x\nhost:h\nx-sdk-date:20261123T080000Z\n\nhost;x-sdk-date\n" +
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      );
    });

    it("dates: YYYYMMDDTHHMMSSZ only, within 15 minutes", () => {
      assert.equal(parseSdkDate("20261123T080000Z"), Date.parse("2026-11-23T08:00:00Z"));
      for (const bad of ["20261332T080000Z", "20261123T250000Z", "2026-11-23T08:00:00Z", ""])
        assert.equal(parseSdkDate(bad), undefined, bad);
      const headers = { authorization: "SDK-HMAC-SHA256 Access=A, SignedHeaders=x-sdk-date, Signature=00" };
      const at = (d: string, now: number) =>
        verifyRequest(
          { method: "GET", target: "/", headers: { ...headers, "x-sdk-date": d } },
          () => "s",
          now,
        );
      const now = Date.parse("2026-11-23T08:00:00Z");
      assert.deepEqual(at("20261123T081600Z", now), {
        ok: false,
        reason: "X-Sdk-Date is more than 15 minutes off the gateway's clock",
      });
      assert.deepEqual(at("20261123T081400Z", now), { ok: false, reason: "signature mismatch" });
    });
  });

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
      trace.push((await admin.credentials()).projectId === sim.credentials.projectId);
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
      t += 5_000;
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
      trace.push((await get("dds", "d-1")).status);
      await admin.setGatewayLimit({ ratePerSecond: 1, burst: 1 });
      trace.push((await get("dds", "d-1")).status, (await get("dds", "d-1")).status);
      await admin.setGatewayLimit(undefined);
      const token = sim.issueToken();
      trace.push((await get("dds", "d-1", "token", token)).status);
      await admin.revokeTokens();
      trace.push((await get("dds", "d-1", "token", token)).status);
      trace.push((await admin.requests({ jobId: "d-1" })).map((r) => [r.status, r.auth, r.errorCode ?? ""]));
      await admin.clearRequests();
      trace.push(await admin.requests());
      return trace;
    };

    it("the same script gives the same answers", async () => {
      const local = await script(asAsync(sim.admin));
      await fresh({ credentials: { projectId: sim.credentials.projectId } });
      const remote = await script(new SimulatorAdmin(`${sim.url}/`));
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
      const { id } = sim.createJob({ service: "rds", durationMs: 600_000 });
      sim.finishJob(id);
      assert.equal(sim.admin.describeJob(id)?.job.status, "Completed");
      assert.deepEqual(sim.admin.credentials(), sim.credentials);
    });

    it("HTTP: bad JSON 400, unknown route 404, finish body checked", async () => {
      const raw = await fetch(`${sim.url}/_admin/jobs`, { method: "POST", body: "{not json" });
      assert.equal(raw.status, 400);
      assert.equal((await fetch(`${sim.url}/_admin/nothing`)).status, 404);
      const { id } = sim.createJob({ service: "dds" });
      const finish = await fetch(`${sim.url}/_admin/jobs/${id}/finish`, {
        method: "POST",
        body: JSON.stringify({ outcome: "Done" }),
      });
      assert.equal(finish.status, 400);
      assert.match(await finish.text(), /outcome/);
    });
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
      assert.throws(() => sim.injectFault({ status: 99, count: 1 }), /status/);
    });

    it("latency: the answer waits for the injected sleep", async () => {
      let entered!: (ms: number) => void;
      const sleeping = new Promise<number>((resolve) => {
        entered = resolve;
      });
      let wake!: () => void;
      await fresh({
        sleep: (ms) => {
          entered(ms);
          return new Promise<void>((resolve) => {
            wake = resolve;
          });
        },
      });
      const id = sim.createJob({ service: "rds" }).id;
      sim.injectFault({ status: 200, count: 1, latencyMs: 150 });
      let answered = false;
      const pending = get("rds", id).then((r) => {
        answered = true;
        return r;
      });
      assert.equal(await sleeping, 150);
      assert.equal(answered, false);
      wake();
      assert.equal((await pending).status, 200, "then the request proceeds normally");
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
