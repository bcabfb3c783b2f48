/** Display helpers for cluster numbers (pure; shared by every cluster page). */

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  let v = Math.max(0, n);
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v.toFixed(0) : v.toFixed(v < 10 ? 1 : 0)} ${UNITS[u]}`;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** Seconds as "1.5 s" / "3m 20s"; null means "never at the current rate". */
export function formatSeconds(s: number | null | undefined, never = "never at current rate"): string {
  if (s === null || s === undefined) return never;
  if (s < 60) return `${Math.round(s * 10) / 10} s`;
  return formatDuration(s * 1000);
}

export function formatRate(perSec: number): string {
  return `${perSec >= 100 ? Math.round(perSec) : Math.round(perSec * 10) / 10}/s`;
}

export function formatTime(at: number | Date): string {
  const d = typeof at === "number" ? new Date(at) : at;
  return d.toISOString().replace("T", " ").slice(0, 19);
}
