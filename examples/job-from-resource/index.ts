import * as pulumi from "@pulumi/pulumi";
import { JobWaiter } from "pulumi-job-waiter";

const config = new pulumi.Config();
const simulatorUrl = config.require("simulatorUrl");

// 1. The resource that asks the cloud for a database and gets a job_id back. Here a small dynamic resource
//    calls the local simulator's create endpoint (it answers like the RDS "create DB instance" API: a job
//    that runs for a while). Against a real cloud this is whatever creates your instance and exposes the
//    job_id: a `@pulumi/command` `local.Command` running the cloud's CLI, or your own dynamic resource.
interface DatabaseInputs {
  simulatorUrl: string;
  name: string;
  durationMs: number;
}
const databaseProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: DatabaseInputs) {
    const res = await fetch(`${inputs.simulatorUrl}/_admin/jobs`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        service: "rds",
        durationMs: inputs.durationMs,
        instance: { id: `${inputs.name}-in01`, name: inputs.name },
        entities: {
          instance: {
            endpoint: "192.168.7.10:5432",
            type: "Ha",
            datastore: { type: "postgresql", version: "16" },
          },
        },
      }),
    });
    if (!res.ok)
      throw new Error(`creating database ${inputs.name} failed: HTTP ${res.status} ${await res.text()}`);
    const { id } = (await res.json()) as { id: string };
    return { id: `${inputs.name}-in01`, outs: { ...inputs, jobId: id } };
  },
};
class Database extends pulumi.dynamic.Resource {
  declare readonly jobId: pulumi.Output<string>;
  constructor(name: string, args: { [K in keyof DatabaseInputs]: pulumi.Input<DatabaseInputs[K]> }) {
    super(databaseProvider, name, { ...args, jobId: undefined });
  }
}

const db = new Database("orders-db", { simulatorUrl, name: "orders", durationMs: 15_000 });

// 2. The waiter, in its real position: its jobId is the other resource's output, unknown until that resource
//    has been created (a preview shows it as computed and makes no request).
const ready = new JobWaiter("orders-db-ready", {
  service: "rds",
  jobId: db.jobId,
  endpoint: `${simulatorUrl}/rds`, // against a real cloud: leave out; jobwaiter:region / jobwaiter:cloud decide
  timeout: "10m",
});

// 3. What must not start before the database exists (users, grants, app config): it consumes the waiter's
//    outputs, so the engine creates it only after the job has completed.
const appConfigProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: "app-config", outs: { ...inputs, configuredAt: new Date().toISOString() } };
  },
};
class AppConfig extends pulumi.dynamic.Resource {
  declare readonly databaseUrl: pulumi.Output<string | undefined>;
  declare readonly configuredAt: pulumi.Output<string>;
  constructor(name: string, args: Record<string, pulumi.Input<unknown>>) {
    super(appConfigProvider, name, { ...args, configuredAt: undefined });
  }
}
const app = new AppConfig("app-config", {
  databaseUrl: ready.entities.apply((e) =>
    e?.kind === "instance" ? `postgres://app@${e.instance.endpoint}/orders` : undefined,
  ),
});

export const jobId = db.jobId;
export const status = ready.status;
export const databaseUrl = app.databaseUrl;
export const configuredAt = app.configuredAt;
