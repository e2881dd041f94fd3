/**
 * pulumi-job-waiter: wait inside `pulumi up` for Huawei Cloud and Open Telekom Cloud database jobs (DDS,
 * GaussDB openGauss, RDS) and read what they produced.
 *
 * @packageDocumentation
 */
export { parseDuration } from "../provider/duration";
export {
  type ApiErrorDetails,
  type ApiErrorKind,
  type Failure,
  InvalidInputError,
  JobApiError,
  type JobErrorContext,
  JobWaitError,
  JobWaiterError,
  type JobWaiterErrorKind,
  SettingsError,
  type WaitFailureKind,
} from "../provider/errors";
export { type GetJobOutputOptions, getJob, getJobOutput, jobFailure } from "./get-job";
export { JobWaiter } from "./job-waiter";
export type {
  Cloud,
  Duration,
  EmptyEntities,
  GetJobArgs,
  GetJobOutputArgs,
  GetJobResult,
  InstanceEntities,
  Job,
  JobEntities,
  JobInstance,
  JobStatus,
  JobWaiterArgs,
  JobWaiterInputs,
  JobWaiterOutputs,
  JobWaiterState,
  OtherEntities,
  PublicIpEntities,
  Service,
  SwitchoverEntities,
  VolumeEntities,
} from "./types";
export { type WaitForJobIdArgs, type WaitForJobIdOptions, waitForJobId } from "./wait-for-job-id";
