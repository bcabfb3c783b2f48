import { timeLabel } from "./historySeries";

/** The time ranges the charts offer; the chosen one lives in the URL (?range=ms). */
export const TIME_RANGES: ReadonlyArray<{ label: string; ms: number }> = [
  { label: "15 min", ms: 15 * 60_000 },
  { label: "1 h", ms: 3_600_000 },
  { label: "6 h", ms: 6 * 3_600_000 },
  { label: "24 h", ms: 24 * 3_600_000 },
  { label: "7 d", ms: 7 * 24 * 3_600_000 },
];

/** A zoomed window narrower than this is not worth a request (the server's minimum range). */
export const MIN_ZOOM_MS = 60_000;

export interface SeriesLike {
  metric: string;
  node: string | null;
  values: ReadonlyArray<number | null>;
}

export interface HistoryLike {
  times: readonly number[];
  series: readonly SeriesLike[];
}

/** One line of a chart: which series it draws (metric, and node — null for a cluster total). */
export interface LinePick {
  key: string;
  metric: string;
  node: string | null;
}

export type MetricRow = { t: number } & Record<string, number | null>;

/** Rows for recharts: one per bucket, one column per picked series (null where nothing was measured). */
export function metricRows(h: HistoryLike, picks: readonly LinePick[]): MetricRow[] {
  const columns = picks.map((p) => ({ key: p.key, values: h.series.find((s) => s.metric === p.metric && s.node === p.node)?.values }));
  return h.times.map((t, i) => {
    const row: MetricRow = { t } as MetricRow;
    for (const c of columns) row[c.key] = c.values?.[i] ?? null;
    return row;
  });
}

/** True when at least one row has a value in one of the columns: the chart has something to draw. */
export function hasPoints(rows: readonly MetricRow[], keys: readonly string[]): boolean {
  return rows.some((r) => keys.some((k) => r[k] !== null && r[k] !== undefined));
}

/** The nodes that have a series of `metric` (per-node lines on the overview), in name order. */
export function nodesWith(h: HistoryLike, metric: string): string[] {
  return [...new Set(h.series.filter((s) => s.metric === metric && s.node !== null).map((s) => s.node!))].sort();
}

/** "from-to" (ms since the epoch; "-" needs no escaping in a URL) ↔ a zoomed window; anything else means not zoomed. */
export function parseZoom(s: string): { from: number; to: number } | null {
  const m = /^(\d{1,15})-(\d{1,15})$/.exec(s);
  if (!m) return null;
  const from = Number(m[1]);
  const to = Number(m[2]);
  return to - from >= MIN_ZOOM_MS ? { from, to } : null;
}

export function formatZoom(from: number, to: number): string {
  return `${Math.round(from)}-${Math.round(to)}`;
}

/**
 * The window a drag selected, ordered and widened to MIN_ZOOM_MS around its middle when it is
 * narrower (a click without a drag selects nothing: null).
 */
export function zoomFromDrag(a: number | null, b: number | null, bucketMs = 0): { from: number; to: number } | null {
  if (a === null || b === null || a === b) return null;
  let from = Math.min(a, b);
  // Each row stands for the bucket that starts at it: a drag that ends on a row takes its whole
  // bucket (the newest one holds a fresh console's samples — ending at its start would drop them).
  let to = Math.max(a, b) + bucketMs;
  if (to - from < MIN_ZOOM_MS) {
    const mid = (from + to) / 2;
    from = mid - MIN_ZOOM_MS / 2;
    to = mid + MIN_ZOOM_MS / 2;
  }
  return { from: Math.round(from), to: Math.round(to) };
}

/** The query's window: the zoomed one when zoomed, else the last `rangeMs`. */
export function queryWindow(rangeMs: number, zoom: { from: number; to: number } | null): { rangeMs: number; to?: number } {
  return zoom === null ? { rangeMs } : { rangeMs: zoom.to - zoom.from, to: zoom.to };
}

/** Axis label for a chart spanning `spanMs` (seconds within an hour, dates beyond a day). */
export function axisLabel(t: number, spanMs: number): string {
  return timeLabel(t, spanMs);
}

/** The time at a pointer's x over a plot spanning [t0, t1] from `left` over `width` pixels, clamped to the plot. */
export function timeAtX(x: number, left: number, width: number, t0: number, t1: number): number | null {
  if (!(width > 0) || !(t1 > t0)) return null;
  const f = Math.min(1, Math.max(0, (x - left) / width));
  return Math.round(t0 + f * (t1 - t0));
}
