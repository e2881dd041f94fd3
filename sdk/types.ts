/**
 * The package's public types, written by hand so that their declarations import nothing but
 * `@pulumi/pulumi`: no zod, no ky. A project made from Pulumi's default TypeScript template (no
 * `esModuleInterop`, no `skipLibCheck`) type-checks against them. The internal zod schemas
 * (`provider/inputs.ts`) are checked against these types by `tests/types.test.ts` at compile time.
 */
import type * as pulumi from "@pulumi/pulumi";

/** The database service whose task center holds the job. */
export type Service = "dds" | "gaussdb" | "rds";

/** Which cloud's API hosts to use: Huawei Cloud (`myhuaweicloud.com`) or Open Telekom Cloud (`otc.t-systems.com`). */
export type Cloud = "huaweicloud" | "otc";

/** Seconds (a number) or a duration string such as `"45m"`, `"1h30m"`, `"90s"`, `"7d"`. */
export type Duration = number | string;

/** A job's state: `Running` until it has ended as `Completed` or `Failed`. */
export type JobStatus = "Running" | "Completed" | "Failed";

/** The instance a job ran on. */
export interface JobInstance {
  /** The instance ID. */
  id: string;
  /** The instance name, when the service reports it. */
  name?: string;
}

/** RDS `entities` of an instance creation, single-to-HA conversion or read replica. */
export interface InstanceEntities {
  /** Tells the variants of {@link JobEntities} apart. */
  kind: "instance";
  /** The instance the job produced or changed. */
  instance: {
    /** Connection address (`host:port`) when the service reports it. */
    endpoint?: string;
    /** `Single`, `Ha` or `Replica` (the wire's `replica` is normalised); anything else as sent. */
    type?: string;
    /** Database engine and version. */
    datastore?: {
      /** The engine, e.g. `MySQL`, `PostgreSQL`, `SQLServer`. */
      type?: string;
      /** The engine version, e.g. `8.0`. */
      version?: string;
    };
    /** For a read replica: the ID of its primary instance. */
    replicaOf?: string;
  };
  /** IDs of the cloud resources the job created. */
  resourceIds: string[];
}

/** RDS `entities` of a volume resize. */
export interface VolumeEntities {
  /** Tells the variants of {@link JobEntities} apart. */
  kind: "volume";
  /** The volume before and after the resize. */
  volume: {
    /** The volume type, e.g. `CLOUDSSD`. */
    type?: string;
    /** Size before the resize, in GB. */
    originalSizeGb?: number;
    /** Size after the resize, in GB. */
    targetSizeGb?: number;
  };
  /** IDs of the cloud resources the job changed. */
  resourceIds: string[];
}

/** RDS `entities` of binding or unbinding a public IP. */
export interface PublicIpEntities {
  /** Tells the variants of {@link JobEntities} apart. */
  kind: "publicIp";
  /** The public IP address. */
  publicIp: string;
}

/** RDS `entities` of a primary/standby switchover. */
export interface SwitchoverEntities {
  /** Tells the variants of {@link JobEntities} apart. */
  kind: "switchover";
  /** The switchover strategy as the service reports it. */
  switchStrategy: string;
}

/** RDS `entities` that were sent empty (`{}`). */
export interface EmptyEntities {
  /** Tells the variants of {@link JobEntities} apart. */
  kind: "empty";
}

/** RDS `entities` of a shape this version does not know, kept as the wire sent it. */
export interface OtherEntities {
  /** Tells the variants of {@link JobEntities} apart. */
  kind: "other";
  /** The wire object, unchanged (snake_case keys). */
  raw: Record<string, unknown>;
}

/** What an RDS job produced, in camelCase, told apart by `kind`. */
export type JobEntities =
  | InstanceEntities
  | VolumeEntities
  | PublicIpEntities
  | SwitchoverEntities
  | EmptyEntities
  | OtherEntities;

/** A job as the task center reports it, normalised across services (RDS `process`, `+0800` times, blanks). */
export interface Job {
  /** The job ID. */
  id: string;
  /** The job's name, e.g. `CreateMysqlSingleHAInstance` (trimmed). */
  name: string;
  /** `Running`, `Completed` or `Failed`; an unknown status is reported as `Running`. */
  status: JobStatus;
  /** When the job was created: ISO 8601 UTC, ending in `Z`. */
  created: string;
  /** When the job ended: ISO 8601 UTC, ending in `Z`; only once it has ended and if the service says. */
  ended?: string;
  /** 0..100, only while the job is running and the service reports it. */
  progress?: number;
  /** The instance the job ran on. */
  instance?: JobInstance;
  /** RDS only: what the job produced. */
  entities?: JobEntities;
  /** Why the job failed, as the service reports it. */
  failReason?: string;
}

/** What `getJob` returns and `getJobOutput` resolves to: the job as read. */
export type GetJobResult = Job;

/**
 * Where a job is and how to wait for it, as plain values: what a `JobWaiter` records as its inputs. The one
 * definition of the inputs: {@link JobWaiterArgs} and {@link GetJobArgs} are derived from it.
 */
export interface JobWaiterInputs {
  /** `"dds"`, `"gaussdb"` or `"rds"`. */
  service: Service;
  /** The `job_id` the service's create/modify API returned. */
  jobId: string;
  /** Project ID; default: config `jobwaiter:projectId`, then `HW_PROJECT_ID` / `OS_PROJECT_ID`. */
  projectId?: string;
  /** Region, e.g. `eu-de`; default: config `jobwaiter:region`, then `HW_REGION_NAME` / `OS_REGION_NAME`. */
  region?: string;
  /**
   * `"huaweicloud"` or `"otc"` (Open Telekom Cloud); default: config / `HW_CLOUD`, else `otc` for the OTC
   * regions (`eu-de`, `eu-nl`, `eu-ch2`) and `huaweicloud` for every other region.
   */
  cloud?: Cloud;
  /** Base URL overriding the computed host; `http://` only for loopback hosts (simulators). */
  endpoint?: string;
  /** How long to wait, at most 7 days. Default per service: rds 30m, dds 60m, gaussdb 120m. */
  timeout?: Duration;
  /** Fail the deployment when the job fails (default `true`); `false` records `status: "Failed"` instead. */
  failOnJobFailure?: boolean;
  /** How long a job that is not visible yet (`DBS.200543`) is waited for, at most 1 h. Default 60 s. */
  notFoundGrace?: Duration;
  /** Floor between two polls, at most 10 min. Default 3 s. */
  minPollInterval?: Duration;
  /** Cap between two polls, at most 1 h. Default 60 s. */
  maxPollInterval?: Duration;
}

/**
 * The arguments of a `JobWaiter`: every {@link JobWaiterInputs} field, each of which may be an Output of
 * another resource (for example the `jobId` a create call returned).
 */
export type JobWaiterArgs = { [K in keyof JobWaiterInputs]: pulumi.Input<JobWaiterInputs[K]> };

/**
 * What a `JobWaiter` reports about its job, besides its inputs. Each is absent when the service does not
 * report it.
 */
export interface JobWaiterOutputs {
  /** `Completed`, or `Failed` with `failOnJobFailure: false`; `Running` after a timeout. */
  status: JobStatus;
  /** The job's name, e.g. `CreateMysqlSingleHAInstance`. */
  jobName?: string;
  /** 0..100 while running; absent once ended. */
  progress?: number;
  /** When the job was created: ISO 8601 UTC. */
  created?: string;
  /** When the job ended: ISO 8601 UTC (RDS usually does not say). */
  ended?: string;
  /** `ended - created`, in seconds, when both are known. */
  durationSeconds?: number;
  /** The ID of the instance the job ran on. */
  instanceId?: string;
  /** The name of the instance the job ran on. */
  instanceName?: string;
  /** Why the job failed (with `failOnJobFailure: false`). */
  failReason?: string;
  /** RDS only: what the job produced (endpoint, volume, public IP, switchover), by `kind`. */
  entities?: JobEntities;
}

/** A `JobWaiter`'s whole state: its inputs and what it reports about the job. */
export type JobWaiterState = JobWaiterInputs & JobWaiterOutputs;

/** Arguments of `getJob`: where the job is, how to wait, and whether to wait at all. */
export interface GetJobArgs extends Omit<JobWaiterInputs, "failOnJobFailure"> {
  /** Wait until the job is `Completed` or `Failed`, within `timeout`. Default `false` (one look). */
  wait?: boolean;
}

/** Arguments of `getJobOutput`: those of {@link GetJobArgs}, each of which may be an Output. */
export type GetJobOutputArgs = { [K in keyof GetJobArgs]: pulumi.Input<GetJobArgs[K]> };
