import type { PrismaClient } from "./createPrismaClient";
import { Prisma } from "./generated/prisma/client";

/** One (node, metric, bucket): the mean of its samples, stamped with its newest sample's time. */
export interface BucketRow {
  node: string;
  metric: string;
  /** ms since the epoch of the bucket's newest sample. */
  time: number;
  value: number;
}

export interface BucketQuery {
  nodes: string[];
  metrics: readonly string[];
  /** Start of the first bucket, and the window's end (inclusive), ms since the epoch. */
  first: number;
  to: number;
  bucketMs: number;
}

/**
 * Node-level samples (raw and minute roll-ups) averaged per bucket in the database: one row per
 * (node, metric, bucket) comes back instead of every sample (an hour of a six-node cluster is
 * ~40,000 samples; reading them through Prisma took seconds). SQLite only — its DateTime
 * columns are ISO text, turned into ms with julianday(); elsewhere (PostgreSQL) the samples are
 * read and averaged in the console by the caller.
 */
export async function sqliteBucketAverages(prisma: PrismaClient, q: BucketQuery): Promise<BucketRow[]> {
  if (q.nodes.length === 0 || q.metrics.length === 0) return [];
  // Prisma writes DateTime as "2026-06-01T12:00:30.000+00:00"; bounds in the same spelling compare as text (index-friendly).
  const iso = (ms: number): string => new Date(ms).toISOString().replace("Z", "+00:00");
  // Rounded to the ms: julianday() is a float, and 10 s after a bucket start must not land in it.
  const ms = Prisma.sql`CAST(ROUND((julianday("time") - 2440587.5) * 86400000.0) AS INTEGER)`;
  const rows = await prisma.$queryRaw<Array<{ node: string; metric: string; last: number; v: number }>>`
    SELECT "node", "metric", CAST((${ms} - ${Math.round(q.first)}) / ${Math.round(q.bucketMs)} AS INTEGER) AS "b", AVG("value") AS "v", MAX(${ms}) AS "last"
    FROM "MetricSample"
    WHERE "destination" IS NULL AND "resolution" IN (0, 60)
      AND "node" IN (${Prisma.join(q.nodes)}) AND "metric" IN (${Prisma.join([...q.metrics])})
      AND "time" >= ${iso(q.first)} AND "time" <= ${iso(q.to)}
    GROUP BY "node", "metric", "b"`;
  return rows.map((r) => ({ node: r.node, metric: r.metric, time: Math.round(Number(r.last)), value: Number(r.v) }));
}

/**
 * Each (node, metric)'s newest node-level sample in [from, before): what a series held when a
 * window opened (bucketByNode holds it into the opening buckets). SQLite returns the bare
 * columns of the row that MAX() picked, which is exactly that sample.
 */
export async function sqliteLatestBefore(prisma: PrismaClient, q: { nodes: string[]; metrics: readonly string[]; from: number; before: number }): Promise<BucketRow[]> {
  if (q.nodes.length === 0 || q.metrics.length === 0 || !(q.before > q.from)) return [];
  const iso = (ms: number): string => new Date(ms).toISOString().replace("Z", "+00:00");
  const ms = Prisma.sql`CAST(ROUND((julianday("time") - 2440587.5) * 86400000.0) AS INTEGER)`;
  const rows = await prisma.$queryRaw<Array<{ node: string; metric: string; last: number; v: number }>>`
    SELECT "node", "metric", MAX(${ms}) AS "last", "value" AS "v"
    FROM "MetricSample"
    WHERE "destination" IS NULL AND "resolution" IN (0, 60)
      AND "node" IN (${Prisma.join(q.nodes)}) AND "metric" IN (${Prisma.join([...q.metrics])})
      AND "time" >= ${iso(q.from)} AND "time" < ${iso(q.before)}
    GROUP BY "node", "metric"`;
  return rows.map((r) => ({ node: r.node, metric: r.metric, time: Math.round(Number(r.last)), value: Number(r.v) }));
}
