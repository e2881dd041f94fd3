/**
 * Property tests (fast-check), seeded and bounded so they are deterministic and fast. The oracles are
 * WHATWG URL parsing, literal host patterns and plain arithmetic: none of them shares code with the module
 * under test.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Authenticator } from "../provider/auth/authenticator";
import { JobClient } from "../provider/client";
import { parseDurationSeconds } from "../provider/duration";
import { type ApiErrorKind, JobApiError } from "../provider/errors";
import { EndpointGate } from "../provider/gate";
import { inputSchemas, validateInputs } from "../provider/inputs";
import { DEFAULT_POLICY_OPTIONS, progressAwarePolicy } from "../provider/policy";
import { clearSecrets, redactText, registerSecret } from "../provider/redact";
import { parseJobResponse, parseWireError } from "../provider/schemas";
import { CLOUDS, jobsPath, SERVICES, serviceBaseUrl } from "../provider/services";
import { endpointSchema, projectIdSchema, regionSchema } from "../provider/settings";
import type { PollObservation } from "../provider/waiter";

/** Same cases on every run; a failure prints its seed and the shrunk counterexample. */
const RUN = { seed: 20261123, numRuns: 400 } as const;

/** Characters that mean something in a URL, mixed with the ones a region or project ID is made of. */
const URL_CHARS = [
  ..."abcdefxyz0123456789-_",
  ..."./#?@:%\\ \t\n",
  "é",
  "\u0000",
  "%2e",
  "..",
  "/..",
  "\u3002",
  "ａ",
];
const urlish = fc.array(fc.constantFrom(...URL_CHARS), { maxLength: 24 }).map((a) => a.join(""));
/** Plausible regions with one dangerous edit, and wholly arbitrary strings. */
const regionLike = fc.oneof(
  urlish,
  fc.string({ unit: "binary", maxLength: 30 }),
  fc
    .tuple(fc.constantFrom("eu-de", "cn-north-4", "ap-southeast-1", "eu-west-101"), fc.nat(12), urlish)
    .map(([r, at, ins]) => r.slice(0, at) + ins + r.slice(at)),
  fc.stringMatching(/^[a-z]{2,4}(-[a-z0-9]{1,8}){1,3}$/),
);
const projectLike = fc.oneof(
  urlish,
  fc.string({ unit: "binary", maxLength: 70 }),
  fc.stringMatching(/^[0-9a-f]{32}$/),
  fc
    .tuple(fc.stringMatching(/^[0-9a-f]{32}$/), fc.nat(32), urlish)
    .map(([p, at, ins]) => p.slice(0, at) + ins + p.slice(at)),
);

const HOST =
  /^[a-z][a-z-]*\.([a-z0-9-]+)\.(myhuaweicloud\.com|myhuaweicloud\.eu|otc\.t-systems\.com|sc\.otc\.t-systems\.com)$/;

describe("properties", () => {
  it("region and project ID validators accept only what builds exactly the intended host and path", () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        regionLike,
        projectLike,
        fc.constantFrom(...SERVICES),
        fc.constantFrom(...CLOUDS),
        (region, project, service, cloud) => {
          const r = regionSchema.safeParse(region);
          const p = projectIdSchema.safeParse(project);
          if (!r.success || !p.success) return;
          accepted++;
          const url = new URL(`${serviceBaseUrl(service, cloud, r.data)}${jobsPath(p.data)}`);
          assert.equal(url.protocol, "https:");
          assert.equal(url.username + url.password + url.port + url.search + url.hash, "");
          const m = HOST.exec(url.hostname);
          assert.ok(m, `host ${url.hostname}`);
          assert.equal(m[1], r.data, "the region is exactly one label of the host");
          assert.equal(url.pathname, `/v3/${p.data}/jobs`, "the path is exactly as intended");
        },
      ),
      RUN,
    );
    assert.ok(
      accepted > 20,
      `only ${accepted} accepted cases: the generator is too hostile to test acceptance`,
    );
  });

  it("an accepted endpoint keeps its host: the jobs path and query can never move the request elsewhere", () => {
    const endpointLike = fc.oneof(
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc
        .tuple(fc.constantFrom("https://", "http://127.0.0.1:8080", "http://localhost"), urlish)
        .map(([a, b]) => a + b),
    );
    fc.assert(
      fc.property(endpointLike, fc.stringMatching(/^[0-9a-f]{32}$/), (endpoint, project) => {
        const e = endpointSchema.safeParse(endpoint);
        if (!e.success) return;
        const base = new URL(e.data);
        const url = new URL(`${e.data}${jobsPath(project)}`);
        assert.equal(url.host, base.host);
        assert.equal(url.username + url.password + url.search + url.hash, "");
        assert.ok(url.pathname.endsWith(`/v3/${project}/jobs`), url.pathname);
      }),
      RUN,
    );
  });

  it("any job ID the inputs accept round-trips through the request URL unchanged", () => {
    const auth: Authenticator = {
      source: "test",
      headers: async (r) => r.headers,
      refresh: async () => false,
    };
    const client = new JobClient({
      service: "rds",
      baseUrl: "https://rds.eu-de.otc.t-systems.com",
      projectId: "0549b4a43100d4f32f51c01c2fe4acdb",
      auth,
      gate: new EndpointGate({ ratePerSecond: 1, burst: 1 }),
    });
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 140 }), urlish, fc.uuid()), (jobId) => {
        const v = validateInputs({ service: "rds", jobId });
        if (v.failures.length > 0) return;
        const url = new URL(client.jobUrl(v.inputs.jobId as string));
        assert.equal(url.host, "rds.eu-de.otc.t-systems.com");
        assert.equal(url.pathname, "/v3/0549b4a43100d4f32f51c01c2fe4acdb/jobs");
        assert.deepEqual([...url.searchParams.keys()], ["id"]);
        assert.equal(url.searchParams.get("id"), v.inputs.jobId);
      }),
      RUN,
    );
  });

  it("durations: an accepted value is a finite positive number of seconds, within the input's limit", () => {
    const durationLike = fc.oneof(
      fc.double(),
      fc.integer(),
      fc.string({ maxLength: 12 }),
      fc.stringMatching(/^(\d{1,400}(\.\d{1,3})?(d|h|m|s|ms)){1,4}$/),
      fc.stringMatching(/^ ?\d{1,6}(\.\d{0,3})? ?$/),
    );
    let accepted = 0;
    fc.assert(
      fc.property(durationLike, (value) => {
        const r = parseDurationSeconds(value);
        if ("problem" in r) {
          assert.equal(typeof r.problem, "string");
          assert.ok(r.problem.length > 0);
        } else {
          assert.ok(Number.isFinite(r.seconds) && r.seconds > 0, String(r.seconds));
          accepted++;
        }
        const t = inputSchemas.timeout.safeParse(value);
        if (t.success) {
          const s = (parseDurationSeconds(value) as { seconds: number }).seconds;
          assert.ok(s <= 7 * 86_400, `timeout ${String(value)} = ${s} s accepted`);
          // What a timer can hold (setTimeout's limit is 2^31-1 ms).
          assert.ok(s * 1000 <= 2 ** 31 - 1);
        }
      }),
      RUN,
    );
    assert.ok(accepted > 20, `only ${accepted} accepted`);
  });

  it("the response schemas never throw on arbitrary JSON: they accept a sane job or give a reason", () => {
    const anyValue = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.string(),
      fc.integer(),
      fc.constant(null),
      fc.constantFrom(
        "Running",
        "Completed",
        "FAILED",
        " completed ",
        "60% ",
        "2021-07-12T09:22:04+0000",
        "",
      ),
    );
    const jobLike = fc.record(
      {
        id: anyValue,
        name: anyValue,
        status: anyValue,
        created: anyValue,
        ended: anyValue,
        progress: anyValue,
        process: anyValue,
        instance: fc.oneof(anyValue, fc.record({ id: anyValue, name: anyValue }, { requiredKeys: [] })),
        entities: fc.oneof(
          anyValue,
          fc.record(
            {
              instance: fc.oneof(
                anyValue,
                fc.record({ type: anyValue, datastore: anyValue }, { requiredKeys: [] }),
              ),
              volume: anyValue,
              public_ip: anyValue,
              switch_strategy: anyValue,
              resource_ids: anyValue,
            },
            { requiredKeys: [] },
          ),
        ),
        fail_reason: anyValue,
      },
      { requiredKeys: [] },
    );
    // Mostly job-shaped, so acceptance is exercised too: id and status present, the rest arbitrary.
    const plausibleJob = fc
      .tuple(
        jobLike,
        fc.oneof(fc.uuid(), fc.string(), fc.integer()),
        fc.oneof(
          fc.constantFrom("Running", "Completed", "Failed", "running", " Completed", "Pending"),
          fc.string(),
        ),
      )
      .map(([j, id, status]) => ({ ...j, id, status }));
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc.record({ job: fc.oneof(jobLike, anyValue) }),
      fc.record({ job: plausibleJob }),
    );
    let ok = 0;
    fc.assert(
      fc.property(body, fc.constantFrom(...SERVICES), (b, service) => {
        const r = parseJobResponse(service, b);
        if (r.ok) {
          ok++;
          const job = r.observed.job;
          assert.ok(["Running", "Completed", "Failed"].includes(job.status));
          assert.equal(typeof job.id, "string");
          if (job.progress !== undefined)
            assert.ok(Number.isFinite(job.progress) && job.progress >= 0 && job.progress <= 100);
          assert.doesNotThrow(() => JSON.stringify(job));
        } else {
          assert.ok(typeof r.problem === "string" && r.problem.length > 0);
        }
        const w = parseWireError(b);
        for (const v of [w.code, w.message]) assert.ok(v === undefined || typeof v === "string");
      }),
      { ...RUN, numRuns: 1000 },
    );
    assert.ok(ok > 20, `only ${ok} bodies parsed as jobs`);
  });

  it("a registered credential never survives redaction, wherever it sits in whatever text", () => {
    // Credential alphabets: AK/SK alphanumeric, tokens base64/base64url, passwords anything printable.
    const credential = fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9]{4,40}$/),
      fc.stringMatching(/^[A-Za-z0-9+/=_-]{8,64}$/),
      fc.string({ minLength: 6, maxLength: 24 }).filter((v) => !/[[\]]/.test(v) && v.trim() === v),
    );
    const around = fc.string({ maxLength: 60 });
    fc.assert(
      fc.property(
        fc.array(credential, { minLength: 1, maxLength: 4 }),
        fc.array(around, { minLength: 2, maxLength: 6 }),
        (secrets, parts) => {
          clearSecrets();
          for (const v of secrets) registerSecret(v);
          // Every secret at least once, between arbitrary text (URLs, JSON, headers or noise).
          const text = parts.map((p, i) => `${p}${secrets[i % secrets.length]}`).join("");
          const out = redactText(text);
          for (const v of secrets) {
            // A shorter secret may sit inside a longer one that was replaced whole; either way it is gone.
            assert.ok(!out.includes(v), `${JSON.stringify(v)} survived in ${JSON.stringify(out)}`);
          }
          assert.equal(redactText(out), out, "redaction is idempotent");
        },
      ),
      RUN,
    );
    clearSecrets();
  });

  it("the default policy never returns a non-finite or negative delay, whatever the history", () => {
    const kinds: ApiErrorKind[] = [
      "not-found",
      "auth",
      "throttled",
      "transient",
      "client",
      "invalid-response",
    ];
    const observation = fc.record(
      {
        elapsedMs: fc.double({ min: 0, max: 1e10, noNaN: true }),
        progress: fc.option(fc.double({ min: 0, max: 100, noNaN: true })),
        ageMs: fc.option(fc.double({ min: -1e10, max: 1e10, noNaN: true })),
        error: fc.option(fc.constantFrom(...kinds)),
      },
      { requiredKeys: ["elapsedMs"] },
    );
    const history = fc.array(observation, { maxLength: 40 }).map((obs) => {
      const sorted = [...obs].sort((a, b) => a.elapsedMs - b.elapsedMs);
      return sorted.map((o): PollObservation => {
        const base: PollObservation = { elapsedMs: o.elapsedMs };
        if (o.ageMs !== null && o.ageMs !== undefined) base.ageMs = o.ageMs;
        if (o.error) {
          base.error = new JobApiError({
            kind: o.error,
            service: "rds",
            jobId: "j",
            url: "https://h/v3/p/jobs",
          });
        } else {
          base.job = {
            id: "j",
            name: "",
            status: "Running",
            created: "",
            ...(o.progress !== null && o.progress !== undefined ? { progress: o.progress } : {}),
          };
        }
        return base;
      });
    });
    // The options a user can set: intervals as `check` admits them (floor ≤ 600 s, cap ≤ 3600 s).
    const options = fc.option(
      fc.record(
        {
          minDelayMs: fc.double({ min: 1, max: 600_000, noNaN: true }),
          maxDelayMs: fc.double({ min: 1, max: 3_600_000, noNaN: true }),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(
        history,
        options,
        fc.double({ min: 1, max: 7 * 86_400_000, noNaN: true }),
        (h, o, timeoutMs) => {
          const policy = progressAwarePolicy(o ?? {});
          const elapsedMs = h.at(-1)?.elapsedMs ?? 0;
          const d = policy.nextDelayMs(h, { elapsedMs, timeoutMs });
          assert.ok(Number.isFinite(d), `delay ${d}`);
          assert.ok(d >= 0, `delay ${d}`);
          if (h.length > 0)
            assert.ok(d <= Math.max(o?.maxDelayMs ?? DEFAULT_POLICY_OPTIONS.maxDelayMs, 0) + 1e-6);
        },
      ),
      { ...RUN, numRuns: 1000 },
    );
  });
});
