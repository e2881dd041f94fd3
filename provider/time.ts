/**
 * The services write times as `2021-07-12T09:22:04+0000` or `...+0800`: an offset without a colon, which
 * `Date.parse` does not accept everywhere. Normalise to ISO 8601 UTC with a `Z`.
 */
const WIRE_TIME =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2}|[+-]\d{2})?$/i;

export function toUtcIso(value: string | null | undefined): string | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  const m = WIRE_TIME.exec(text);
  if (!m) return undefined;
  let offset = m[3] ?? "Z";
  if (/^[+-]\d{4}$/.test(offset)) offset = `${offset.slice(0, 3)}:${offset.slice(3)}`;
  else if (/^[+-]\d{2}$/.test(offset)) offset = `${offset}:00`;
  const ms = Date.parse(`${m[1]}T${m[2]}${offset.toUpperCase()}`);
  if (Number.isNaN(ms)) return undefined;
  return new Date(ms).toISOString().replace(/\.000Z$/, "Z");
}

/** `1h2m3s` style, for progress messages and errors. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, "0")}m${String(s).padStart(2, "0")}s`;
  if (m > 0) return `${m}m${String(s).padStart(2, "0")}s`;
  return `${s}s`;
}
