import type { PrismaClient } from "../../db/createPrismaClient";
import { sqliteBucketAverages, sqliteLatestBefore } from "../../db/metricHistoryQuery";
import { bucketByNode, bucketGrid, combineSeries, priorFrom, type MetricPoint } from "./bucketSeries";

/** Node-level metrics the MetricsRecorder keeps (destination = null), as the charts name them. */
export const NODE_METRICS = ["in_per_sec", "out_per_sec", "depth", "inflight", "connections", "memory_used", "store_used", "rss", "lag_bytes"] as const;
export type NodeMetric = (typeof NODE_METRICS)[number];

/** Cluster totals on the overview (summed over the nodes, bucket by bucket). */
const CLUSTER_TOTALS: NodeMetric[] = ["in_per_sec", "out_per_sec", "depth", "connections"];
/** Shown per node on the overview: one line each. */
const CLUSTER_PER_NODE: NodeMetric[] = ["memory_used", "store_used", "lag_bytes"];

export interface HistorySeries {
  metric: NodeMetric;
  /** The node the series belongs to; null for a cluster total. */
  node: string | null;
  values: Array<number | null>;
}

export interface MetricHistory {
  bucketMs: number;
  from: number;
  to: number;
  times: number[];
  series: HistorySeries[];
}

export type HistoryScope = { kind: "cluster"; nodes: string[] } | { kind: "node"; node: string };

/**
 * Node metric history for the overview and node charts, read from MetricSample (raw samples for
 * the last hour, minute roll-ups beyond) and bucketed by bucketSeries. Only measured values: a
 * node that was down has no samples there, and its line breaks.
 */
export class MetricHistoryService {
  /** `sqlite`: buckets are averaged in the database; otherwise samples are read and averaged here. */
  constructor(
    private readonly prisma: PrismaClient,
    private readonly dialect: "sqlite" | "portable" = "portable",
  ) {}

  async read(scope: HistoryScope, window: { from: number; to: number }, now = Date.now()): Promise<MetricHistory> {
    const grid = bucketGrid(window.from, window.to, now);
    const metrics: readonly NodeMetric[] = scope.kind === "node" ? NODE_METRICS : [...CLUSTER_TOTALS, ...CLUSTER_PER_NODE];
    const nodes = scope.kind === "node" ? [scope.node] : scope.nodes;
    const first = grid.times[0] ?? window.from;
    // One row per bucket from SQLite (the mean, at its newest sample's time): bucketByNode then
    // sees exactly one point per bucket and the same hold rule applies.
    if (this.dialect === "sqlite") {
      const opening = await sqliteLatestBefore(this.prisma, { nodes, metrics, from: priorFrom(first, grid.bucketMs), before: window.from });
      const points = [...opening, ...(await sqliteBucketAverages(this.prisma, { nodes, metrics, first, to: window.to, bucketMs: grid.bucketMs }))];
      return { bucketMs: grid.bucketMs, from: grid.from, to: grid.to, times: grid.times, series: shapeScope(scope, metrics, bucketByNode(points, grid), grid.times.length) };
    }
    const rows = await this.prisma.metricSample.findMany({
      where: {
        destination: null,
        node: { in: nodes },
        metric: { in: [...metrics] },
        resolution: { in: [0, 60] },
        // From one hold before the window: what each series held when it opened (bucketByNode).
        time: { gte: new Date(priorFrom(first, grid.bucketMs)), lte: new Date(window.to) },
      },
      select: { time: true, node: true, metric: true, value: true },
    });
    const points: MetricPoint[] = rows.map((r) => ({ time: r.time.getTime(), node: r.node, metric: r.metric, value: r.value }));
    return { bucketMs: grid.bucketMs, from: grid.from, to: grid.to, times: grid.times, series: shapeScope(scope, metrics, bucketByNode(points, grid), grid.times.length) };
  }
}

/** The series a scope shows: a node's own metrics, or cluster totals plus per-node lines. */
export function shapeScope(scope: HistoryScope, metrics: readonly NodeMetric[], byNode: ReturnType<typeof bucketByNode>, length: number): HistorySeries[] {
  const hasValue = (v: Array<number | null>): boolean => v.some((x) => x !== null);
  if (scope.kind === "node") {
    const own = byNode.get(scope.node);
    return metrics.flatMap((metric) => {
      const values = own?.get(metric);
      return values && hasValue(values) ? [{ metric, node: scope.node, values }] : [];
    });
  }
  const out: HistorySeries[] = [];
  for (const metric of CLUSTER_TOTALS) {
    const parts = scope.nodes.map((n) => byNode.get(n)?.get(metric)).filter((v): v is Array<number | null> => v !== undefined);
    if (parts.length > 0) out.push({ metric, node: null, values: combineSeries(parts, length, "sum") });
  }
  for (const metric of CLUSTER_PER_NODE) {
    for (const node of scope.nodes) {
      const values = byNode.get(node)?.get(metric);
      if (values && hasValue(values)) out.push({ metric, node, values });
    }
  }
  return out;
}
