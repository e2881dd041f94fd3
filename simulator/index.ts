export type { AdminApi, AdminJobView, AsyncAdminApi } from "./admin-api";
export { SimulatorAdmin } from "./admin-client";
export type { SimulatorCredentials } from "./auth";
export type { JobSpec, TimelineStep } from "./jobs";
export type { RecordedRequest } from "./log";
export { type Simulator, type SimulatorOptions, startSimulator } from "./server";
export { SIM_SERVICES, type SimService } from "./services";
export type { FaultSpec, GatewayLimit } from "./traffic";
