import assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import type * as pulumi from "@pulumi/pulumi";
import * as provGrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provPb from "@pulumi/pulumi/proto/provider_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { clearTokenCache } from "../provider/auth/authenticator";
import { connectEngineLog } from "../provider/engine-log";
import { createHostProvider, type HostProvider } from "../provider/host";
import { currentHostCall, type HostCall, installHostHooks } from "../provider/host-hooks";
import { type Simulator, startSimulator } from "../simulator";
import { engineRpcModules, type FakeEngine, type ReceivedLog, startFakeEngine } from "./support/fake-engine";

const URN = "urn:pulumi:dev::shop::pulumi-nodejs:dynamic/job-waiter:JobWaiter::orders-db";
const serverPrototype = grpc.Server.prototype as unknown as Record<string, unknown>;

type Impl = grpc.UntypedServiceImplementation;
type Unary = (call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => void;

/** A grpc-js server with Pulumi's ResourceProvider service, the way the dynamic provider host serves it. */
async function serve(
  impl: Impl,
): Promise<{ client: provGrpc.ResourceProviderClient; close(): Promise<void> }> {
  const server = new grpc.Server();
  server.addService(provGrpc.ResourceProviderService, impl);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  const client = new provGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return {
    client,
    close: () =>
      new Promise<void>((resolve) => {
        client.close();
        server.forceShutdown();
        resolve();
      }),
  };
}

/** The host's handlers for Cancel (a no-op) and Create (inputs only, as the Node host passes them). */
function hostLikeService(
  provider: () => pulumi.dynamic.ResourceProvider,
  onError: (e: unknown) => void = () => {},
): Impl {
  const cancel: Unary = (_call, cb) => cb(null, new Empty());
  const create: Unary = async (call, cb) => {
    try {
      const req = call.request as provPb.CreateRequest;
      const result = await provider().create(req.getProperties()!.toJavaScript());
      const resp = new provPb.CreateResponse();
      resp.setId(result.id);
      resp.setProperties(Struct.fromJavaScript(result.outs as Record<string, never>));
      cb(null, resp);
    } catch (e) {
      onError(e);
      cb({ code: grpc.status.UNKNOWN, details: (e as Error).message });
    }
  };
  const read: Unary = async (call, cb) => {
    try {
      const req = call.request as provPb.ReadRequest;
      const result = await provider().read!(req.getId(), req.getProperties()!.toJavaScript());
      const resp = new provPb.ReadResponse();
      resp.setId(result.id ?? req.getId());
      resp.setProperties(Struct.fromJavaScript(result.props as Record<string, never>));
      cb(null, resp);
    } catch (e) {
      onError(e);
      cb({ code: grpc.status.UNKNOWN, details: (e as Error).message });
    }
  };
  return { cancel, create, read };
}

function createCall(
  client: provGrpc.ResourceProviderClient,
  urn: string,
  props: Record<string, unknown>,
): Promise<provPb.CreateResponse> {
  const req = new provPb.CreateRequest();
  req.setUrn(urn);
  req.setProperties(Struct.fromJavaScript(props as Record<string, never>));
  return new Promise((resolve, reject) =>
    client.create(req, (err, resp) => (err ? reject(err) : resolve(resp!))),
  );
}

const until = async (cond: () => boolean, what: string, limitMs = 20_000) => {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > limitMs) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe("host hooks on a real grpc-js server", () => {
  it("run Create/Update/Read handlers with their call's URN; other calls and code outside see none", async () => {
    const seen: Array<[string, HostCall | undefined]> = [];
    const record =
      (name: string, reply: () => unknown): Unary =>
      async (_call, cb) => {
        await new Promise((r) => setTimeout(r, 5)); // the context survives awaits
        seen.push([name, currentHostCall()]);
        cb(null, reply());
      };
    const original = serverPrototype._retrieveHandler;
    const uninstall = installHostHooks(serverPrototype, {});
    assert.ok(uninstall, "grpc-js has the expected shape");
    const { client, close } = await serve({
      create: record("create", () => new provPb.CreateResponse()),
      update: record("update", () => new provPb.UpdateResponse()),
      check: record("check", () => new provPb.CheckResponse()),
    });
    try {
      const req = new provPb.CreateRequest();
      req.setUrn(URN);
      const other = `${URN.slice(0, -"orders-db".length)}cache`;
      const upd = new provPb.UpdateRequest();
      upd.setUrn(other);
      const chk = new provPb.CheckRequest();
      chk.setUrn(URN);
      await Promise.all([
        new Promise((res, rej) => client.create(req, (e, r) => (e ? rej(e) : res(r)))),
        new Promise((res, rej) => client.update(upd, (e, r) => (e ? rej(e) : res(r)))),
        new Promise((res, rej) => client.check(chk, (e, r) => (e ? rej(e) : res(r)))),
      ]);
      const byName = Object.fromEntries(seen);
      assert.deepEqual(byName.create, { method: "create", urn: URN });
      assert.deepEqual(byName.update, { method: "update", urn: other });
      assert.equal(byName.check, undefined);
      assert.equal(currentHostCall(), undefined);
    } finally {
      uninstall();
      await close();
    }
    assert.equal(serverPrototype._retrieveHandler, original);
  });

  it("uninstall restores grpc-js; a grpc-js without _retrieveHandler gets nothing installed", () => {
    const original = serverPrototype._retrieveHandler;
    const uninstall = installHostHooks(serverPrototype, {});
    assert.notEqual(serverPrototype._retrieveHandler, original);
    uninstall!();
    assert.equal(serverPrototype._retrieveHandler, original);
    const changed: Record<string, unknown> = { retrieveHandler: () => null };
    assert.equal(installHostHooks(changed, {}), undefined);
    assert.deepEqual(Object.keys(changed), ["retrieveHandler"]);
  });

  it("a listener that throws does not break the engine's Cancel call", async () => {
    const uninstall = installHostHooks(serverPrototype, {
      onCancel: () => {
        throw new Error("listener bug");
      },
    });
    const { client, close } = await serve({ cancel: ((_c, cb) => cb(null, new Empty())) as Unary });
    try {
      await new Promise((res, rej) => client.cancel(new Empty(), (e, r) => (e ? rej(e) : res(r))));
    } finally {
      uninstall!();
      await close();
    }
  });
});

describe("host provider: Cancel and progress through a real grpc-js server (simulator + fake engine)", function () {
  this.timeout(30_000);
  let sim: Simulator;
  let engine: FakeEngine;
  let host: HostProvider | undefined;
  let rpc: Awaited<ReturnType<typeof serve>> | undefined;
  let lines: string[];

  before(async () => {
    sim = await startSimulator();
  });
  after(async () => {
    await sim.close();
  });
  beforeEach(async () => {
    clearTokenCache();
    engine = await startFakeEngine();
    lines = [];
  });
  afterEach(async () => {
    host?.dispose();
    host = undefined;
    await rpc?.close();
    rpc = undefined;
    await engine.close();
  });

  let thrown: unknown[] = [];
  const start = async (withEngine: boolean) => {
    thrown = [];
    host = createHostProvider({
      grpcServerPrototype: serverPrototype,
      ...(withEngine ? { engineLog: connectEngineLog(engine.address, engineRpcModules) } : {}),
      write: (l) => lines.push(l),
      providerDeps: {
        env: {
          HW_ACCESS_KEY: sim.credentials.accessKey,
          HW_SECRET_KEY: sim.credentials.secretKey,
          HW_PROJECT_ID: sim.credentials.projectId,
        },
        http: { retry: { baseDelayMs: 20, maxDelayMs: 200 } },
      },
    });
    const h = host;
    rpc = await serve(
      hostLikeService(
        () => h.provider,
        (e) => thrown.push(e),
      ),
    );
    return rpc.client;
  };
  const props = (jobId: string) => ({
    service: "rds",
    jobId,
    endpoint: sim.endpoint("rds"),
    maxPollInterval: "0.2s",
    minPollInterval: "0.05s",
    __provider: "serialized-provider-text",
  });

  it("the engine's Cancel aborts the provider's signal and the wait in progress ends, resumable", async () => {
    const client = await start(false);
    const { id } = sim.createJob({ service: "rds", durationMs: 600_000 });
    const created = createCall(client, URN, props(id)).then(
      () => assert.fail("create should not succeed"),
      (e: grpc.ServiceError) => e,
    );
    await until(() => sim.requests({ jobId: id }).length > 0, "the first poll");
    assert.equal(host!.signal.aborted, false);
    await new Promise((res, rej) => client.cancel(new Empty(), (e, r) => (e ? rej(e) : res(r))));
    assert.equal(host!.signal.aborted, true);
    const err = await created;
    assert.match(err.details, new RegExp(`rds job ${id}.*: the wait was interrupted.*pulumi up.*again`));
    // A partial failure: the engine keeps the waiter (with what was seen) and the next up resumes it.
    const partial = thrown[0] as { id?: string; properties?: Record<string, unknown> };
    assert.equal(partial.id, `rds:${id}`);
    assert.equal(partial.properties?.status, "Running");
  });

  it("statuses reach the resource's row as ephemeral Log calls, the outcome as a kept one, before the response", async () => {
    const client = await start(true);
    const { id } = sim.createJob({ service: "rds", durationMs: 600_000 });
    const order: string[] = [];
    engine.onLog = (log: ReceivedLog) => {
      order.push(log.ephemeral ? "status" : "outcome");
      if (log.ephemeral && /Running/.test(log.message)) sim.finishJob(id);
    };
    const resp = await createCall(client, URN, props(id));
    order.push("response");
    assert.equal(resp.getId(), `rds:${id}`);
    const statuses = engine.received.filter((r) => r.ephemeral);
    const kept = engine.received.filter((r) => !r.ephemeral);
    assert.ok(statuses.length >= 1);
    for (const r of engine.received) {
      assert.equal(r.urn, URN);
      assert.equal(r.severity, "info");
      assert.match(r.message, new RegExp(`^rds job ${id} `));
    }
    assert.match(statuses[0]!.message, /: Running \d+% \(\d+s elapsed\)$/);
    assert.equal(kept.length, 1);
    assert.match(kept[0]!.message, /: Completed.* \(waited \d+s, \d+ polls?\)$/);
    assert.deepEqual(order.slice(-2), ["outcome", "response"]);
    assert.deepEqual(lines, [], "nothing on stdout");
  });

  it("refresh of an expired job: the kept line goes to that waiter's row", async () => {
    const client = await start(true);
    const req = new provPb.ReadRequest();
    req.setId("rds:expired-job");
    req.setUrn(URN);
    req.setProperties(Struct.fromJavaScript({ ...props("expired-job"), status: "Completed" }));
    const resp = await new Promise<provPb.ReadResponse>((resolve, reject) =>
      client.read(req, (e, r) => (e ? reject(e) : resolve(r!))),
    );
    assert.equal(resp.getProperties()!.toJavaScript().status, "Completed", "last known outputs kept");
    assert.deepEqual(engine.received, [
      {
        severity: "info",
        urn: URN,
        ephemeral: false,
        message: "rds job expired-job can no longer be queried (expired); keeping the last known outputs.",
      },
    ]);
    assert.deepEqual(lines, []);
  });

  it("without the engine channel, lines go to stdout labelled with the resource name", async () => {
    const client = await start(false);
    const { id } = sim.createJob({ service: "rds", durationMs: 600_000 });
    const watcher = setInterval(() => {
      if (lines.length > 0) sim.finishJob(id);
    }, 20);
    await createCall(client, URN, props(id)).finally(() => clearInterval(watcher));
    assert.ok(lines.length >= 2, lines.join("\n"));
    for (const l of lines) assert.match(l, new RegExp(`^\\[job-waiter\\] orders-db: rds job ${id} `));
    assert.match(lines.at(-1)!, /Completed.*\(waited/);
  });

  it("an engine that refuses Log: the lines go to stdout after one notice, and the create succeeds", async () => {
    engine.refuse(grpc.status.UNIMPLEMENTED);
    const client = await start(true);
    const { id } = sim.createJob({ service: "rds", durationMs: 600_000 });
    const watcher = setInterval(() => {
      if (lines.some((l) => /Running/.test(l))) sim.finishJob(id);
    }, 20);
    const resp = await createCall(client, URN, props(id)).finally(() => clearInterval(watcher));
    assert.equal(resp.getId(), `rds:${id}`);
    assert.match(
      lines[0]!,
      /^\[job-waiter\] progress cannot be shown on the resources' rows \(.*UNIMPLEMENTED/,
    );
    assert.equal(lines.filter((l) => /cannot be shown/.test(l)).length, 1);
    assert.ok(lines.slice(1).every((l) => l.startsWith(`[job-waiter] orders-db: rds job ${id} `)));
    assert.match(lines.at(-1)!, /Completed/);
  });
});
