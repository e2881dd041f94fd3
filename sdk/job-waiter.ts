import * as pulumi from "@pulumi/pulumi";
import { warnAboutPlainTextCredentials } from "./config-guard";
import { INPUT_KEYS, OUTPUT_KEYS } from "./keys";
import { createProviderStub } from "./provider-stub";
import type { Cloud, Duration, JobEntities, JobStatus, JobWaiterArgs, Service } from "./types";

/**
 * Waits, inside `pulumi up`, until a DDS, GaussDB or RDS job has ended, and exposes what it produced.
 * Creating it blocks until the job is `Completed`; a `Failed` job fails the deployment with its
 * `fail_reason` (unless `failOnJobFailure: false`); a timeout leaves the waiter in the state so that the
 * next `pulumi up` resumes the wait. Destroying it does nothing in the cloud.
 */
export class JobWaiter extends pulumi.dynamic.Resource {
  /** `"dds"`, `"gaussdb"` or `"rds"`. */
  declare readonly service: pulumi.Output<Service>;
  /** The job waited for. */
  declare readonly jobId: pulumi.Output<string>;
  /** The project ID, if given as an input. */
  declare readonly projectId: pulumi.Output<string | undefined>;
  /** The region, if given as an input. */
  declare readonly region: pulumi.Output<string | undefined>;
  /** The cloud, if given as an input. */
  declare readonly cloud: pulumi.Output<Cloud | undefined>;
  /** The endpoint override, if given as an input. */
  declare readonly endpoint: pulumi.Output<string | undefined>;
  /** The timeout, as given. */
  declare readonly timeout: pulumi.Output<Duration | undefined>;
  /** Whether a failed job fails the deployment, as given. */
  declare readonly failOnJobFailure: pulumi.Output<boolean | undefined>;
  /** The grace window for a job not visible yet, as given. */
  declare readonly notFoundGrace: pulumi.Output<Duration | undefined>;
  /** The floor between two polls, as given. */
  declare readonly minPollInterval: pulumi.Output<Duration | undefined>;
  /** The cap between two polls, as given. */
  declare readonly maxPollInterval: pulumi.Output<Duration | undefined>;
  /** `Completed`, or `Failed` with `failOnJobFailure: false`; `Running` after a timeout. */
  declare readonly status: pulumi.Output<JobStatus>;
  /** The job's name, e.g. `CreateMysqlSingleHAInstance`. */
  declare readonly jobName: pulumi.Output<string | undefined>;
  /** 0..100 while running; absent once ended. */
  declare readonly progress: pulumi.Output<number | undefined>;
  /** When the job was created: ISO 8601 UTC. */
  declare readonly created: pulumi.Output<string | undefined>;
  /** When the job ended: ISO 8601 UTC (RDS usually does not say). */
  declare readonly ended: pulumi.Output<string | undefined>;
  /** `ended - created`, in seconds, when both are known. */
  declare readonly durationSeconds: pulumi.Output<number | undefined>;
  /** The ID of the instance the job ran on. */
  declare readonly instanceId: pulumi.Output<string | undefined>;
  /** The name of the instance the job ran on. */
  declare readonly instanceName: pulumi.Output<string | undefined>;
  /** Why the job failed (with `failOnJobFailure: false`). */
  declare readonly failReason: pulumi.Output<string | undefined>;
  /** RDS only: what the job produced (endpoint, volume, public IP, switchover), by `kind`. */
  declare readonly entities: pulumi.Output<JobEntities | undefined>;

  /**
   * Looks up an existing waiter by its ID and reads the job once through the provider's `read`, the way
   * `pulumi refresh` does (the engine records it as an external resource: `destroy` does nothing).
   * @param name - The name of the resource in this program.
   * @param id - A waiter's `id` output: `"<service>:<jobId>"`, e.g. `"rds:31b8ae23-..."`.
   * @param state - What the ID does not say, when config and environment do not either: `endpoint`,
   *   `region`, `cloud`, `projectId`.
   * @param opts - The usual resource options.
   */
  static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    state?: Partial<JobWaiterArgs>,
    opts?: pulumi.CustomResourceOptions,
  ): JobWaiter {
    if (typeof id === "string" && !/^(dds|gaussdb|rds):\S/.test(id)) {
      throw new TypeError(
        `JobWaiter.get("${name}"): id ${JSON.stringify(id)} is not a JobWaiter ID; pass a waiter's \`id\` output, ` +
          '"<service>:<jobId>" such as "rds:2f0c1a2b-...", with <service> one of "dds", "gaussdb", "rds".',
      );
    }
    // Every input named, so that each becomes an output of the read resource (the SDK only creates outputs
    // for the keys it is given); the read fills `service` and `jobId` in from the ID.
    const inputs = Object.fromEntries(INPUT_KEYS.map((k) => [k, undefined]));
    return new JobWaiter(name, { ...inputs, ...state } as JobWaiterArgs, { ...opts, id });
  }

  /**
   * @param name - The resource's unique name.
   * @param args - Where the job is and how to wait for it.
   * @param opts - The usual resource options (`dependsOn`, `parent`, ...). `customTimeouts` is not passed to
   *   dynamic providers: use the `timeout` input.
   */
  constructor(name: string, args: JobWaiterArgs, opts?: pulumi.CustomResourceOptions) {
    warnAboutPlainTextCredentials();
    // Outputs are declared as undefined inputs so that the engine registers them as this resource's outputs.
    const outputs = Object.fromEntries(OUTPUT_KEYS.map((k) => [k, undefined]));
    super(PROVIDER, name, { ...args, ...outputs }, opts, "job-waiter", "JobWaiter");
  }
}

const PROVIDER = createProviderStub();
