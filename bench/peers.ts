/**
 * Models of how the peers poll, as PollingPolicy objects, so the benchmark runs them through the same
 * waiter loop as ours. Sources: the Terraform providers' StateChangeConf settings and AWS's util-waiter.
 */
import type { PollingPolicy } from "../provider/waiter";
import { rng } from "../tests/support/rng";

/** Terraform Huawei Cloud provider: 10 s delay, then every 10 s. */
export const terraformHuawei: PollingPolicy = {
  name: "terraform-huaweicloud (10s delay, 10s poll)",
  nextDelayMs: () => 10_000,
};

/**
 * Terraform Open Telekom Cloud provider: a first poll after about 1 s, then about 11 s between polls
 * (10 s poll interval plus the request and state-refresh overhead).
 */
export const terraformOtc: PollingPolicy = {
  name: "terraform-opentelekomcloud (~1s, then ~11s)",
  nextDelayMs: (history) => (history.length === 0 ? 1_000 : 11_000),
};

/**
 * AWS SDK waiters (@smithy/util-waiter): first check at once, then a delay drawn uniformly between the
 * minimum (2 s) and min(max, min * 2^(attempt-1)), the maximum being 120 s.
 */
export function awsSdkWaiter(seed: number): PollingPolicy {
  const r = rng(seed);
  const minDelay = 2_000;
  const maxDelay = 120_000;
  const ceiling = Math.log(maxDelay / minDelay) / Math.log(2) + 1;
  return {
    name: "aws-sdk waiter (2s..120s, jitter)",
    nextDelayMs: (history) => {
      const attempt = history.length;
      if (attempt === 0) return 0;
      if (attempt > ceiling) return maxDelay;
      const delay = minDelay * 2 ** (attempt - 1);
      return minDelay + r() * (Math.min(delay, maxDelay) - minDelay);
    },
  };
}
