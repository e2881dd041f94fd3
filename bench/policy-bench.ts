/**
 * `npm run bench`: detection latency and API calls per job for our progress-aware policy and models of the
 * peers, on fixed-seed workloads, through the real waiter loop on a virtual clock. No network, no real time.
 */
import { progressAwarePolicy } from "../provider/policy";
import type { PollingPolicy } from "../provider/waiter";
import { awsSdkWaiter, terraformHuawei, terraformOtc } from "./peers";
import { simulate } from "./simulate";
import { type Timeline, workload } from "./workloads";

export interface Row {
  workload: string;
  policy: string;
  meanCalls: number;
  medianS: number;
  p95S: number;
  maxS: number;
  failures: number;
}

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

export async function benchPolicies(
  jobs: number,
  policies: Array<() => PollingPolicy>,
  kinds: Array<"W1" | "W2"> = ["W1", "W2"],
): Promise<Row[]> {
  const rows: Row[] = [];
  for (const kind of kinds) {
    const timelines: Timeline[] = workload(kind, jobs);
    for (const make of policies) {
      const results = [];
      let name = "";
      for (const t of timelines) {
        const p = make();
        name = p.name;
        results.push(await simulate(t, p));
      }
      const lat = results.map((r) => r.latencyMs / 1000).sort((a, b) => a - b);
      rows.push({
        workload: kind,
        policy: name,
        meanCalls: results.reduce((s, r) => s + r.calls, 0) / results.length,
        medianS: quantile(lat, 0.5),
        p95S: quantile(lat, 0.95),
        maxS: lat.at(-1)!,
        failures: results.filter((r) => r.state !== "completed").length,
      });
    }
  }
  return rows;
}

export function formatTable(rows: Row[]): string {
  const head = ["workload", "policy", "mean calls/job", "latency median", "p95", "max", "not completed"];
  const body = rows.map((r) => [
    r.workload,
    r.policy,
    r.meanCalls.toFixed(1),
    `${r.medianS.toFixed(1)} s`,
    `${r.p95S.toFixed(1)} s`,
    `${r.maxS.toFixed(1)} s`,
    String(r.failures),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(line)].join("\n");
}

export const POLICIES: Array<() => PollingPolicy> = [
  () => progressAwarePolicy(),
  () => terraformHuawei,
  () => terraformOtc,
  (() => {
    let seed = 7;
    return () => awsSdkWaiter(seed++);
  })(),
];

if (require.main === module) {
  const n = Number(process.env.BENCH_JOBS ?? 1000);
  const started = process.hrtime.bigint();
  benchPolicies(n, POLICIES).then((rows) => {
    console.log(
      `Polling policies on ${n} simulated jobs per workload (seeded; virtual clock; real waiter loop)`,
    );
    console.log(
      "W1: log-normal durations (median 8 min, 30 s..3 h) with realistic progress; W2: same, no progress\n",
    );
    console.log(formatTable(rows));
    const ours = (w: string) => rows.find((r) => r.workload === w && r.policy === "progress-aware")!;
    const tf = (w: string) =>
      rows.find((r) => r.workload === w && r.policy.startsWith("terraform-huaweicloud"))!;
    console.log(
      `\nW1 vs Terraform Huawei: calls ${(ours("W1").meanCalls / tf("W1").meanCalls).toFixed(2)}x, ` +
        `W2: calls ${(ours("W2").meanCalls / tf("W2").meanCalls).toFixed(2)}x, median latency ${(ours("W2").medianS / tf("W2").medianS).toFixed(2)}x`,
    );
    console.log(`(${Number(process.hrtime.bigint() - started) / 1e9} s of real time)`);
  });
}
