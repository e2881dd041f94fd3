/**
 * What the dynamic provider host loads (`require("pulumi-job-waiter/provider")`), and the building blocks
 * for anyone who wants the client or the waiter without Pulumi.
 */
import type * as pulumi from "@pulumi/pulumi";
import { createJobWaiterProvider } from "./dynamic";
import { createHostProvider, detectHost } from "./host";

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

/** The provider for the dynamic provider host: one per process. */
export function hostJobWaiterProvider(): pulumi.dynamic.ResourceProvider {
  hostProvider ??= createHostProvider(detectHost()).provider;
  return hostProvider;
}
