/**
 * Timeouts are given as seconds (a number) or as a duration string (`"45m"`, `"1h30m"`, `"90s"`, `"2h"`),
 * the way Pulumi's customTimeouts and Go's time.ParseDuration spell them, plus days (`"7d"`), since the
 * longest wait allowed is a week.
 */
import type { Duration } from "../sdk/types";

const UNIT_SECONDS: Record<string, number> = { d: 86_400, h: 3600, m: 60, s: 1, ms: 0.001 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:d|h|ms|m|s))+$/;

/** Seconds (a number) or a duration string such as `"45m"`, `"1h30m"`, `"90s"`, `"7d"`. */
export type DurationInput = Duration;

/** Seconds, or a message saying what is wrong with the value (never throws). */
export function parseDurationSeconds(value: DurationInput): { seconds: number } | { problem: string } {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value <= 0)
      return { problem: `must be a positive number of seconds, got ${value}` };
    return { seconds: value };
  }
  const text = value.trim().toLowerCase();
  if (/^\d+(?:\.\d+)?$/.test(text)) return parseDurationSeconds(Number(text));
  if (!DURATION.test(text)) {
    return {
      problem: `${JSON.stringify(value)} is not a duration; use seconds (e.g. 2700) or a string like "45m", "1h30m", "90s"`,
    };
  }
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(d|h|ms|m|s)/g)) {
    seconds += Number(amount) * UNIT_SECONDS[unit as string]!;
  }
  // A few hundred digits overflow to Infinity, which no timer can use.
  if (!Number.isFinite(seconds)) return { problem: `${JSON.stringify(value)} is too long to be a duration` };
  if (seconds <= 0) return { problem: `${JSON.stringify(value)} must be longer than zero` };
  return { seconds };
}

/** Like parseDurationSeconds, but throws a TypeError naming the problem. */
export function parseDuration(value: DurationInput): number {
  const r = parseDurationSeconds(value);
  if ("problem" in r) throw new TypeError(`invalid duration: ${r.problem}`);
  return r.seconds;
}
