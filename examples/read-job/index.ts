import * as pulumi from "@pulumi/pulumi";
import { getJobOutput, type Service } from "pulumi-job-waiter";

const config = new pulumi.Config();

// A data function: no resource in the state, just the job as it is (or, with wait, once it has ended).
const job = getJobOutput({
  service: (config.get("service") ?? "rds") as Service,
  jobId: config.require("jobId"),
  endpoint: config.get("endpoint"),
  wait: config.getBoolean("wait") ?? true,
  timeout: "30m",
});

export const status = job.status;
export const name = job.name;
export const instance = job.instance;
export const failReason = job.failReason;
export const created = job.created;
export const ended = job.ended;
