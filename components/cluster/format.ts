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

/**
 * A moment in the browser's own time zone ("2026-12-04 01:02:03", with ".456" when `ms`): an
 * operator reads the clock on the wall. formatUtc gives the same moment in UTC for the hover.
 */
export function formatTime(at: number | string | Date, ms = false): string {
  const d = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(d.getTime())) return "—";
  const p = (n: number, w = 2): string => String(n).padStart(w, "0");
  const base = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  return ms ? `${base}.${p(d.getMilliseconds(), 3)}` : base;
}

/** The same moment in UTC, to the millisecond: "2026-12-04 00:02:03.456 UTC". */
export function formatUtc(at: number | string | Date): string {
  const d = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(d.getTime())) return "";
  return `${d.toISOString().replace("T", " ").replace("Z", "")} UTC`;
}
