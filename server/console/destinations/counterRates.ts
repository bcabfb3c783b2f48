/**
 * Per-second rate of a monotonic counter between two observations. null when it cannot be
 * known honestly: no earlier observation, no time between them, or the counter went backwards
 * (the destination was recreated or another master — with its own counters — answered).
 */
export function counterRate(prev: { at: number; value: number } | undefined, next: { at: number; value: number }): number | null {
  if (prev === undefined) return null;
  const dt = (next.at - prev.at) / 1000;
  if (dt <= 0 || next.value < prev.value) return null;
  return Math.round(((next.value - prev.value) / dt) * 100) / 100;
}
