/**
 * The demo program (`npm run demo` runs it against the local simulator; the README shows how to run it
 * against a real cloud). Three jobs, three waiters, one summary.
 */
import * as pulumi from "@pulumi/pulumi";
import { JobWaiter } from "pulumi-job-waiter";

const config = new pulumi.Config();
// Per-service base URLs; leave unset against a real cloud (jobwaiter:region and jobwaiter:cloud decide).
const endpoints = config.getObject<Partial<Record<"rds" | "dds" | "gaussdb", string>>>("endpoints") ?? {};

const rds = new JobWaiter("rds-instance", {
  service: "rds",
  jobId: config.require("rdsJobId"),
  endpoint: endpoints.rds,
});
const dds = new JobWaiter("dds-replica-set", {
  service: "dds",
  jobId: config.require("ddsJobId"),
  endpoint: endpoints.dds,
});
const gaussdb = new JobWaiter("gaussdb-instance", {
  service: "gaussdb",
  jobId: config.require("gaussdbJobId"),
  endpoint: endpoints.gaussdb,
});

export const rdsEndpoint = rds.entities.apply((e) =>
  e?.kind === "instance" ? e.instance.endpoint : undefined,
);
export const statuses = { rds: rds.status, dds: dds.status, gaussdb: gaussdb.status };
export const durationsSeconds = {
  rds: rds.durationSeconds,
  dds: dds.durationSeconds,
  gaussdb: gaussdb.durationSeconds,
};
export const instances = { rds: rds.instanceName, dds: dds.instanceName, gaussdb: gaussdb.instanceName };
