/**
 * The provider as the dynamic provider host runs it: what the host offers (its gRPC server, the engine
 * address) found and hooked, best effort, around the plain provider of ./dynamic.ts.
 */

import type * as pulumi from "@pulumi/pulumi";
import { defined } from "./defined";
import { createJobWaiterProvider, type ProviderDeps } from "./dynamic";
import {
  connectEngineLog,
  type EngineLog,
  type EngineRpcModules,
  engineProgressOutput,
  resourceNameFromUrn,
} from "./engine-log";
import { currentHostCall, installHostHooks } from "./host-hooks";
import { lineOutput, type ProgressOutput } from "./progress";

/** What the dynamic provider host offers; every part is optional, as each is best effort. */
export interface HostEnvironment {
  /** The host's grpc-js `Server.prototype`, to see Cancel and each call's resource URN. */
  grpcServerPrototype?: Record<string, unknown>;
  /** The engine's Log channel, for progress on the waiter's own row. */
  engineLog?: EngineLog;
  /** Let SIGINT/SIGTERM abort the waits (the real host only: it exits the process). */
  processSignals?: boolean;
  /** Where plain progress lines go (default stdout). */
  write?: (line: string) => void;
  /** How long a create/update waits for its last progress lines to reach the engine. */
  flushMs?: number;
  /** Passed to the provider (tests: env, http). */
  providerDeps?: Omit<ProviderDeps, "signal" | "output" | "write">;
}

export interface HostProvider {
  provider: pulumi.dynamic.ResourceProvider;
  /** Aborts every wait in progress, as Cancel and SIGINT do. */
  signal: AbortSignal;
  /** Removes the gRPC hooks and closes the engine channel. */
  dispose(): void;
}

/**
 * The dynamic provider host's own modules and engine address, when this code runs inside it:
 * `require.main` is @pulumi/pulumi's cmd/dynamic-provider, whose first argument is the engine address.
 */
export function detectHost(): HostEnvironment {
  const host = require.main;
  if (!host?.filename.includes("dynamic-provider")) return { processSignals: true };
  const env: HostEnvironment = { processSignals: true };
  try {
    const grpc = host.require("@grpc/grpc-js") as EngineRpcModules["grpc"] & {
      Server?: { prototype: Record<string, unknown> };
    };
    if (grpc.Server?.prototype) env.grpcServerPrototype = grpc.Server.prototype;
    const address = process.argv[2];
    if (address) {
      const modules: EngineRpcModules = {
        grpc,
        engineGrpc: host.require("../../proto/engine_grpc_pb"),
        enginePb: host.require("../../proto/engine_pb"),
      };
      if (typeof modules.engineGrpc?.EngineClient === "function" && modules.enginePb?.LogRequest) {
        env.engineLog = connectEngineLog(address, modules);
      }
    }
  } catch {
    // An unexpected host layout: progress falls back to stdout, Cancel to the timeout.
  }
  return env;
}

/**
 * The provider as the dynamic provider host runs it, from what the host offers. SIGINT/SIGTERM (Ctrl-C in
 * `pulumi up`) and the engine's Cancel abort the waits in progress, which end as partial failures so the
 * next `pulumi up` resumes them. Progress goes to the row of the resource a call is for, through the
 * engine's Log, or else as stdout lines labelled with the resource name.
 */
export function createHostProvider(host: HostEnvironment): HostProvider {
  const controller = new AbortController();
  let active = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    if (active === 0) process.exit(sig === "SIGINT" ? 130 : 143);
    controller.abort(new Error(`interrupted by ${sig}`));
    // Give the aborted waits a moment to report their partial failures, then go.
    setTimeout(() => process.exit(sig === "SIGINT" ? 130 : 143), 3000).unref();
  };
  if (host.processSignals) {
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  }
  const uninstall = host.grpcServerPrototype
    ? installHostHooks(host.grpcServerPrototype, {
        onCancel: () => controller.abort(new Error("cancelled by the engine (Ctrl-C)")),
      })
    : undefined;
  const engineLog = uninstall ? host.engineLog : undefined;
  let noticed = false;
  const onUndelivered = (reason: string | undefined) => {
    if (noticed) return;
    noticed = true;
    lineOutput(host.write).status(
      `progress cannot be shown on the resources' rows (${reason ?? "engine channel closed"}); printing it here instead`,
    );
  };
  const output = (): ProgressOutput | undefined => {
    const urn = currentHostCall()?.urn;
    if (!urn) return host.write ? lineOutput(host.write) : undefined;
    const fallback = lineOutput(host.write, resourceNameFromUrn(urn));
    return engineLog ? engineProgressOutput(engineLog, urn, fallback, onUndelivered) : fallback;
  };
  const inner = createJobWaiterProvider({
    ...host.providerDeps,
    signal: controller.signal,
    output,
    ...defined({ write: host.write }),
  });
  const counted =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      active++;
      try {
        return await fn(...args);
      } finally {
        active--;
        // The outcome line should reach the row before the engine moves on (or exits).
        await engineLog?.idle(host.flushMs ?? 2_000);
      }
    };
  const provider: pulumi.dynamic.ResourceProvider = {
    ...inner,
    create: counted(inner.create.bind(inner)),
    ...(inner.update ? { update: counted(inner.update.bind(inner)) } : {}),
    ...(inner.read ? { read: counted(inner.read.bind(inner)) } : {}),
  };
  return {
    provider,
    signal: controller.signal,
    dispose() {
      uninstall?.();
      host.engineLog?.close();
      if (host.processSignals) {
        process.removeListener("SIGINT", onSignal);
        process.removeListener("SIGTERM", onSignal);
      }
    },
  };
}
