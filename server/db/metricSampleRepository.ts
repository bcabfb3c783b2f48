import type { PrismaClient } from "./createPrismaClient";

/** Rows per INSERT: 7 bound variables each, well under SQLite's per-statement limit. */
const INSERT_CHUNK = 1_000;

export interface MetricSampleInput {
  time: Date;
  node: string;
  destination: string | null;
  metric: string;
  value: number;
  /** Seconds per sample: 0 for raw samples, ROLLUP_SECONDS for minute averages. */
  resolution: number;
}

export interface MetricSampleRepository {
  insert(rows: MetricSampleInput[]): Promise<void>;
  /** Time of the oldest raw sample before `before`, or null when there is none. */
  oldestRaw(before: Date): Promise<Date | null>;
  /** How many raw samples lie in [start, end): sizes the roll-up's windows. */
  countRaw(start: Date, end: Date): Promise<number>;
  /**
   * Replaces the raw samples in [start, end) by one row per (node, destination, metric, minute)
   * holding their average, stamped with the minute's start, in one transaction: read the window,
   * insert the averages, then one range delete. No statement names rows by id, so the cost does
   * not depend on how many there are (an `IN` list of 50,000 ids broke SQLite's variable limit:
   * Prisma P2029, and raw samples were never deleted). `start` and `end` must be minute-aligned.
   * Returns how many raw rows were folded.
   */
  foldRaw(start: Date, end: Date, bucketMs: number, resolution: number): Promise<number>;
  /** Deletes samples of `resolution` older than `before`; returns how many. */
  prune(resolution: number, before: Date): Promise<number>;
}

export function createMetricSampleRepository(prisma: PrismaClient): MetricSampleRepository {
  return {
    insert: async (rows) => {
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) await prisma.metricSample.createMany({ data: rows.slice(i, i + INSERT_CHUNK) });
    },
    oldestRaw: async (before) => {
      const row = await prisma.metricSample.findFirst({
        where: { resolution: 0, time: { lt: before } },
        orderBy: { time: "asc" },
        select: { time: true },
      });
      return row?.time ?? null;
    },
    countRaw: (start, end) => prisma.metricSample.count({ where: { resolution: 0, time: { gte: start, lt: end } } }),
    foldRaw: (start, end, bucketMs, resolution) =>
      prisma.$transaction(async (tx) => {
        const where = { resolution: 0, time: { gte: start, lt: end } };
        const raw = await tx.metricSample.findMany({ where, select: { time: true, node: true, destination: true, metric: true, value: true } });
        const groups = new Map<string, MetricSampleInput & { n: number }>();
        for (const r of raw) {
          const bucket = Math.floor(r.time.getTime() / bucketMs) * bucketMs;
          const key = `${bucket}|${r.node}|${r.destination ?? ""}|${r.destination === null ? 0 : 1}|${r.metric}`;
          const g = groups.get(key);
          if (g) {
            g.value += r.value;
            g.n++;
          } else {
            groups.set(key, { time: new Date(bucket), node: r.node, destination: r.destination, metric: r.metric, value: r.value, resolution, n: 1 });
          }
        }
        const rows = [...groups.values()].map(({ n, ...g }) => ({ ...g, value: g.value / n }));
        // Chunked: one INSERT binds 7 variables per row, and SQLite caps variables per statement.
        for (let i = 0; i < rows.length; i += INSERT_CHUNK) await tx.metricSample.createMany({ data: rows.slice(i, i + INSERT_CHUNK) });
        const { count } = await tx.metricSample.deleteMany({ where });
        return count;
      }),
    prune: async (resolution, before) => (await prisma.metricSample.deleteMany({ where: { resolution, time: { lt: before } } })).count,
  };
}
