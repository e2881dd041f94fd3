import type * as pulumi from "@pulumi/pulumi";
import type { Job } from "../provider/job";
import type { Cloud, Service } from "../provider/services";

export type { Job, JobEntities, JobInstance, JobStatus } from "../provider/job";
export type { Cloud, Service } from "../provider/services";

/** Where the job is and how to wait for it. Every field may be an Output of another resource. */
export interface JobWaiterArgs {
  /** `"dds"`, `"gaussdb"` or `"rds"`. */
  service: pulumi.Input<Service>;
  /** The `job_id` the service's create/modify API returned. */
  jobId: pulumi.Input<string>;
  /** Project ID; default: config `jobwaiter:projectId`, then `HW_PROJECT_ID` / `OS_PROJECT_ID`. */
  projectId?: pulumi.Input<string>;
  /** Region, e.g. `eu-de`; default: config `jobwaiter:region`, then `HW_REGION_NAME` / `OS_REGION_NAME`. */
  region?: pulumi.Input<string>;
  /** `"huaweicloud"` (default) or `"otc"` (Open Telekom Cloud). */
  cloud?: pulumi.Input<Cloud>;
  /** Base URL overriding the computed host; `http://` only for loopback hosts (simulators). */
  endpoint?: pulumi.Input<string>;
  /** Seconds or a duration string (`"45m"`, `"1h30m"`). Default per service: rds 30m, dds 60m, gaussdb 120m. */
  timeout?: pulumi.Input<number | string>;
  /** Fail the deployment when the job fails (default `true`); `false` records `status: "Failed"` instead. */
  failOnJobFailure?: pulumi.Input<boolean>;
  /** How long a job that is not visible yet (`DBS.200543`) is waited for. Default 60 s. */
  notFoundGrace?: pulumi.Input<number | string>;
  /** Floor between two polls. Default 3 s. */
  minPollInterval?: pulumi.Input<number | string>;
  /** Cap between two polls. Default 60 s. */
  maxPollInterval?: pulumi.Input<number | string>;
}

/** Arguments of `getJob`: where the job is, and whether to wait until it has ended. */
export interface GetJobArgs {
  service: Service;
  jobId: string;
  projectId?: string;
  region?: string;
  cloud?: Cloud;
  endpoint?: string;
  /** Wait until the job is `Completed` or `Failed`, within `timeout`. Default `false` (one look). */
  wait?: boolean;
  timeout?: number | string;
  notFoundGrace?: number | string;
  minPollInterval?: number | string;
  maxPollInterval?: number | string;
}

export type GetJobOutputArgs = { [K in keyof GetJobArgs]: pulumi.Input<GetJobArgs[K]> };

export type JobResult = Job;
