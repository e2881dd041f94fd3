import * as pulumi from "@pulumi/pulumi";
import { JobWaiter } from "pulumi-job-waiter";

const config = new pulumi.Config();
const endpoints = config.getObject<Record<string, string>>("endpoints") ?? {};

// Three waiters, created in parallel by the engine.
const waiters = (["dds", "gaussdb", "rds"] as const).map(
  (service) =>
    new JobWaiter(`${service}-ready`, {
      service,
      jobId: config.require(`${service}JobId`),
      endpoint: endpoints[service],
    }),
);

// Stands in for what must wait for the databases (users, grants, app config): a dynamic resource that
// records when it was created and what the waiters reported.
const appConfigProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: "app-config", outs: { ...inputs, createdAt: new Date().toISOString() } };
  },
};

class AppConfig extends pulumi.dynamic.Resource {
  declare readonly createdAt: pulumi.Output<string>;
  constructor(
    name: string,
    args: Record<string, pulumi.Input<unknown>>,
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(appConfigProvider, name, { ...args, createdAt: undefined }, opts);
  }
}

const app = new AppConfig(
  "app-config",
  {
    ddsInstance: waiters[0]!.instanceId,
    gaussdbInstance: waiters[1]!.instanceId,
    rdsEndpoint: waiters[2]!.entities.apply((e) =>
      e?.kind === "instance" ? e.instance.endpoint : undefined,
    ),
  },
  { dependsOn: waiters },
);

export const statuses = pulumi.all(waiters.map((w) => w.status));
// DDS and GaussDB report when a job ended; RDS jobs do not (their `ended` stays undefined), so no RDS time.
export const ddsEnded = waiters[0]!.ended;
export const gaussdbEnded = waiters[1]!.ended;
export const appConfiguredAt = app.createdAt;
