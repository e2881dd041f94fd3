/**
 * `npm run bench:engine`: the cost of JobWaiter inside a real `pulumi up`, as a ratio in one run: 50
 * waiters on already-completed jobs against 50 trivial dynamic resources. Also the time from `create`
 * being called (in a fresh process, module loading included) to the first job request.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { type Simulator, startSimulator } from "../simulator";
import { makeProgram, newStack, repoRoot } from "../tests/support/engine-harness";

const run = promisify(execFile);
const COUNT = 50;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const WAITERS = `
import * as pulumi from "@pulumi/pulumi";
import { JobWaiter } from "pulumi-job-waiter";
const c = new pulumi.Config();
const ids = c.requireObject<string[]>("jobIds");
export const statuses = ids.map((jobId, i) => new JobWaiter("w" + i, { service: "rds", jobId, endpoint: c.require("endpoint") }).status);
`;
const TRIVIAL = `
import * as pulumi from "@pulumi/pulumi";
const provider: pulumi.dynamic.ResourceProvider = { async create(inputs) { return { id: "x" + inputs.i, outs: inputs }; } };
class Trivial extends pulumi.dynamic.Resource {
  constructor(name: string, i: number) { super(provider, name, { i }); }
}
export const ids = Array.from({ length: ${COUNT} }, (_, i) => new Trivial("t" + i, i).id);
`;

async function timeUp(
  program: string,
  config: Record<string, string>,
  env: Record<string, string>,
): Promise<number> {
  const s = await newStack(makeProgram({ "index.ts": program }), { config, env });
  try {
    const t0 = process.hrtime.bigint();
    const r = await s.run(["up", "--yes", "--skip-preview"]);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.code !== 0) throw new Error(r.output);
    return ms;
  } finally {
    s.cleanup();
  }
}

async function firstRequestMs(sim: Simulator): Promise<number> {
  const { id } = sim.createJob({ service: "rds", durationMs: 0 });
  const script = `
    const t0 = Date.now();
    const p = require("pulumi-job-waiter/provider").hostJobWaiterProvider();
    p.create({ service: "rds", jobId: process.env.JOB, endpoint: process.env.EP }).then(() => { console.log(t0); process.exit(0); });
  `;
  const { stdout } = await run(process.execPath, ["-e", script], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH,
      JOB: id,
      EP: sim.endpoint("rds"),
      HW_ACCESS_KEY: sim.credentials.accessKey,
      HW_SECRET_KEY: sim.credentials.secretKey,
      HW_PROJECT_ID: sim.credentials.projectId,
    },
  });
  const t0 = Number(stdout.trim().split("\n").pop());
  return sim.requests({ jobId: id })[0]!.time - t0;
}

async function main() {
  const sim = await startSimulator();
  const env = {
    HW_ACCESS_KEY: sim.credentials.accessKey,
    HW_SECRET_KEY: sim.credentials.secretKey,
    HW_PROJECT_ID: sim.credentials.projectId,
    ...(process.env.PULUMI_JOB_WAITER_RATE_LIMIT
      ? { PULUMI_JOB_WAITER_RATE_LIMIT: process.env.PULUMI_JOB_WAITER_RATE_LIMIT }
      : {}),
  };
  const ids = Array.from({ length: COUNT }, () => sim.createJob({ service: "rds", durationMs: 0 }).id);
  const waiters: number[] = [];
  const trivial: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    trivial.push(await timeUp(TRIVIAL, {}, env));
    waiters.push(await timeUp(WAITERS, { jobIds: JSON.stringify(ids), endpoint: sim.endpoint("rds") }, env));
  }
  const first: number[] = [];
  for (let i = 0; i < 5; i++) first.push(await firstRequestMs(sim));
  await sim.close();
  const secs = (xs: number[]) => xs.map((x) => (x / 1000).toFixed(2)).join(", ");
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const rows: Array<[string, string]> = [
    [
      `${COUNT} trivial dynamic resources`,
      `${(median(trivial) / 1000).toFixed(2)} s (runs: ${secs(trivial)})`,
    ],
    [
      `${COUNT} JobWaiters on completed jobs`,
      `${(median(waiters) / 1000).toFixed(2)} s (runs: ${secs(waiters)})`,
    ],
    ["ratio (waiters / trivial)", `${(median(waiters) / median(trivial)).toFixed(2)}x`],
    [
      "create() called -> first job request",
      `${median(first).toFixed(0)} ms (fresh process, module load included; runs: ${first.join(", ")})`,
    ],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  console.log(`Engine overhead: pulumi up of ${COUNT} resources, ${ROUNDS} rounds each, medians\n`);
  console.log(`| ${"measure".padEnd(w)} | value |\n|${"-".repeat(w + 2)}|-------|`);
  for (const [k, v] of rows) console.log(`| ${k.padEnd(w)} | ${v} |`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
