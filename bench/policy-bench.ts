/**
 * `npm run bench`: detection latency and API calls per job for our policy, models of the peers and the
 * fixed-interval front (3-120 s), per workload family, on held-out seeds (the policy's constants were tuned
 * on TRAIN_SEEDS only), through the real waiter loop on a virtual clock. No network, no real time.
 *
 * BENCH_SPLIT=train reports the training seeds instead; BENCH_JOBS sets jobs per seed; BENCH_FAMILIES
 * (comma-separated) picks families.
 */
import { progressAwarePolicy } from "../provider/policy";
import type { PollingPolicy } from "../provider/waiter";
import { evaluateGoal, type GoalVerdict, type Row, summarize } from "./goal";
import { awsSdkWaiter, terraformHuawei, terraformOtc } from "./peers";
import { fixedIntervalResult, type RunResult, simulate } from "./simulate";
import {
  FAMILIES,
  FAMILY_SPECS,
  type Family,
  HELDOUT_SEEDS,
  type Timeline,
  TRAIN_SEEDS,
  workload,
} from "./workloads";

export const OURS = "progress-aware v2 (ours)";
export const TF_HUAWEI = "terraform-huaweicloud (10s delay, 10s poll)";
/** The fixed-interval front: 3 s to 120 s in 0.5 s steps. */
export const FIXED_FRONT_S: readonly number[] = Array.from({ length: 235 }, (_, i) => 3 + i / 2);

/** Our policy as the provider builds it: the job's service is known, the name comes with the job. */
export type OursFactory = (t: Timeline) => PollingPolicy;
export const defaultOurs: OursFactory = (t) => progressAwarePolicy({ service: t.service });

export function jobsFor(family: Family, seeds: readonly number[], perSeed: number): Timeline[] {
  return seeds.flatMap((seed) => workload(family, perSeed, seed));
}

export async function runPolicy(
  timelines: readonly Timeline[],
  make: (t: Timeline, i: number) => PollingPolicy,
): Promise<RunResult[]> {
  const out: RunResult[] = [];
  for (let i = 0; i < timelines.length; i++) out.push(await simulate(timelines[i]!, make(timelines[i]!, i)));
  return out;
}

export interface FamilyReport {
  family: Family;
  jobs: number;
  ours: Row;
  terraform: Row;
  /** Peers and fixed 5 s / 30 s, as printed. */
  shown: Row[];
  /** Every fixed interval of the front. */
  front: Row[];
  verdict: GoalVerdict;
}

export async function benchFamily(
  family: Family,
  seeds: readonly number[],
  perSeed: number,
  ours: OursFactory = defaultOurs,
): Promise<FamilyReport> {
  const jobs = jobsFor(family, seeds, perSeed);
  const oursRow = summarize(OURS, await runPolicy(jobs, ours));
  const tf = summarize(TF_HUAWEI, await runPolicy(jobs, () => terraformHuawei));
  const otc = summarize(terraformOtc.name, await runPolicy(jobs, () => terraformOtc));
  const aws = summarize(
    "aws-sdk waiter (2s..120s, jitter)",
    await runPolicy(jobs, (_, i) => awsSdkWaiter(7 + i)),
  );
  const front = FIXED_FRONT_S.map((s) =>
    summarize(
      `fixed ${s}s`,
      jobs.map((t) => fixedIntervalResult(t, s * 1000)),
    ),
  );
  const shown = [
    tf,
    otc,
    aws,
    front.find((r) => r.policy === "fixed 5s")!,
    front.find((r) => r.policy === "fixed 30s")!,
  ];
  const verdict = evaluateGoal({
    ours: oursRow,
    terraform: tf,
    rivals: [otc, aws, ...front],
    informative: FAMILY_SPECS[family].informative,
  });
  return { family, jobs: jobs.length, ours: oursRow, terraform: tf, shown, front, verdict };
}

function table(head: string[], body: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(line)].join("\n");
}

const s1 = (v: number) => `${v.toFixed(1)} s`;

export function formatFamily(r: FamilyReport): string {
  const tfCalls = r.terraform.meanCalls;
  // The cheapest fixed interval whose p95 is no worse than ours: the front's point to compare with.
  const neighbour = [...r.front].reverse().find((f) => f.p95S <= r.ours.p95S);
  const rows = [
    r.ours,
    ...r.shown,
    ...(neighbour ? [{ ...neighbour, policy: `front: ${neighbour.policy}` }] : []),
  ];
  const body = rows.map((x) => [
    x.policy === OURS ? `**${x.policy}**` : x.policy,
    x.meanCalls.toFixed(1),
    `${(x.meanCalls / tfCalls).toFixed(2)}x`,
    s1(x.p50S),
    s1(x.p95S),
    s1(x.p99S),
    s1(x.maxS),
  ]);
  const spec = FAMILY_SPECS[r.family];
  const goal = `goal ${r.verdict.holds ? "HOLDS" : "FAILS"}: ${r.verdict.checks.map((c) => `${c.ok ? "ok" : "FAIL"} ${c.what}`).join("; ")}`;
  return [
    `### ${r.family}: ${spec.title}${spec.informative ? " [informative: calls <= 0.7x]" : ""} (${r.jobs} jobs)`,
    "",
    table(["policy", "calls/job", "vs TF", "p50", "p95", "p99", "max"], body),
    "",
    goal,
  ].join("\n");
}

export function formatSummary(reports: readonly FamilyReport[]): string {
  return table(
    ["family", "calls ours / TF", "ratio", "p50 ours / TF", "p95 ours / TF", "max ours / TF", "goal"],
    reports.map((r) => [
      r.family,
      `${r.ours.meanCalls.toFixed(1)} / ${r.terraform.meanCalls.toFixed(1)}`,
      `${(r.ours.meanCalls / r.terraform.meanCalls).toFixed(2)}x`,
      `${s1(r.ours.p50S)} / ${s1(r.terraform.p50S)}`,
      `${s1(r.ours.p95S)} / ${s1(r.terraform.p95S)}`,
      `${s1(r.ours.maxS)} / ${s1(r.terraform.maxS)}`,
      r.verdict.holds ? "holds" : "FAILS",
    ]),
  );
}

async function main(): Promise<void> {
  const split = process.env.BENCH_SPLIT === "train" ? "train" : "held-out";
  const seeds = split === "train" ? TRAIN_SEEDS : HELDOUT_SEEDS;
  const perSeed = Number(process.env.BENCH_JOBS ?? 1000);
  const families = process.env.BENCH_FAMILIES
    ? (process.env.BENCH_FAMILIES.split(",") as Family[])
    : [...FAMILIES];
  const started = process.hrtime.bigint();
  console.log(
    `Polling policies on ${split} seeds ${seeds.join(", ")} (${perSeed} jobs per seed and family; virtual clock; ` +
      "real waiter loop; fixed intervals in the Terraform shape, first poll after one interval).\n" +
      "Every job is invisible (DBS.200543) for 0-10 s after creation, the waiter starts 0.5-3 s after it, and " +
      "`created` is up to 5 s off the local clock.\n",
  );
  const reports: FamilyReport[] = [];
  for (const family of families) {
    const r = await benchFamily(family, seeds, perSeed);
    reports.push(r);
    console.log(`${formatFamily(r)}\n`);
  }
  console.log(`### Summary (${split} seeds): ours vs Terraform Huawei\n`);
  console.log(formatSummary(reports));
  const failing = reports.filter((r) => !r.verdict.holds).map((r) => r.family);
  console.log(
    `\n${failing.length === 0 ? "The goal holds on every family." : `The goal FAILS on: ${failing.join(", ")}.`}`,
  );
  console.log(`(${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s of real time)`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
