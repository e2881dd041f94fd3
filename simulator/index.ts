export type { AdminJobView } from "./admin";
export { SimulatorAdmin } from "./admin-client";
export type { SimulatorCredentials } from "./auth";
export type { JobSpec, TimelineStep } from "./jobs";
export type { RecordedRequest } from "./log";
export { type Simulator, type SimulatorOptions, startSimulator } from "./server";
export type { FaultSpec, GatewayLimit } from "./traffic";
