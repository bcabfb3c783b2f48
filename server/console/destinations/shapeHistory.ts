import { counterRate } from "./counterRates";

export const HISTORY_METRICS = ["depth", "enqueued", "dequeued"] as const;
export type HistoryMetric = (typeof HISTORY_METRICS)[number];

export interface MetricSampleRow {
  time: number;
  node: string;
  metric: string;
  value: number;
}

export interface HistoryPoint {
  /** Start of the bucket (ms since the epoch). */
  t: number;
  depth: number | null;
  enqueued: number | null;
  dequeued: number | null;
  inPerSec: number | null;
  outPerSec: number | null;
  /** The node (master) that reported the bucket's last sample. */
  node: string | null;
}

interface Bucket {
  t: number;
  last: Partial<Record<HistoryMetric, { time: number; value: number; node: string }>>;
}

/**
 * Turns MetricSample rows of one destination into evenly bucketed points: each metric's last
 * value in the bucket (raw samples and minute rollups mix freely), and in/out rates from the
 * enqueued/dequeued counter deltas between consecutive buckets. A delta across two different
 * nodes is not a rate (each master counts from its own start), so it is null there.
 */
export function shapeHistory(samples: readonly MetricSampleRow[], o: { from: number; to: number; bucketMs: number }): HistoryPoint[] {
  if (o.bucketMs <= 0) throw new Error("bucketMs must be positive");
  const buckets = new Map<number, Bucket>();
  for (const s of samples) {
    if (s.time < o.from || s.time > o.to) continue;
    if (!(HISTORY_METRICS as readonly string[]).includes(s.metric)) continue;
    const t = Math.floor(s.time / o.bucketMs) * o.bucketMs;
    let b = buckets.get(t);
    if (b === undefined) buckets.set(t, (b = { t, last: {} }));
    const m = s.metric as HistoryMetric;
    const cur = b.last[m];
    if (cur === undefined || s.time >= cur.time) b.last[m] = { time: s.time, value: s.value, node: s.node };
  }
  const ordered = [...buckets.values()].sort((a, b) => a.t - b.t);
  const out: HistoryPoint[] = [];
  let prev: Bucket | undefined;
  for (const b of ordered) {
    const rate = (m: "enqueued" | "dequeued"): number | null => {
      const p = prev?.last[m];
      const n = b.last[m];
      if (n === undefined || p === undefined || p.node !== n.node) return null;
      return counterRate({ at: p.time, value: p.value }, { at: n.time, value: n.value });
    };
    const newest = HISTORY_METRICS.map((m) => b.last[m]).filter((x) => x !== undefined).sort((x, y) => y.time - x.time)[0];
    out.push({
      t: b.t,
      depth: b.last.depth?.value ?? null,
      enqueued: b.last.enqueued?.value ?? null,
      dequeued: b.last.dequeued?.value ?? null,
      inPerSec: rate("enqueued"),
      outPerSec: rate("dequeued"),
      node: newest?.node ?? null,
    });
    prev = b;
  }
  return out;
}

/** Bucket width for a time range: raw samples (every 5 s) up to an hour, else ~500 points of ≥ 1 min. */
export function bucketFor(rangeMs: number): { bucketMs: number; useRollups: boolean } {
  if (rangeMs <= 3_600_000) return { bucketMs: Math.max(5_000, Math.ceil(rangeMs / 720 / 5_000) * 5_000), useRollups: false };
  return { bucketMs: Math.max(60_000, Math.ceil(rangeMs / 500 / 60_000) * 60_000), useRollups: true };
}
