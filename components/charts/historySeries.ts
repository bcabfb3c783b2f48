import { formatTime } from "../cluster/format";
export interface HistoryPointLike {
  t: number;
  depth: number | null;
  enqueued: number | null;
  dequeued: number | null;
  inPerSec: number | null;
  outPerSec: number | null;
}

export interface ChartRow {
  t: number;
  label: string;
  depth: number | null;
  enqueued: number | null;
  dequeued: number | null;
  inPerSec: number | null;
  outPerSec: number | null;
}

/**
 * Rows for recharts: one per bucket, with a time label fitted to the range (seconds within an
 * hour, dates beyond a day), and explicit null gaps where buckets are missing so the chart breaks
 * the line instead of drawing across an outage.
 */
export function toChartRows(points: readonly HistoryPointLike[], bucketMs: number, rangeMs: number): ChartRow[] {
  const out: ChartRow[] = [];
  let prevT: number | null = null;
  for (const p of points) {
    if (prevT !== null && p.t - prevT > bucketMs * 1.5) {
      const gapT = prevT + bucketMs;
      out.push({ t: gapT, label: timeLabel(gapT, rangeMs), depth: null, enqueued: null, dequeued: null, inPerSec: null, outPerSec: null });
    }
    out.push({ t: p.t, label: timeLabel(p.t, rangeMs), depth: p.depth, enqueued: p.enqueued, dequeued: p.dequeued, inPerSec: p.inPerSec, outPerSec: p.outPerSec });
    prevT = p.t;
  }
  return out;
}

/** Axis labels in the browser's time zone, like every other time the console shows. */
export function timeLabel(t: number, rangeMs: number): string {
  const iso = formatTime(t);
  if (rangeMs <= 3_600_000) return iso.slice(11, 19);
  if (rangeMs <= 24 * 3_600_000) return iso.slice(11, 16);
  return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}

/** "3.2 s", "4 min", "2.5 h", "3 d"; "—" for unknown. */
export function formatAge(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} d`;
}

export function formatRate(perSec: number | null): string {
  if (perSec === null) return "—";
  return perSec >= 100 ? `${Math.round(perSec)}/s` : `${perSec.toFixed(1)}/s`;
}
