import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Job } from "../provider/job";
import { normaliseEntities, parseJobResponse, parseProgress, parseWireError } from "../provider/schemas";
import type { Service } from "../provider/services";
import { toUtcIso } from "../provider/time";

interface SeedExample {
  seed: string;
  service: Service;
  example: string;
  text: string;
}

// Verbatim JSON blocks of the five seed documents (../shared/seeds), one entry per example, tabs and all.
const examples: SeedExample[] = JSON.parse(
  readFileSync(join(__dirname, "../../tests/fixtures/seed-examples.json"), "utf8"),
) as SeedExample[];

function parse(service: Service, text: string): Job {
  const r = parseJobResponse(service, JSON.parse(text));
  assert.ok(r.ok, r.ok ? "" : r.problem);
  return r.observed.job;
}

const DDS_DONE: Job = {
  id: "f85104b5-4a9c-4e0f-9505-fc5409d8f7ae",
  name: "Create_MongoDB",
  status: "Completed",
  created: "2021-07-12T09:22:04Z",
  ended: "2021-07-12T10:10:13Z",
  instance: { id: "d87f5b33049144ec95f0cab0a5f22cfbin02", name: "dds-5ff4-sh" },
};
const DDS_RUNNING: Job = {
  id: "9d10bfd1-affb-49c3-b977-298950a8d6fa",
  name: "Create_MongoDB",
  status: "Running",
  created: "2021-07-13T07:28:43Z",
  progress: 9,
  instance: { id: "cf538a2dd8ec4b26860b27060902712fin02", name: "dds-3a98-wcc" },
};
const DDS_FAILED: Job = {
  id: "a03b1b8a-b756-467c-8a49-38720c3d23ec",
  name: "Restore_MongoDB_Replica",
  status: "Failed",
  created: "2021-07-13T04:55:58Z",
  ended: "2021-07-13T05:20:04Z",
  instance: { id: "7beb15d5db9c4742b7c817789244844ein02", name: "lenn-v3-restore-4" },
  failReason: "Failed to upgrade the DB Agent.",
};
const RDS_INSTANCE = { id: "a48e43ff268f4c0e879652d65e63d0fbin01", name: "DO-NOT-TOUCH-mgr2-mysql-single" };

const expected: Record<string, Job> = {
  "000 A task is successfully executed.": DDS_DONE,
  "000 A task is being executed": DDS_RUNNING,
  "000 A task fails to be executed": DDS_FAILED,
  "002 A task is successfully executed.": DDS_DONE,
  "002 A task is being executed": DDS_RUNNING,
  "002 A task fails to be executed": DDS_FAILED,
  "003 A task is successfully executed.": DDS_DONE,
  "003 A task is being executed": DDS_RUNNING,
  "003 A task fails to be executed": DDS_FAILED,
  "001 Parameter templates": {
    id: "5cbb8a90-2253-4cff-8a13-49aa8f31dfb5",
    name: "CreateGaussDBV5Instance",
    status: "Completed",
    // +0800 on the wire: eight hours earlier in UTC.
    created: "2021-07-12T01:22:04Z",
    ended: "2021-07-12T02:10:13Z",
    instance: { id: "b34f8c791f2643578510c093aa2351a8in14", name: "gauss-c1a3" },
  },
  "004 Creating a DB instance": {
    id: "31b8ae23-c687-4d80-b7b4-42a66c9bb886",
    name: "CreateMysqlSingleHAInstance",
    status: "Completed",
    created: "2018-08-06T10:41:14Z",
    instance: RDS_INSTANCE,
    entities: {
      kind: "instance",
      instance: {
        endpoint: "192.168.1.203:3306",
        type: "Single",
        datastore: { type: "mysql", version: "5.7" },
      },
      resourceIds: ["a48e43ff268f4c0e879652d65e63d0fbin01.vm", "a48e43ff268f4c0e879652d65e63d0fbin01.volume"],
    },
  },
  "004 Creating a read replica": {
    id: "31b8ae23-c687-4d80-b7b4-42a66c9bb886",
    // The wire has a leading space: " CreateMysqlReplicaInstance".
    name: "CreateMysqlReplicaInstance",
    status: "Completed",
    created: "2018-08-06T10:41:14Z",
    instance: { id: "288caaa9d05f4ec1a1f58de2e0945685in01", name: "mysql-replica" },
    entities: {
      kind: "instance",
      instance: {
        endpoint: "192.168.1.203:3306",
        // `replica` on the wire, `Replica` in the docs' table.
        type: "Replica",
        datastore: { type: "mysql", version: "5.7" },
        replicaOf: "a48e43ff268f4c0e879652d65e63d0fbin01",
      },
      resourceIds: ["288caaa9d05f4ec1a1f58de2e0945685in01.vm", "288caaa9d05f4ec1a1f58de2e0945685in01.volume"],
    },
  },
  "004 Binding an EIP": {
    id: "31b8ae23-c687-4d80-b7b4-42a66c9bb886",
    name: "MysqlBindEIP",
    status: "Completed",
    created: "2018-08-06T10:41:14Z",
    instance: RDS_INSTANCE,
    entities: { kind: "publicIp", publicIp: "10.10.10.1" },
  },
  "004 Rebooting a DB instance": {
    id: "31b8ae23-c687-4d80-b7b4-42a66c9bb886",
    name: "RestartMysqlInstance",
    status: "Completed",
    created: "2018-08-06T10:41:14Z",
    instance: RDS_INSTANCE,
    entities: { kind: "empty" },
  },
  // Internally inconsistent in the document: "Completed" with process "60% ". Status wins; no progress.
  "004 Task being executed": {
    id: "31b8ae23-c687-4d80-b7b4-42a66c9bb886",
    name: "CreateMysqlSingleHAInstance",
    status: "Completed",
    created: "2018-08-06T10:41:14Z",
    instance: RDS_INSTANCE,
    entities: {
      kind: "instance",
      instance: { type: "Single", datastore: { type: "mysql", version: "5.7" } },
      resourceIds: [],
    },
  },
  "004 Task fails to be executed": {
    // The document's id has spaces in it; kept as sent (trimmed), never "fixed".
    id: "31 b8ae23 - c687 - 4 d80 - b7b4 - 42 a66c9bb886",
    name: "CreateMysqlSingleHAInstance",
    status: "Failed",
    created: "2018-08-06T10:41:14Z",
    instance: RDS_INSTANCE,
    entities: {
      kind: "instance",
      instance: { type: "Single", datastore: { type: "mysql", version: "5.7" } },
      resourceIds: [],
    },
    failReason: "createVM failed.",
  },
};

describe("schemas: every JSON example in the seed documents", () => {
  it("has all 16 examples from the five documents", () => {
    assert.equal(examples.length, 16);
    assert.deepEqual([...new Set(examples.map((e) => e.seed.slice(0, 3)))].sort(), [
      "000",
      "001",
      "002",
      "003",
      "004",
    ]);
  });
  for (const ex of examples) {
    const key = `${ex.seed.slice(0, 3)} ${ex.example}`;
    it(`${ex.seed} (${ex.service}): "${ex.example}"`, () => {
      const want = expected[key];
      assert.ok(want, `no expectation for ${key}`);
      assert.deepEqual(parse(ex.service, ex.text), want);
    });
  }
});

describe("schemas: variants the wire may send", () => {
  const rds = (job: Record<string, unknown>) =>
    parse(
      "rds",
      JSON.stringify({
        job: { id: "j", name: "n", status: "Running", created: "2024-01-01T00:00:00+0000", ...job },
      }),
    );

  it("reads RDS progress from `process` and tolerates a trailing space", () => {
    assert.equal(rds({ process: "60% " }).progress, 60);
    assert.equal(rds({ process: "" }).progress, undefined);
  });
  it("reads DDS/GaussDB progress from `progress`, also when sent as a number", () => {
    const j = parse(
      "dds",
      JSON.stringify({ job: { id: "j", status: "Running", created: null, progress: 42 } }),
    );
    assert.equal(j.progress, 42);
    assert.equal(j.name, "");
  });
  it("clamps progress to 0..100 and ignores garbage", () => {
    assert.equal(parseProgress("150%"), 100);
    assert.equal(parseProgress("abc"), undefined);
    assert.equal(parseProgress(null), undefined);
  });
  it("treats an unknown status as not terminal, never as success", () => {
    const r = parseJobResponse("dds", {
      job: { id: "j", status: "Pending", created: "2024-01-01T00:00:00Z" },
    });
    assert.ok(r.ok);
    assert.equal(r.observed.job.status, "Running");
    assert.equal(r.observed.wireStatus, "Pending");
  });
  it("accepts lower-case statuses", () => {
    assert.equal(rds({ status: "completed" }).status, "Completed");
    assert.equal(rds({ status: "FAILED" }).status, "Failed");
  });
  it("treats null and empty strings as absent", () => {
    const j = rds({ name: "  ", instance: { id: "", name: null }, fail_reason: "", entities: null });
    assert.equal(j.instance, undefined);
    assert.equal(j.failReason, undefined);
    assert.equal(j.entities, undefined);
  });
  it("drops DDS's `ended` while the job is still running", () => {
    assert.equal(rds({ ended: "2024-01-01T00:00:10+0000" }).ended, undefined);
    assert.equal(
      rds({ status: "Completed", ended: "2024-01-01T00:00:10+0000" }).ended,
      "2024-01-01T00:00:10Z",
    );
  });
  it("tolerates unknown extra fields", () => {
    assert.equal(rds({ something_new: { a: 1 }, tenant: "x" }).id, "j");
  });
  it("rejects a body that is not a job, saying which field", () => {
    const r = parseJobResponse("rds", { jobs: [] });
    assert.ok(!r.ok);
    assert.match(r.problem, /job/);
    const r2 = parseJobResponse("rds", { job: { id: "x" } });
    assert.ok(!r2.ok);
    assert.match(r2.problem, /job\.status/);
  });
  it("ignores entities for services that have none", () => {
    const j = parse(
      "dds",
      JSON.stringify({
        job: { id: "j", status: "Completed", created: "", entities: { public_ip: "1.2.3.4" } },
      }),
    );
    assert.equal(j.entities, undefined);
  });
});

describe("schemas: RDS entities", () => {
  it("Ha instance", () => {
    const e = normaliseEntities({
      instance: { endpoint: "10.0.0.1:5432", type: "Ha", datastore: { type: "postgresql", version: "14" } },
    });
    assert.deepEqual(e, {
      kind: "instance",
      instance: { endpoint: "10.0.0.1:5432", type: "Ha", datastore: { type: "postgresql", version: "14" } },
      resourceIds: [],
    });
  });
  it("volume resize with sizes as strings", () => {
    assert.deepEqual(
      normaliseEntities({
        volume: { type: "ULTRAHIGH", original_size: "40", target_size: "100" },
        resource_ids: ["x.volume"],
      }),
      {
        kind: "volume",
        volume: { type: "ULTRAHIGH", originalSizeGb: 40, targetSizeGb: 100 },
        resourceIds: ["x.volume"],
      },
    );
  });
  it("switchover", () => {
    assert.deepEqual(normaliseEntities({ switch_strategy: "reliability" }), {
      kind: "switchover",
      switchStrategy: "reliability",
    });
  });
  it("an unknown shape is kept as it came", () => {
    assert.deepEqual(normaliseEntities({ flavor: { ref: "x" } }), {
      kind: "other",
      raw: { flavor: { ref: "x" } },
    });
  });
});

describe("times", () => {
  it("normalises offsets without a colon to UTC Z", () => {
    assert.equal(toUtcIso("2021-07-12T09:22:04+0000"), "2021-07-12T09:22:04Z");
    assert.equal(toUtcIso("2021-07-12T09:22:04+0800"), "2021-07-12T01:22:04Z");
    assert.equal(toUtcIso("2021-07-12T09:22:04-05:30"), "2021-07-12T14:52:04Z");
    assert.equal(toUtcIso("2021-07-12T09:22:04Z"), "2021-07-12T09:22:04Z");
    assert.equal(toUtcIso("2021-07-12T09:22:04.123Z"), "2021-07-12T09:22:04.123Z");
    assert.equal(toUtcIso(""), undefined);
    assert.equal(toUtcIso("yesterday"), undefined);
  });
});

describe("error bodies", () => {
  it("reads error_code/error_msg, then code/message, then IAM's error object", () => {
    assert.deepEqual(parseWireError({ error_code: "DBS.200543", error_msg: "The job does not exist." }), {
      code: "DBS.200543",
      message: "The job does not exist.",
    });
    assert.deepEqual(parseWireError({ code: "APIGW.0308", message: "throttled" }), {
      code: "APIGW.0308",
      message: "throttled",
    });
    assert.deepEqual(
      parseWireError({ error: { code: 401, message: "The username or password is wrong." } }),
      {
        code: "401",
        message: "The username or password is wrong.",
      },
    );
    assert.deepEqual(parseWireError("<html>bad gateway</html>"), {});
  });
});
