import type * as pulumi from "@pulumi/pulumi";
import type { WaiterInputs } from "../provider/inputs";

export type { Job, JobEntities, JobInstance, JobStatus } from "../provider/job";
export type { Cloud, Service } from "../provider/services";

/** Where the job is and how to wait for it. Every field may be an Output of another resource. */
export type JobWaiterArgs = { [K in keyof WaiterInputs]: pulumi.Input<WaiterInputs[K]> };

/** Arguments of `getJob`: where the job is, and whether to wait until it has ended. */
export type GetJobArgs = Omit<WaiterInputs, "failOnJobFailure"> & {
  /** Wait until the job is `Completed` or `Failed`, within `timeout`. Default `false` (one look). */
  wait?: boolean;
};

export type GetJobOutputArgs = { [K in keyof GetJobArgs]: pulumi.Input<GetJobArgs[K]> };
