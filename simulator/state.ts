/** Everything one simulator instance holds, shared by its jobs API, IAM, admin API and router. */
import type { SimulatorCredentials, TokenStore } from "./auth";
import type { RequestLog } from "./log";
import type { JobStore } from "./store";
import type { FaultQueue, Gateway } from "./traffic";

export interface SimState {
  /** The clock for job progress, visibility, signatures' dates, token expiry and the rate limit. */
  now: () => number;
  /** How an injected latency is waited out. */
  sleep: (ms: number) => Promise<void>;
  credentials: SimulatorCredentials;
  tokens: TokenStore;
  store: JobStore;
  faults: FaultQueue;
  gateway: Gateway;
  log: RequestLog;
}
