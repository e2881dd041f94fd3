/**
 * The simulator as an independent oracle: it imports nothing from provider/, answers exactly as the API
 * documents' examples do, and verifies AK/SK signatures as Huawei's own SDK signs them.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseJobResponse } from "../provider/schemas";
import type { Service } from "../provider/services";
import type { JobSpec } from "../simulator";
import {
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  parseSdkDate,
  percentEncode,
  verifyRequest,
} from "../simulator/signature";
import { type Json, START, useSimulator } from "./support/simulator-harness";

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

describe("simulator as an oracle", function () {
  this.timeout(20_000);
  const h = useSimulator();

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
        h.t = created;
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
          h.sim.createJob(spec);
          h.t = created + Number.parseInt(progress, 10) * 1_000;
        } else {
          h.sim.createJob(spec);
          h.t = created + spec.durationMs!;
        }
        const actual = await h.job(ex.service, String(expected.id));
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
          const { id } = h.sim.createJob({
            service,
            durationMs: 100_000,
            ...(status === "Failed" ? { outcome: "Failed" } : {}),
          });
          h.t += status === "Running" ? 40_000 : 100_000;
          const actual = await h.job(service, id);
          assert.deepEqual(shape(actual), documented(service, status));
        });
      }
    }
  });

  describe("the provider's parser reads what the simulator sends (catches a wrong service table entry)", () => {
    for (const service of ["dds", "gaussdb", "rds"] as const) {
      it(service, async () => {
        const { id } = h.sim.createJob({ service, durationMs: 100_000, progress: "linear" });
        const seen: Array<number | undefined> = [];
        for (const at of [41_000, 60_000]) {
          h.t = START + at;
          const r = parseJobResponse(service, { job: await h.job(service, id) });
          assert.ok(r.ok);
          assert.equal(r.observed.job.status, "Running");
          seen.push(r.observed.job.progress);
        }
        assert.deepEqual(seen, [41, 60]);
        h.sim.finishJob(id, "Failed", "disk full");
        const r = parseJobResponse(service, { job: await h.job(service, id) });
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
      const c = h.sim.credentials;
      const headers = AKSKSigner.sign(
        {
          endpoint: `${h.sim.url}/${service}/v3/${c.projectId}/jobs`,
          method: "GET",
          headers: { "X-Sdk-Date": sdkDate(h.t), ...extra },
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
        h.sim.createJob({ service: "rds", id });
        const headers = sdkSigned("rds", id, { "X-Project-Id": h.sim.credentials.projectId });
        // The same value sent as %20 and as a form's +: both decode to what was signed.
        const query = i % 2 === 0 ? encodeURIComponent(id) : new URLSearchParams({ id }).toString().slice(3);
        const url = `${h.jobsUrl("rds")}?id=${query}`;
        const r = await h.call(url, headers);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal((r.body.job as Json).id, id);
      });
    }

    it("rejects what the SDK signed once anything signed changes", async () => {
      const id = h.sim.createJob({ service: "dds" }).id;
      const good = sdkSigned("dds", id, { "X-Project-Id": h.sim.credentials.projectId });
      assert.equal((await h.call(h.jobsUrl("dds", id), good)).status, 200);
      const other = h.sim.createJob({ service: "dds" }).id;
      const variants: Array<[string, string, Record<string, string>]> = [
        ["other query", h.jobsUrl("dds", other), good],
        ["other service path", h.jobsUrl("rds", id), good],
        ["other signed header value", h.jobsUrl("dds", id), { ...good, "X-Project-Id": "f".repeat(32) }],
        ["other date", h.jobsUrl("dds", id), { ...good, "X-Sdk-Date": sdkDate(h.t + 1_000) }],
        [
          "other signature",
          h.jobsUrl("dds", id),
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
        const r = await h.call(url, headers);
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
});
