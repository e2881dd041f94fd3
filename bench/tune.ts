/**
 * Tuning aid, on TRAIN_SEEDS only: evaluates candidate policy options on every family against the same
 * Terraform and fixed-front rows, and prints one line per candidate. The held-out seeds never pass here.
 *
 *   node dist/bench/tune.js '{"steadyDelayMs":[9500,10000],"ageCapShare":[0.5,0.8]}'
 *
 * The argument maps option names to the values to try (the grid is their product). Each family prints
 * calls, p50 and p95 as ratios to Terraform Huawei's, then our max latency. TRACE=<family> instead prints
 * the worst-latency jobs with every decision.
 */
import { type PolicyOptions, progressAwarePolicy } from "../provider/policy";
import { evaluateGoal, type Row, summarize } from "./goal";
import { awsSdkWaiter, terraformHuawei, terraformOtc } from "./peers";
import { FIXED_FRONT_S, jobsFor, runPolicy } from "./policy-bench";
import { fixedIntervalResult } from "./simulate";
import { FAMILIES, FAMILY_SPECS, type Family, HELDOUT_SEEDS, type Timeline, TRAIN_SEEDS } from "./workloads";

interface Baseline {
  jobs: Timeline[];
  tf: Row;
  rivals: Row[];
}

async function baseline(family: Family, perSeed: number): Promise<Baseline> {
  if (TRAIN_SEEDS.some((s) => HELDOUT_SEEDS.includes(s))) throw new Error("a training seed is held out");
  const jobs = jobsFor(family, TRAIN_SEEDS, perSeed);
  const tf = summarize("tf", await runPolicy(jobs, () => terraformHuawei));
  const otc = summarize("otc", await runPolicy(jobs, () => terraformOtc));
  const aws = summarize("aws", await runPolicy(jobs, (_, i) => awsSdkWaiter(7 + i)));
  const front = FIXED_FRONT_S.map((s) =>
    summarize(
      `fixed ${s}s`,
      jobs.map((t) => fixedIntervalResult(t, s * 1000)),
    ),
  );
  return { jobs, tf, rivals: [otc, aws, ...front] };
}

function grid(spec: Record<string, number[]>): Array<Partial<PolicyOptions>> {
  let out: Array<Record<string, number>> = [{}];
  for (const [k, vs] of Object.entries(spec)) out = out.flatMap((o) => vs.map((v) => ({ ...o, [k]: v })));
  return out as Array<Partial<PolicyOptions>>;
}

/** The worst-latency jobs of one family under `options`, with each poll: elapsed s, progress, next delay. */
async function trace(family: Family, options: Partial<PolicyOptions>, perSeed: number): Promise<void> {
  const jobs = jobsFor(family, TRAIN_SEEDS, perSeed);
  const logs: string[][] = [];
  const results = await runPolicy(jobs, (t, i) => {
    const p = progressAwarePolicy({ ...options, service: t.service });
    logs[i] = [];
    return {
      name: p.name,
      nextDelayMs: (h, ctx) => {
        const d = p.nextDelayMs(h, ctx);
        const last = h.at(-1);
        logs[i]!.push(
          `${((last?.elapsedMs ?? 0) / 1000).toFixed(0)}:${last?.error ? "E" : (last?.job?.progress ?? "-")}>${(d / 1000).toFixed(1)}`,
        );
        return d;
      },
    };
  });
  const worst = results.map((r, i) => ({ r, i })).sort((a, b) => b.r.latencyMs - a.r.latencyMs);
  for (const { r, i } of worst.slice(0, Number(process.env.TRACE_N ?? 8))) {
    const t = jobs[i]!;
    console.log(
      `lat ${(r.latencyMs / 1000).toFixed(1)} s, ${t.name}, duration ${(t.durationMs / 1000).toFixed(0)} s: ${logs[i]!.join(" ")}`,
    );
  }
}

async function main(): Promise<void> {
  if (process.env.TRACE) {
    await trace(process.env.TRACE as Family, JSON.parse(process.argv[2] ?? "{}"), 1000);
    return;
  }
  const spec = JSON.parse(process.argv[2] ?? "{}") as Record<string, number[]>;
  const perSeed = Number(process.env.BENCH_JOBS ?? 1000);
  const families = process.env.BENCH_FAMILIES
    ? (process.env.BENCH_FAMILIES.split(",") as Family[])
    : [...FAMILIES];
  const bases = new Map<Family, Baseline>();
  for (const f of families) bases.set(f, await baseline(f, perSeed));
  for (const options of grid(spec)) {
    const parts: string[] = [];
    let allHold = true;
    for (const f of families) {
      const b = bases.get(f)!;
      const ours = summarize(
        "ours",
        await runPolicy(b.jobs, (t) => progressAwarePolicy({ ...options, service: t.service })),
      );
      const v = evaluateGoal({
        ours,
        terraform: b.tf,
        rivals: b.rivals,
        informative: FAMILY_SPECS[f].informative,
      });
      allHold &&= v.holds;
      const bad = v.checks.filter((c) => !c.ok).map((c) => c.what.split(" ")[0]);
      parts.push(
        `${f} ${(ours.meanCalls / b.tf.meanCalls).toFixed(3)} ${(ours.p50S / b.tf.p50S).toFixed(2)}/${(ours.p95S / b.tf.p95S).toFixed(2)}/${ours.maxS.toFixed(0)}s${v.holds ? "" : ` FAIL(${bad.join(",")})`}`,
      );
    }
    console.log(`${allHold ? "ALL" : "---"} ${JSON.stringify(options)}\n    ${parts.join(" | ")}`);
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
