/**
 * The real dynamic provider host (@pulumi/pulumi's cmd/dynamic-provider, in its own process, as the engine
 * starts it: `node index.js <engine address>`), driven over gRPC like the engine does, with a fake engine
 * receiving its Log calls. Checks what the in-process tests cannot: that this package finds the host's
 * grpc-js, its generated engine stubs and the engine address, and hooks the host's own server.
 */
import assert from "node:assert/strict";
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as provGrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provPb from "@pulumi/pulumi/proto/provider_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { type Simulator, startSimulator } from "../simulator";
import { deadAddress, type FakeEngine, startFakeEngine } from "./support/fake-engine";

const HOST_SCRIPT = require.resolve("@pulumi/pulumi/cmd/dynamic-provider/index.js");
const PROVIDER = join(__dirname, "../provider/index.js");
const URN = "urn:pulumi:dev::shop::pulumi-nodejs:dynamic/job-waiter:JobWaiter::orders-db";

interface Host {
  client: provGrpc.ResourceProviderClient;
  /** What the host printed after its port. */
  stdout(): string;
  stop(): Promise<void>;
}

describe("the real dynamic provider host process (fake engine, simulator)", function () {
  this.timeout(60_000);
  let sim: Simulator;
  let engine: FakeEngine;
  let host: Host | undefined;
  let home: string;

  before(async () => {
    sim = await startSimulator();
    home = mkdtempSync(join(tmpdir(), "jw-host-home-"));
  });
  after(async () => {
    await sim.close();
    rmSync(home, { recursive: true, force: true });
  });
  beforeEach(async () => {
    engine = await startFakeEngine();
  });
  afterEach(async () => {
    await host?.stop();
    host = undefined;
    await engine.close();
  });

  const startHost = async (engineAddress: string): Promise<Host> => {
    const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [HOST_SCRIPT, engineAddress], {
      env: {
        PATH: process.env.PATH,
        HOME: home,
        HW_ACCESS_KEY: sim.credentials.accessKey,
        HW_SECRET_KEY: sim.credentials.secretKey,
        HW_PROJECT_ID: sim.credentials.projectId,
      },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const port = await new Promise<number>((resolve, reject) => {
      const onData = () => {
        const m = /^(\d+)\n/.exec(out);
        if (m) {
          child.stdout.off("data", onData);
          resolve(Number(m[1]));
        }
      };
      child.stdout.on("data", onData);
      child.once("exit", (code) => reject(new Error(`host exited (${code}) before listening: ${err}`)));
    });
    const client = new provGrpc.ResourceProviderClient(
      `127.0.0.1:${port}`,
      grpc.credentials.createInsecure(),
    );
    const configure = new provPb.ConfigureRequest();
    configure.setArgs(Struct.fromJavaScript({}));
    await new Promise((res, rej) => client.configure(configure, (e, r) => (e ? rej(e) : res(r))));
    return {
      client,
      stdout: () => out.replace(/^\d+\n/, ""),
      stop: async () => {
        client.close();
        child.kill();
        await exited;
      },
    };
  };

  /** Check, then Create, as the engine does (the host loads the provider on its first call). */
  const create = async (h: Host, jobId: string): Promise<provPb.CreateResponse> => {
    const props = Struct.fromJavaScript({
      service: "rds",
      jobId,
      endpoint: sim.endpoint("rds"),
      maxPollInterval: "0.2s",
      minPollInterval: "0.05s",
      __provider: `exports.handler = () => require(${JSON.stringify(PROVIDER)}).hostJobWaiterProvider();`,
    });
    const check = new provPb.CheckRequest();
    check.setUrn(URN);
    check.setOlds(Struct.fromJavaScript({}));
    check.setNews(props);
    const checked = await new Promise<provPb.CheckResponse>((resolve, reject) =>
      h.client.check(check, (e, r) => (e ? reject(e) : resolve(r!))),
    );
    assert.deepEqual(checked.getFailuresList(), []);
    const req = new provPb.CreateRequest();
    req.setUrn(URN);
    req.setProperties(checked.getInputs()!);
    return new Promise((resolve, reject) => h.client.create(req, (e, r) => (e ? reject(e) : resolve(r!))));
  };

  it("progress goes to the engine's Log with the call's URN: statuses ephemeral, the outcome kept, stdout quiet", async () => {
    host = await startHost(engine.address);
    const { id } = sim.createJob({ service: "rds", durationMs: 600_000 });
    engine.onLog = (log) => {
      if (log.ephemeral && /Running/.test(log.message)) sim.finishJob(id);
    };
    const resp = await create(host, id);
    assert.equal(resp.getId(), `rds:${id}`);
    assert.ok(engine.received.length >= 2, JSON.stringify(engine.received));
    for (const r of engine.received) {
      assert.equal(r.urn, URN);
      assert.match(r.message, new RegExp(`^rds job ${id} `));
    }
    assert.ok(engine.received.slice(0, -1).every((r) => r.ephemeral));
    assert.equal(engine.received.at(-1)!.ephemeral, false);
    assert.match(engine.received.at(-1)!.message, /Completed.*\(waited/);
    assert.equal(host.stdout(), "");
  });

  it("the engine's Cancel ends a wait in progress as an interruption", async () => {
    host = await startHost(engine.address);
    const { id } = sim.createJob({ service: "rds", durationMs: 600_000 });
    const failed = create(host, id).then(
      () => assert.fail("create should not succeed"),
      (e: grpc.ServiceError) => e,
    );
    while (sim.requests({ jobId: id }).length === 0) await new Promise((r) => setTimeout(r, 20));
    const h = host;
    await new Promise((res, rej) => h.client.cancel(new Empty(), (e, r) => (e ? rej(e) : res(r))));
    const err = await failed;
    assert.match(err.details, /the wait was interrupted/);
  });

  it("an engine address where nothing listens: lines on stdout, labelled with the resource name", async () => {
    host = await startHost(await deadAddress());
    const { id } = sim.createJob({ service: "rds", durationMs: 600_000 });
    const h = host;
    const watcher = setInterval(() => {
      if (/Running/.test(h.stdout())) sim.finishJob(id);
    }, 20);
    await create(host, id).finally(() => clearInterval(watcher));
    const lines = host.stdout().trim().split("\n");
    assert.match(lines[0]!, /^\[job-waiter\] progress cannot be shown on the resources' rows/);
    for (const l of lines.slice(1))
      assert.match(l, new RegExp(`^\\[job-waiter\\] orders-db: rds job ${id} `));
    assert.match(lines.at(-1)!, /Completed.*\(waited/);
  });
});
