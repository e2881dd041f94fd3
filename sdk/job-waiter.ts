import * as pulumi from "@pulumi/pulumi";
import type { JobEntities, JobStatus } from "../provider/job";
import type { Cloud, Service } from "../provider/services";
import { createProviderStub } from "./provider-stub";
import type { JobWaiterArgs } from "./types";

/**
 * Waits, inside `pulumi up`, until a DDS, GaussDB or RDS job has ended, and exposes what it produced.
 * Creating it blocks until the job is `Completed`; a `Failed` job fails the deployment with its
 * `fail_reason` (unless `failOnJobFailure: false`); a timeout leaves the waiter in the state so that the
 * next `pulumi up` resumes the wait. Destroying it does nothing in the cloud.
 */
export class JobWaiter extends pulumi.dynamic.Resource {
  declare readonly service: pulumi.Output<Service>;
  declare readonly jobId: pulumi.Output<string>;
  declare readonly projectId: pulumi.Output<string | undefined>;
  declare readonly region: pulumi.Output<string | undefined>;
  declare readonly cloud: pulumi.Output<Cloud | undefined>;
  declare readonly endpoint: pulumi.Output<string | undefined>;
  declare readonly timeout: pulumi.Output<number | string | undefined>;
  declare readonly failOnJobFailure: pulumi.Output<boolean | undefined>;
  declare readonly notFoundGrace: pulumi.Output<number | string | undefined>;
  declare readonly minPollInterval: pulumi.Output<number | string | undefined>;
  declare readonly maxPollInterval: pulumi.Output<number | string | undefined>;
  /** `Completed`, or `Failed` with `failOnJobFailure: false`; `Running` after a timeout. */
  declare readonly status: pulumi.Output<JobStatus>;
  declare readonly jobName: pulumi.Output<string | undefined>;
  /** 0..100 while running; absent once ended. */
  declare readonly progress: pulumi.Output<number | undefined>;
  /** ISO 8601 UTC. */
  declare readonly created: pulumi.Output<string | undefined>;
  declare readonly ended: pulumi.Output<string | undefined>;
  /** `ended - created`, in seconds, when both are known. */
  declare readonly durationSeconds: pulumi.Output<number | undefined>;
  declare readonly instanceId: pulumi.Output<string | undefined>;
  declare readonly instanceName: pulumi.Output<string | undefined>;
  declare readonly failReason: pulumi.Output<string | undefined>;
  /** RDS only: what the job produced (endpoint, volume, public IP, switchover), by `kind`. */
  declare readonly entities: pulumi.Output<JobEntities | undefined>;

  constructor(name: string, args: JobWaiterArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      PROVIDER,
      name,
      {
        ...args,
        status: undefined,
        jobName: undefined,
        progress: undefined,
        created: undefined,
        ended: undefined,
        durationSeconds: undefined,
        instanceId: undefined,
        instanceName: undefined,
        failReason: undefined,
        entities: undefined,
      },
      opts,
      "job-waiter",
      "JobWaiter",
    );
  }
}

const PROVIDER = createProviderStub();
