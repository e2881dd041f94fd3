/**
 * A stand-in for the Pulumi engine's gRPC `Engine` service on 127.0.0.1 (OS-chosen port): records every
 * `Log` call, can hold calls until released (a slow engine) or refuse them (a broken one).
 */
import * as grpc from "@grpc/grpc-js";
import * as engineGrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as enginePb from "@pulumi/pulumi/proto/engine_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import type { EngineRpcModules } from "../../provider/engine-log";

export interface ReceivedLog {
  severity: "debug" | "info" | "warning" | "error";
  message: string;
  urn: string;
  ephemeral: boolean;
}

export interface FakeEngine {
  address: string;
  received: ReceivedLog[];
  /** Every call to Log waits until the returned function is called. */
  hold(): () => void;
  /** Answer every Log call from now on with this gRPC status. */
  refuse(code: grpc.status): void;
  /** Called after each Log call was recorded (tests wait on it). */
  onLog?: (log: ReceivedLog) => void;
  close(): Promise<void>;
}

const SEVERITY = ["debug", "info", "warning", "error"] as const;

/** The grpc-js and generated-stub modules as the dynamic provider host would hand them over. */
export const engineRpcModules = { grpc, engineGrpc, enginePb } as unknown as EngineRpcModules;

export async function startFakeEngine(): Promise<FakeEngine> {
  const server = new grpc.Server();
  let gate: Promise<void> | undefined;
  let refusal: grpc.status | undefined;
  const engine: FakeEngine = {
    address: "",
    received: [],
    hold() {
      let release!: () => void;
      gate = new Promise((r) => {
        release = r;
      });
      return () => {
        gate = undefined;
        release();
      };
    },
    refuse(code) {
      refusal = code;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
      }),
  };
  server.addService(engineGrpc.EngineService, {
    log: async (
      call: grpc.ServerUnaryCall<enginePb.LogRequest, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) => {
      if (gate) await gate;
      if (refusal !== undefined) {
        callback({ code: refusal, details: "the fake engine refuses Log" });
        return;
      }
      const r = call.request;
      const log: ReceivedLog = {
        severity: SEVERITY[r.getSeverity()] ?? "error",
        message: r.getMessage(),
        urn: r.getUrn(),
        ephemeral: r.getEphemeral(),
      };
      engine.received.push(log);
      engine.onLog?.(log);
      callback(null, new Empty());
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  engine.address = `127.0.0.1:${port}`;
  return engine;
}

/** An address where nothing listens (a port just freed). */
export async function deadAddress(): Promise<string> {
  const engine = await startFakeEngine();
  await engine.close();
  return engine.address;
}
