export { SimulatorAdmin } from "./admin-client";
export type { JobSpec, TimelineStep } from "./jobs";
export {
  type FaultSpec,
  type GatewayLimit,
  type RecordedRequest,
  type Simulator,
  type SimulatorCredentials,
  type SimulatorOptions,
  startSimulator,
} from "./server";
