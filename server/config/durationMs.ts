// Durations follow the seeds' spelling ("3s", "500ms", "2m") or a plain millisecond count.
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a duration into milliseconds; returns null when the text is not a duration. */
export function parseDurationMs(value: string | number): number | null {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? Math.floor(value) : null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(value);
  if (!m) return null;
  return Math.floor(Number(m[1]) * UNITS[m[2] ?? "ms"]);
}
