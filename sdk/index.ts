/**
 * pulumi-job-waiter: wait inside `pulumi up` for Huawei Cloud and Open Telekom Cloud database jobs (DDS,
 * GaussDB openGauss, RDS) and read what they produced.
 */
export { parseDuration } from "../provider/duration";
export {
  InvalidInputError,
  JobApiError,
  JobWaitError,
  JobWaiterError,
  type JobWaiterErrorKind,
  SettingsError,
} from "../provider/errors";
export { type GetJobOptions, getJob, getJobOutput, jobFailure } from "./get-job";
export { JobWaiter } from "./job-waiter";
export type {
  Cloud,
  GetJobArgs,
  GetJobOutputArgs,
  Job,
  JobEntities,
  JobInstance,
  JobStatus,
  JobWaiterArgs,
  Service,
} from "./types";
