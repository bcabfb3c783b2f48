/**
 * Pure shaping of node metric history (MetricSample rows) into evenly spaced series for the
 * overview and node charts. Values are only ever measured ones: a bucket holds the mean of the
 * samples that fell in it (raw samples and minute roll-ups mix freely), and a bucket that got
 * none is null — except just after a sample, where the last value is held for a short while
 * (samples come every 5–10 s depending on how fast the node is polled, so a 10 s bucket can
 * fall between two of them; without the hold every such bucket would break the line, and a
 * cluster total would dip each time one node's sample fell into the next bucket).
 */

export interface MetricPoint {
  time: number;
  node: string;
  metric: string;
  value: number;
}

export interface BucketGrid {
  bucketMs: number;
  from: number;
  to: number;
  /** Start of each bucket, ascending, covering [from, to]. */
  times: number[];
}

/** About this many points per chart, whatever the range. */
const TARGET_POINTS = 360;
const RAW_MIN_BUCKET_MS = 10_000;
const ROLLUP_BUCKET_MS = 60_000;
/** Raw samples are kept this long (MetricsRecorder); older history exists only as minute roll-ups. */
export const RAW_KEEP_MS = 3_600_000;

/**
 * The bucket width for a window: ≥ 10 s (samples arrive every 5–10 s) and ≥ 1 min once the
 * window reaches past the raw samples' hour, sized to about TARGET_POINTS points.
 */
export function bucketGrid(from: number, to: number, now: number): BucketGrid {
  if (!(to > from)) throw new Error("the window must end after it starts");
  const usesRollups = from < now - RAW_KEEP_MS;
  const unit = usesRollups ? ROLLUP_BUCKET_MS : RAW_MIN_BUCKET_MS;
  const bucketMs = Math.max(unit, Math.ceil((to - from) / TARGET_POINTS / unit) * unit);
  const times: number[] = [];
  for (let t = Math.floor(from / bucketMs) * bucketMs; t <= to; t += bucketMs) times.push(t);
  return { bucketMs, from, to, times };
}

/** Where to start reading samples for a window whose first bucket starts at `first`: one hold earlier (bucketByNode). */
export function priorFrom(first: number, bucketMs: number): number {
  return first - holdMs(bucketMs);
}

/** How often the recorder writes a series whose value has not changed (UNCHANGED_WRITE_MS). */
export const QUIET_WRITE_MS = 60_000;

/** How long after its sample a value is still shown in a bucket that got no sample of its own. */
export function holdMs(bucketMs: number): number {
  // The recorder writes an unchanged sample only once a minute (MetricsRecorder: an idle node's
  // polls write nothing), so a quiet series' last value stands for up to a minute plus a poll.
  return Math.max(2 * bucketMs, QUIET_WRITE_MS + 15_000);
}

/**
 * One series per (node, metric) present in `samples`, aligned with `grid.times`: the mean of each
 * bucket's samples, the last value held for holdMs into empty buckets, null beyond. A sample from
 * before the window (the caller reads those from holdMs back: `priorFrom`) is held into its
 * opening buckets the same way — an unchanged series is written once a minute, so a window
 * shorter than that would otherwise often hold none of its samples and chart nothing.
 */
export function bucketByNode(samples: readonly MetricPoint[], grid: BucketGrid): Map<string, Map<string, Array<number | null>>> {
  const n = grid.times.length;
  const first = grid.times[0] ?? 0;
  const acc = new Map<string, Map<string, { sum: Float64Array; count: Uint32Array; last: Float64Array; prior: { value: number; at: number } | null }>>();
  for (const s of samples) {
    if (s.time > grid.to) continue;
    const before = s.time < grid.from;
    const i = Math.floor((s.time - first) / grid.bucketMs);
    if (!before && (i < 0 || i >= n)) continue;
    let byMetric = acc.get(s.node);
    if (!byMetric) acc.set(s.node, (byMetric = new Map()));
    let a = byMetric.get(s.metric);
    if (!a) byMetric.set(s.metric, (a = { sum: new Float64Array(n), count: new Uint32Array(n), last: new Float64Array(n).fill(-Infinity), prior: null }));
    if (before) {
      if (a.prior === null || s.time > a.prior.at) a.prior = { value: s.value, at: s.time };
      continue;
    }
    a.sum[i] += s.value;
    a.count[i]++;
    if (s.time > a.last[i]) a.last[i] = s.time;
  }
  const hold = holdMs(grid.bucketMs);
  const out = new Map<string, Map<string, Array<number | null>>>();
  for (const [node, byMetric] of acc) {
    const m = new Map<string, Array<number | null>>();
    for (const [metric, a] of byMetric) {
      const values: Array<number | null> = new Array(n).fill(null);
      let held: { value: number; at: number } | null = a.prior;
      for (let i = 0; i < n; i++) {
        if (a.count[i] > 0) {
          const v = a.sum[i] / a.count[i];
          values[i] = v;
          held = { value: v, at: a.last[i] };
        } else if (held !== null && grid.times[i] - held.at <= hold) {
          values[i] = held.value;
        } else {
          held = null;
        }
      }
      m.set(metric, values);
    }
    out.set(node, m);
  }
  return out;
}

/** Index-wise sum or max over several aligned series; null where none has a value. */
export function combineSeries(series: ReadonlyArray<ReadonlyArray<number | null>>, length: number, how: "sum" | "max"): Array<number | null> {
  const out: Array<number | null> = new Array(length).fill(null);
  for (const s of series) {
    for (let i = 0; i < length; i++) {
      const v = s[i];
      if (v === null || v === undefined) continue;
      const cur = out[i];
      out[i] = cur === null ? v : how === "sum" ? cur + v : Math.max(cur, v);
    }
  }
  return out;
}
