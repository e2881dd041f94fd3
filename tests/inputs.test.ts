import assert from "node:assert/strict";
import { parseDuration, parseDurationSeconds } from "../provider/duration";
import { UNKNOWN, validateInputs } from "../provider/inputs";

describe("durations", () => {
  it("reads seconds and duration strings", () => {
    assert.equal(parseDuration(90), 90);
    assert.equal(parseDuration("45m"), 2700);
    assert.equal(parseDuration("1h30m"), 5400);
    assert.equal(parseDuration("90s"), 90);
    assert.equal(parseDuration("1500ms"), 1.5);
    assert.equal(parseDuration("600"), 600);
  });
  it("explains what is wrong", () => {
    assert.match((parseDurationSeconds("ten minutes") as { problem: string }).problem, /not a duration.*45m/);
    assert.match((parseDurationSeconds(-5) as { problem: string }).problem, /positive/);
    assert.match((parseDurationSeconds("0s") as { problem: string }).problem, /longer than zero/);
    assert.match(
      (parseDurationSeconds(`${"9".repeat(400)}h`) as { problem: string }).problem,
      /too long to be a duration/,
    );
  });
  it("reads days: the longest timeout, a week, can be written 7d", () => {
    assert.equal(parseDuration("7d"), 7 * 86_400);
    assert.equal(parseDuration("1d12h"), 36 * 3600);
    assert.deepEqual(validateInputs({ service: "rds", jobId: "j", timeout: "7d" }).failures, []);
    assert.deepEqual(validateInputs({ service: "rds", jobId: "j", timeout: "168h" }).failures, []);
    const over = validateInputs({ service: "rds", jobId: "j", timeout: "8d" }).failures;
    assert.deepEqual(
      over.map((f) => f.property),
      ["timeout"],
    );
  });
});

describe("input validation (check)", () => {
  const good = { service: "rds", jobId: "31b8ae23-c687-4d80-b7b4-42a66c9bb886" };

  it("accepts good inputs and normalises them", () => {
    const r = validateInputs({
      ...good,
      service: " RDS ",
      jobId: " abc ",
      timeout: "45m",
      cloud: "OTC",
      __provider: "x",
    });
    assert.deepEqual(r.failures, []);
    assert.equal(r.inputs.service, "rds");
    assert.equal(r.inputs.jobId, "abc");
    assert.equal(r.inputs.cloud, "otc");
    assert.equal(r.inputs.__provider, "x");
  });

  it("lets values unknown until apply pass", () => {
    const r = validateInputs({ service: "rds", jobId: UNKNOWN, projectId: UNKNOWN, endpoint: UNKNOWN });
    assert.deepEqual(r.failures, []);
    assert.equal(r.inputs.jobId, UNKNOWN);
  });

  const bad: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ["missing service", { jobId: "x" }, "service", /required/],
    [
      "unknown service",
      { ...good, service: "mysql" },
      "service",
      /"mysql" is not a service.*"dds", "gaussdb", "rds"/,
    ],
    ["service not a string", { ...good, service: 3 }, "service", /string/],
    ["missing jobId", { service: "rds" }, "jobId", /required/],
    ["empty jobId", { ...good, jobId: "  " }, "jobId", /empty/],
    ["jobId too long", { ...good, jobId: "x".repeat(200) }, "jobId", /200 characters/],
    ["jobId with a newline", { ...good, jobId: "ab\ncd" }, "jobId", /control characters/],
    ["jobId with a lone surrogate", { ...good, jobId: "ab\ud800cd" }, "jobId", /surrogate/],
    ["projectId that collapses the path", { ...good, projectId: ".." }, "projectId", /not a project ID/],
    ["region that moves the host", { ...good, region: "eu-de.example.org/x#" }, "region", /not a region/],
    ["region with a space", { ...good, region: "eu de" }, "region", /not a region/],
    ["region longer than a DNS label", { ...good, region: `eu-${"a".repeat(61)}` }, "region", /not a region/],
    ["bad projectId", { ...good, projectId: "my project!" }, "projectId", /not a project ID/],
    ["bad region", { ...good, region: "Frankfurt" }, "region", /not a region name.*eu-de/],
    ["bad cloud", { ...good, cloud: "aws" }, "cloud", /"huaweicloud".*"otc"/],
    ["endpoint not a URL", { ...good, endpoint: "rds.eu-de" }, "endpoint", /not a URL/],
    [
      "http endpoint on a public host",
      { ...good, endpoint: "http://rds.eu-de.otc.t-systems.com" },
      "endpoint",
      /https:\/\//,
    ],
    [
      "endpoint with credentials",
      { ...good, endpoint: "https://ak:sk@rds.example.com" },
      "endpoint",
      /credentials/,
    ],
    ["endpoint with query", { ...good, endpoint: "https://rds.example.com/?x=1" }, "endpoint", /query/],
    ["endpoint ftp", { ...good, endpoint: "ftp://rds.example.com" }, "endpoint", /https/],
    [
      "endpoint with a control character the URL parser would drop",
      { ...good, endpoint: "https://rds.example.com\u0000" },
      "endpoint",
      /control character/,
    ],
    ["timeout garbage", { ...good, timeout: "ten minutes" }, "timeout", /not a duration/],
    ["timeout negative", { ...good, timeout: -1 }, "timeout", /positive/],
    ["timeout too long", { ...good, timeout: "200h" }, "timeout", /limit/],
    [
      "failOnJobFailure not boolean",
      { ...good, failOnJobFailure: "yes" },
      "failOnJobFailure",
      /true or false/,
    ],
    [
      "poll interval order",
      { ...good, minPollInterval: "20s", maxPollInterval: "5s" },
      "maxPollInterval",
      /minPollInterval/,
    ],
  ];
  for (const [what, input, field, reason] of bad) {
    it(`rejects ${what}, naming ${field}`, () => {
      const r = validateInputs(input);
      const f = r.failures.find((x) => x.property === field);
      assert.ok(f, `no failure for ${field}: ${JSON.stringify(r.failures)}`);
      assert.match(f.reason, reason);
    });
  }

  it("never echoes a password given inside an endpoint URL", () => {
    for (const endpoint of [
      "http://admin:Hunter2-secret@rds.example.com",
      "ftp://admin:Hunter2-secret@rds.example.com",
      "https://admin:Hunter2-secret@rds.example.com/?q=1#f",
      "not a url admin:Hunter2-secret@rds",
      "https://a@b:Hunter2-secret@rds.example.com",
    ]) {
      const r = validateInputs({ ...good, endpoint });
      assert.ok(r.failures.length > 0, endpoint);
      for (const f of r.failures) assert.ok(!f.reason.includes("Hunter2-secret"), f.reason);
    }
  });

  it("allows http:// for loopback endpoints", () => {
    for (const endpoint of ["http://127.0.0.1:8080/rds", "http://localhost:1", "http://[::1]:9"]) {
      assert.deepEqual(validateInputs({ ...good, endpoint }).failures, [], endpoint);
    }
  });
});
