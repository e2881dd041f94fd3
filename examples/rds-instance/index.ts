import * as pulumi from "@pulumi/pulumi";
import { JobWaiter } from "pulumi-job-waiter";

const config = new pulumi.Config();

// The job_id returned by the RDS "create DB instance" API (e.g. from a script or another resource).
const ready = new JobWaiter("orders-db-ready", {
  service: "rds",
  jobId: config.require("jobId"),
  // Against a real cloud leave `endpoint` unset: region + cloud (config jobwaiter:region / jobwaiter:cloud)
  // decide the host. The examples' tests point it at the local simulator.
  endpoint: config.get("endpoint"),
  timeout: config.get("timeout") ?? "30m",
});

export const status = ready.status;
export const instanceId = ready.instanceId;
export const endpoint = ready.entities.apply((e) =>
  e?.kind === "instance" ? e.instance.endpoint : undefined,
);
export const engine = ready.entities.apply((e) =>
  e?.kind === "instance" && e.instance.datastore
    ? `${e.instance.datastore.type} ${e.instance.datastore.version}`
    : undefined,
);
