/**
 * The admin API: one definition of what a test, the demo or a benchmark can do to the simulator. The
 * in-process simulator implements it synchronously (`AdminApi`), the HTTP client asynchronously
 * (`AsyncAdminApi`); the HTTP routes under `/_admin/` drive an `AdminApi`.
 */
import type { SimulatorCredentials } from "./auth";
import type { JobSpec } from "./jobs";
import type { RecordedRequest } from "./log";
import type { FaultSpec, GatewayLimit } from "./traffic";

/** A job as the admin API shows it: the wire body its service sends now, plus the simulator's view. */
export interface AdminJobView {
  service: string;
  projectId: string;
  forgotten: boolean;
  /** Whether the jobs API would answer 200 for it right now. */
  visible: boolean;
  job: Record<string, unknown>;
}

export interface AdminApi {
  credentials(): SimulatorCredentials;
  /** Validates the spec (throws on a bad one) and creates the job now. */
  createJob(spec: JobSpec): { id: string };
  /** Many jobs at once, ids in the same order; nothing is created if one spec is bad. */
  createJobs(specs: JobSpec[]): Array<{ id: string }>;
  /** undefined for an unknown id. */
  describeJob(id: string): AdminJobView | undefined;
  /**
   * Ends a running job now (default with its spec's outcome), so tests need not depend on real durations.
   * A job that has already ended keeps its result. Throws for an unknown id.
   */
  finishJob(id: string, outcome?: "Completed" | "Failed", failReason?: string): void;
  /** From now on the job answers DBS.200543, as an expired one does. Throws for an unknown id. */
  forgetJob(id: string): void;
  injectFault(f: FaultSpec): void;
  /** undefined removes the limit. */
  setGatewayLimit(l: GatewayLimit | undefined): void;
  revokeTokens(): void;
  requests(filter?: { jobId?: string }): RecordedRequest[];
  clearRequests(): void;
}

/** The same operations across a process boundary. */
export type AsyncAdminApi = {
  [K in keyof AdminApi]: (...args: Parameters<AdminApi[K]>) => Promise<ReturnType<AdminApi[K]>>;
};
