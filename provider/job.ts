/** The normalised job every service's wire format is turned into: the shape users see. */

import type { Job, JobStatus } from "../sdk/types";

// The shapes users see are defined once, in the SDK's public types.
export type { Job, JobEntities, JobInstance, JobStatus } from "../sdk/types";

/** A job as parsed, with the status as the wire said it (an unknown status is normalised to `Running`). */
export interface ObservedJob {
  job: Job;
  wireStatus: string;
}

export function isTerminal(status: JobStatus): boolean {
  return status === "Completed" || status === "Failed";
}
