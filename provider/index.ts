/**
 * What the dynamic provider host loads (`require("pulumi-job-waiter/provider")`), and the building blocks
 * for anyone who wants the client or the waiter without Pulumi.
 */
import type * as pulumi from "@pulumi/pulumi";
import { createJobWaiterProvider } from "./dynamic";

export type { Credentials, SettingKey, SettingsSource } from "./auth/credentials";
export { configSource, envSources, resolveCredentials, staticSource } from "./auth/credentials";
export { JobClient } from "./client";
export { FakeClock, realClock } from "./clock";
export { parseDuration } from "./duration";
export {
  InvalidInputError,
  JobApiError,
  JobWaitError,
  JobWaiterError,
  PartialFailureError,
  SettingsError,
} from "./errors";
export type { Job, JobEntities, JobInstance, JobStatus } from "./job";
export { fixedIntervalPolicy, progressAwarePolicy } from "./policy";
export { SERVICE_TABLE, type Service } from "./services";
export { waitForJob } from "./waiter";
export { createJobWaiterProvider };

let hostProvider: pulumi.dynamic.ResourceProvider | undefined;

const CANCEL_PATH = "/pulumirpc.ResourceProvider/Cancel";

/**
 * The dynamic provider host answers the engine's Cancel (sent on Ctrl-C) with a no-op and runs in its own
 * process group, so a wait would only notice the interruption at its timeout. Watch the host's gRPC server
 * for that call instead. Best effort: if @grpc/grpc-js changes shape, waits still end at their timeout.
 */
function onEngineCancel(listener: () => void): boolean {
  try {
    const host = require.main;
    if (!host?.filename.includes("dynamic-provider")) return false;
    const grpc = host.require("@grpc/grpc-js") as { Server?: { prototype: Record<string, unknown> } };
    const proto = grpc.Server?.prototype;
    const original = proto?._retrieveHandler;
    if (!proto || typeof original !== "function") return false;
    proto._retrieveHandler = function (this: unknown, path: string) {
      if (path === CANCEL_PATH) listener();
      return original.call(this, path);
    };
    return true;
  } catch {
    return false;
  }
}

/**
 * The provider for the dynamic provider host: one per process. SIGINT/SIGTERM (Ctrl-C in `pulumi up`)
 * abort the waits in progress, which end as partial failures so the next `pulumi up` resumes them.
 */
export function hostJobWaiterProvider(): pulumi.dynamic.ResourceProvider {
  if (hostProvider) return hostProvider;
  const controller = new AbortController();
  let active = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    if (active === 0) process.exit(sig === "SIGINT" ? 130 : 143);
    controller.abort(new Error(`interrupted by ${sig}`));
    // Give the aborted waits a moment to report their partial failures, then go.
    setTimeout(() => process.exit(sig === "SIGINT" ? 130 : 143), 3000).unref();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  onEngineCancel(() => controller.abort(new Error("cancelled by the engine (Ctrl-C)")));
  const inner = createJobWaiterProvider({ signal: controller.signal });
  const counted =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      active++;
      try {
        return await fn(...args);
      } finally {
        active--;
      }
    };
  hostProvider = {
    ...inner,
    create: counted(inner.create.bind(inner)),
    ...(inner.update ? { update: counted(inner.update.bind(inner)) } : {}),
  };
  return hostProvider;
}
