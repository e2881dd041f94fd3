/** The normalised job every service's wire format is turned into: the shape users see. */

export type JobStatus = "Running" | "Completed" | "Failed";

export interface JobInstance {
  id: string;
  name?: string;
}

/** The RDS `entities` variants, camelCase, told apart by `kind`. */
export type JobEntities =
  | {
      kind: "instance";
      instance: {
        endpoint?: string;
        /** `Single`, `Ha` or `Replica` (the wire's `replica` is normalised); anything else as sent. */
        type?: string;
        datastore?: { type?: string; version?: string };
        replicaOf?: string;
      };
      resourceIds: string[];
    }
  | {
      kind: "volume";
      volume: { type?: string; originalSizeGb?: number; targetSizeGb?: number };
      resourceIds: string[];
    }
  | { kind: "publicIp"; publicIp: string }
  | { kind: "switchover"; switchStrategy: string }
  | { kind: "empty" }
  /** A shape this version does not know; the wire object is kept as it came. */
  | { kind: "other"; raw: Record<string, unknown> };

export interface Job {
  id: string;
  name: string;
  status: JobStatus;
  /** ISO 8601 UTC, ending in `Z`. */
  created: string;
  /** ISO 8601 UTC, ending in `Z`; only once the job has ended. */
  ended?: string;
  /** 0..100, only while the job is running and the service reports it. */
  progress?: number;
  instance?: JobInstance;
  entities?: JobEntities;
  failReason?: string;
}

/** A job as parsed, with the status as the wire said it (an unknown status is normalised to `Running`). */
export interface ObservedJob {
  job: Job;
  wireStatus: string;
}

export function isTerminal(status: JobStatus): boolean {
  return status === "Completed" || status === "Failed";
}
