// The metric history on a real SQLite database at realistic volume: more than a day of raw
// samples (the roll-up used to fail with Prisma P2029 once an hour of them existed, so raw rows were
// never deleted and the 6 h / 24 h / 7 d views stayed empty).
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { pino } from "pino";
import type { PrismaClient } from "../../db/createPrismaClient";
import Database from "better-sqlite3";
import { createMetricSampleRepository, type MetricSampleRepository } from "../../db/metricSampleRepository";
import { openDatabase } from "../../db/openDatabase";
import { MetricsRecorder } from "./MetricsRecorder";
import { MetricHistoryService } from "../metrics/MetricHistoryService";
import type { DestinationChangeRead, DestinationChangeSource } from "./DestinationChangeReader";
import type { NodeSnapshot } from "./NodePoller";
import type { DestinationRow, NodeInfo } from "../../runtime/admin/adminResponses";

const logger = pino({ level: "silent" });
const HOUR = 3_600_000;
const MINUTE = 60_000;

describe("MetricsRecorder on SQLite", () => {
  let dir: string;
  let prisma: PrismaClient;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "tandem-metrics-"));
    ({ prisma } = await openDatabase({ databaseUrl: "file:./console.db", cwd: dir, prismaDir: path.resolve(import.meta.dirname, "../../../prisma"), logger }));
  });
  after(async () => {
    await prisma?.$disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  test("rolls up 26 h of raw samples (100,000+ rows) into minute averages and prunes old rollups", async () => {
    const now = Date.parse("2026-06-01T12:00:30.000Z");
    const start = now - 26 * HOUR;
    const repo = createMetricSampleRepository(prisma);
    // Three nodes, two node metrics and two destinations, one sample every 10 s: value = minute index
    // + the second within the minute / 10 (0..5), so each minute's average is known exactly.
    const rows: Parameters<typeof repo.insert>[0] = [];
    for (let t = start; t < now; t += 10_000) {
      const minuteIndex = Math.floor((t - start) / MINUTE);
      const within = ((t - start) % MINUTE) / 10_000;
      for (const node of ["mq1", "mq2", "mq3"]) {
        for (const [metric, destination] of [["depth", null], ["connections", null], ["depth", "/queue/a"], ["enqueued", "/queue/b"]] as const) {
          rows.push({ time: new Date(t), node, destination, metric, value: minuteIndex + within, resolution: 0 });
        }
      }
    }
    assert.ok(rows.length > 100_000, `${rows.length} raw rows`);
    await seedFast(rows);
    // Rollups from last month (older than the week kept) and from yesterday (kept).
    await repo.insert([
      { time: new Date(now - 30 * 24 * HOUR), node: "mq1", destination: null, metric: "depth", value: 1, resolution: 60 },
      { time: new Date(now - 2 * 24 * HOUR), node: "mq1", destination: null, metric: "depth", value: 2, resolution: 60 },
    ]);

    const recorder = new MetricsRecorder(repo, logger);
    const r = await recorder.rollup(now);
    assert.equal(r.pruned, 1, "the month-old rollup is pruned, the two-day-old one kept");
    // Whole minutes older than an hour: 25 h of minutes (the start is minute-aligned + 30 s).
    const cutoff = Math.floor((now - HOUR) / MINUTE) * MINUTE;
    assert.equal(await prisma.metricSample.count({ where: { resolution: 0, time: { lt: new Date(cutoff) } } }), 0, "no raw sample older than the cutoff is left");
    const rawLeft = await prisma.metricSample.count({ where: { resolution: 0 } });
    assert.equal(rawLeft, rows.filter((x) => x.time.getTime() >= cutoff).length, "raw samples of the last hour are untouched");
    assert.equal(r.folded, rows.length - rawLeft);
    const minutes = r.minutes;
    assert.equal(await prisma.metricSample.count({ where: { resolution: 60, time: { gte: new Date(start - MINUTE) } } }), minutes * 12, "one row per series per minute");

    // A minute in the middle: its 6 samples average to minuteIndex + 2.5 (the minute starts 30 s into a sample minute).
    const series = await prisma.metricSample.findMany({
      where: { resolution: 60, node: "mq2", metric: "enqueued", destination: "/queue/b" },
      orderBy: { time: "asc" },
    });
    assert.equal(series.length, minutes);
    const mid = series[600]!;
    const samplesInMinute = rows.filter((x) => x.node === "mq2" && x.metric === "enqueued" && x.time.getTime() >= mid.time.getTime() && x.time.getTime() < mid.time.getTime() + MINUTE);
    assert.equal(samplesInMinute.length, 6);
    const expected = samplesInMinute.reduce((a, x) => a + x.value, 0) / samplesInMinute.length;
    assert.ok(Math.abs(mid.value - expected) < 1e-9, `${mid.value} vs ${expected}`);

    const again = await recorder.rollup(now);
    assert.deepEqual(again, { folded: 0, minutes: 0, pruned: 0 }, "a second run finds nothing to do");
  });

  test("rolls up thousands of destination series (every destination that moved gets samples now)", async () => {
    // 2,000 destinations on one master, each with depth/enqueued/dequeued every 5 s for three
    // minutes older than the raw hour: 216,000 raw rows, one roll-up row per series and minute.
    const now = Date.parse("2026-06-05T12:00:00.000Z");
    const start = now - HOUR - 3 * MINUTE - MINUTE; // three whole minutes, all before the cutoff
    const repo = createMetricSampleRepository(prisma);
    const rows: Parameters<typeof repo.insert>[0] = [];
    for (let t = start; t < start + 3 * MINUTE; t += 5_000) {
      for (let d = 0; d < 2000; d++) {
        for (const metric of ["depth", "enqueued", "dequeued"]) rows.push({ time: new Date(t), node: "mq-many", destination: `/queue/d${d}`, metric, value: d + (t - start) / 1000, resolution: 0 });
      }
    }
    assert.equal(rows.length, 216_000);
    await seedFast(rows);
    const r = await new MetricsRecorder(repo, logger).rollup(now);
    assert.equal(r.minutes >= 3, true, `${r.minutes} minutes folded`);
    assert.equal(await prisma.metricSample.count({ where: { node: "mq-many", resolution: 0 } }), 0, "no raw sample of the folded minutes is left");
    assert.equal(await prisma.metricSample.count({ where: { node: "mq-many", resolution: 60 } }), 2000 * 3 * 3, "one row per series per minute");
    const one = await prisma.metricSample.findMany({ where: { node: "mq-many", resolution: 60, destination: "/queue/d1234", metric: "enqueued" }, orderBy: { time: "asc" } });
    // Minute m holds the samples at 60m + 0, 5, …, 55 s: value 1234 + 60m + 27.5 on average.
    assert.deepEqual(one.map((x) => x.value), [1234 + 27.5, 1234 + 87.5, 1234 + 147.5]);
  });

  /**
   * Seeds rows straight through better-sqlite3 in one transaction (Prisma's createMany does ~4k
   * rows/s here, which would spend the test's time on seeding), in exactly the text form Prisma
   * writes DateTime columns: probed by writing one row through Prisma first.
   */
  async function seedFast(rows: Parameters<MetricSampleRepository["insert"]>[0]): Promise<void> {
    const probeTime = new Date(Date.UTC(2000, 0, 2, 3, 4, 5, 678));
    const probe = await prisma.metricSample.create({ data: { time: probeTime, node: "probe", metric: "probe", value: 0, resolution: 99 } });
    const db = new Database(path.join(dir, "console.db"));
    try {
      const raw = (db.prepare(`SELECT "time" AS t FROM "MetricSample" WHERE "id" = ?`).get(probe.id) as { t: string }).t;
      const iso = probeTime.toISOString();
      const spell = raw === iso ? (d: Date) => d.toISOString() : raw === iso.replace("Z", "+00:00") ? (d: Date) => d.toISOString().replace("Z", "+00:00") : null;
      assert.ok(spell, `unexpected DateTime storage format ${raw}`);
      db.prepare(`DELETE FROM "MetricSample" WHERE "id" = ?`).run(probe.id);
      const insert = db.prepare(`INSERT INTO "MetricSample" ("time", "node", "destination", "metric", "value", "resolution") VALUES (?, ?, ?, ?, ?, ?)`);
      db.transaction(() => {
        for (const r of rows) insert.run(spell(r.time), r.node, r.destination, r.metric, r.value, r.resolution);
      })();
    } finally {
      db.close();
    }
  }

  test("records every destination the node's change feed names, and none that did not move", async () => {
    const repo = createMetricSampleRepository(prisma);
    // The node's side is tested on a real broker (destinationChanges.test.ts) and end to end
    // (e2e/consoleBusyDestinationHistory.test.ts); here, what the recorder makes of its answers.
    const reads: DestinationChangeRead[] = [];
    const changes: DestinationChangeSource = { read: async () => reads.shift() ?? { reset: false, rows: [], deleted: [], pages: 1 } };
    const recorder = new MetricsRecorder(repo, logger, { minIntervalMs: 0, changes });
    const idle = Array.from({ length: 30 }, (_, i) => destinationRow({ name: `/queue/idle${i}`, depth: 1000 + i, enqueued: 1000 + i, dequeued: 0 }));
    const unused = Array.from({ length: 2000 }, (_, i) => destinationRow({ name: `/queue/unused${i}`, depth: 0, enqueued: 0, dequeued: 0 }));
    const busy = (n: number): DestinationRow => destinationRow({ name: "/queue/busy", depth: 0, enqueued: n, dequeued: n });
    const snapshot = (at: number): NodeSnapshot => ({ node: "mq9", group: "g", at, up: true, error: null, info: idleNodeInfo, destinations: [], destinationsTotal: 0, rates: { inPerSec: 0, outPerSec: 0 } });
    const t0 = Date.parse("2026-06-02T00:00:00.000Z");
    // First read: the node answers every destination (a full snapshot).
    reads.push({ reset: true, rows: [...idle, ...unused, busy(1_000)], deleted: [], pages: 3 });
    await recorder.record(snapshot(t0));
    // Then only what moved: the busy queue, twice; then nothing.
    reads.push({ reset: false, rows: [busy(2_000)], deleted: [], pages: 1 });
    await recorder.record(snapshot(t0 + 5_000));
    reads.push({ reset: false, rows: [busy(3_000)], deleted: [], pages: 1 });
    await recorder.record(snapshot(t0 + 10_000));
    await recorder.record(snapshot(t0 + 15_000));
    await recorder.flush();
    const destsAt = async (t: number): Promise<string[]> =>
      [...new Set((await prisma.metricSample.findMany({ where: { node: "mq9", time: new Date(t), destination: { not: null } } })).map((s) => s.destination!))].sort();
    assert.equal((await destsAt(t0)).length, 31, "the starting point: every destination that holds or has passed messages, not the 2,000 never used");
    assert.deepEqual(await destsAt(t0 + 5_000), ["/queue/busy"], "afterwards only what moved");
    assert.deepEqual(await destsAt(t0 + 10_000), ["/queue/busy"]);
    assert.deepEqual(await destsAt(t0 + 15_000), [], "a poll where nothing moved records no destination");
    const busyEnq = await prisma.metricSample.findMany({ where: { node: "mq9", destination: "/queue/busy", metric: "enqueued" }, orderBy: { time: "asc" } });
    assert.deepEqual(busyEnq.map((r) => r.value), [1_000, 2_000, 3_000]);
  });

  test("a destination that moves after a quiet stretch gets its unchanged values at the previous read, so its rate covers the poll it moved in", async () => {
    const repo = createMetricSampleRepository(prisma);
    const reads: DestinationChangeRead[] = [];
    const changes: DestinationChangeSource = { read: async () => reads.shift() ?? { reset: false, rows: [], deleted: [], pages: 1 } };
    const recorder = new MetricsRecorder(repo, logger, { minIntervalMs: 0, changes });
    const snapshot = (at: number): NodeSnapshot => ({ node: "mq-burst", group: "g", at, up: true, error: null, info: idleNodeInfo, destinations: [], destinationsTotal: 0, rates: { inPerSec: 0, outPerSec: 0 } });
    const t0 = Date.parse("2026-06-02T02:00:00.000Z");
    reads.push({ reset: true, rows: [destinationRow({ name: "/queue/q", depth: 0, enqueued: 100, dequeued: 100 }), destinationRow({ name: "/queue/new", depth: 0, enqueued: 0, dequeued: 0 })], deleted: [], pages: 1 });
    for (let t = 0; t <= 60_000; t += 5_000) await recorder.record(snapshot(t0 + t));
    reads.push({ reset: false, rows: [destinationRow({ name: "/queue/q", depth: 0, enqueued: 600, dequeued: 600 }), destinationRow({ name: "/queue/new", depth: 5, enqueued: 5, dequeued: 0 })], deleted: [], pages: 1 });
    await recorder.record(snapshot(t0 + 65_000));
    reads.push({ reset: false, rows: [destinationRow({ name: "/queue/q", depth: 0, enqueued: 1100, dequeued: 1100 })], deleted: [], pages: 1 });
    await recorder.record(snapshot(t0 + 70_000));
    await recorder.flush();
    const series = async (name: string): Promise<Array<[number, number]>> =>
      (await prisma.metricSample.findMany({ where: { node: "mq-burst", destination: name, metric: "enqueued" }, orderBy: { time: "asc" } })).map((r) => [r.time.getTime() - t0, r.value]);
    assert.deepEqual(await series("/queue/q"), [[0, 100], [60_000, 100], [65_000, 600], [70_000, 1100]], "the value before the burst at the previous read, none while it moves every poll");
    assert.deepEqual(await series("/queue/new"), [[60_000, 0], [65_000, 5]], "a never-used destination: nothing until it moves, then its zeros just before");
  });

  test("a failed change read still writes the node's own sample, and the next poll reads again", async () => {
    const repo = createMetricSampleRepository(prisma);
    let calls = 0;
    const changes: DestinationChangeSource = {
      read: async () => {
        if (++calls === 1) throw new Error("connect ECONNREFUSED");
        return { reset: false, rows: [destinationRow({ name: "/queue/x", depth: 1, enqueued: 1, dequeued: 0 })], deleted: [], pages: 1 };
      },
    };
    const recorder = new MetricsRecorder(repo, logger, { minIntervalMs: 0, changes });
    const t0 = Date.parse("2026-06-02T01:00:00.000Z");
    const snapshot = (at: number): NodeSnapshot => ({ node: "mq-flaky", group: "g", at, up: true, error: null, info: idleNodeInfo, destinations: [], destinationsTotal: 0, rates: { inPerSec: 0, outPerSec: 0 } });
    await recorder.record(snapshot(t0));
    await recorder.record(snapshot(t0 + 5_000));
    await recorder.flush();
    const rows = await prisma.metricSample.findMany({ where: { node: "mq-flaky" } });
    assert.ok(rows.some((r) => r.time.getTime() === t0 && r.metric === "depth" && r.destination === null), "the node's sample is written");
    assert.deepEqual(rows.filter((r) => r.destination !== null).map((r) => r.time.getTime() - t0), [5_000, 5_000, 5_000]);
  });

  test("records each slave's replication lag under the slave's name; the node and overview charts read it back", async () => {
    const repo = createMetricSampleRepository(prisma);
    const recorder = new MetricsRecorder(repo, logger, { minIntervalMs: 0 });
    const t0 = Date.parse("2026-06-03T00:00:00.000Z");
    const link = (node: string, lagBytes: number) => ({ node, remote: "127.0.0.1:1", cursor: 0, ackedMem: 0, ackedDisk: 0, state: "streaming" as const, connectedAt: t0, lagBytes });
    const master = (at: number, lag: [number, number], conns: number): NodeSnapshot => ({
      node: "mq7", group: "g7", at, up: true, error: null,
      info: {
        ...idleNodeInfo, nodeName: "mq7",
        connections: { current: conns, totalAccepted: conns, byTransport: {} },
        process: { ...idleNodeInfo.process, rss: 50_000_000 },
        ha: { role: "master", eid: null, quorum: 2, replicas: 3, sync: "quorum_mem", zkPath: "/g7", zkSession: null, zkState: null, position: 0, durablePosition: 0, term: null, slaves: [link("mq8", lag[0]), link("mq9s", lag[1])], following: null, election: "" },
      },
      destinations: [], destinationsTotal: 0, rates: { inPerSec: 10, outPerSec: 4 },
    });
    const slave = (at: number, conns: number): NodeSnapshot => ({ ...master(at, [0, 0], conns), node: "mq8", info: { ...idleNodeInfo, nodeName: "mq8", role: "slave", serving: false, connections: { current: conns, totalAccepted: 0, byTransport: {} } }, rates: { inPerSec: 0, outPerSec: 0 } });
    for (let i = 0; i < 6; i++) {
      await recorder.record(master(t0 + i * 10_000, [1000 * i, 7], 3));
      await recorder.record(slave(t0 + i * 10_000 + 200, 2));
    }
    await recorder.flush();
    const lag = await prisma.metricSample.findMany({ where: { metric: "lag_bytes", time: { gte: new Date(t0) } }, orderBy: { time: "asc" } });
    assert.deepEqual([...new Set(lag.map((r) => r.node))].sort(), ["mq8", "mq9s"], "lag is kept under the slaves' names");
    assert.deepEqual(lag.filter((r) => r.node === "mq8").map((r) => r.value), [0, 1000, 2000, 3000, 4000, 5000]);

    // Both ways of reading: averaged in SQLite, and read and averaged in the console (PostgreSQL).
    for (const dialect of ["sqlite", "portable"] as const) {
    const history = new MetricHistoryService(prisma, dialect);
    const window = { from: t0, to: t0 + 60_000 };
    const node = await history.read({ kind: "node", node: "mq8" }, window, t0 + 60_000);
    assert.equal(node.bucketMs, 10_000);
    const mq8Lag = node.series.find((x) => x.metric === "lag_bytes")!;
    assert.deepEqual(mq8Lag.values.slice(0, 6), [0, 1000, 2000, 3000, 4000, 5000], "one measured value per 10 s bucket");
    assert.deepEqual(node.series.find((x) => x.metric === "connections")!.values.slice(0, 6), [2, 2, 2, 2, 2, 2]);
    const cluster = await history.read({ kind: "cluster", nodes: ["mq7", "mq8", "mq9s"] }, window, t0 + 60_000);
    assert.deepEqual(cluster.series.find((x) => x.metric === "connections" && x.node === null)!.values.slice(0, 6), [5, 5, 5, 5, 5, 5], "total connections: master 3 + slave 2");
    assert.deepEqual(cluster.series.find((x) => x.metric === "in_per_sec")!.values.slice(0, 6), [10, 10, 10, 10, 10, 10]);
    assert.deepEqual(cluster.series.filter((x) => x.metric === "lag_bytes").map((x) => x.node).sort(), ["mq8", "mq9s"]);
    assert.equal(cluster.series.find((x) => x.metric === "memory_used" && x.node === "mq7")?.values[0], 0);
    // Seen from three hours later the same minute is one 1-minute bucket: the mean of its six samples.
    const later = await history.read({ kind: "node", node: "mq8" }, window, t0 + 3 * 3_600_000);
    assert.equal(later.bucketMs, 60_000);
    assert.equal(later.series.find((x) => x.metric === "lag_bytes")!.values[0], 2500);
    }
  });

  test("an idle node's polls write nothing; a change writes the held sample before it; a quiet series still gets one a minute", async () => {
    const real = createMetricSampleRepository(prisma);
    let inserts = 0;
    const repo: MetricSampleRepository = { ...real, insert: (rows) => (inserts++, real.insert(rows)) };
    // The feed names /queue/a when its depth changed since the previous read, as a node does.
    let shownDepth = -1;
    let nodeDepth = 0;
    const changes: DestinationChangeSource = {
      read: async () => {
        const moved = nodeDepth !== shownDepth;
        shownDepth = nodeDepth;
        return { reset: false, rows: moved ? [destinationRow({ name: "/queue/a", depth: nodeDepth, enqueued: nodeDepth, dequeued: 0 })] : [], deleted: [], pages: 1 };
      },
    };
    const recorder = new MetricsRecorder(repo, logger, { changes }); // at most one sample per node per 5 s, as in the console
    const snapshot = (at: number, depth: number): NodeSnapshot => {
      nodeDepth = depth;
      return {
        node: "mq-idle", group: "g", at, up: true, error: null,
        info: { ...idleNodeInfo, messages: { ...idleNodeInfo.messages, depth } },
        destinations: [], destinationsTotal: 1,
        rates: { inPerSec: 0, outPerSec: 0 },
      };
    };
    const t0 = Date.parse("2026-06-03T00:00:00.000Z");
    const times = async (): Promise<number[]> =>
      [...new Set((await prisma.metricSample.findMany({ where: { node: "mq-idle" } })).map((x) => x.time.getTime() - t0))].sort((a, b) => a - b);
    await recorder.record(snapshot(t0, 0));
    await recorder.flush();
    assert.equal(inserts, 1);
    for (let t = 5_000; t <= 15_000; t += 5_000) await recorder.record(snapshot(t0 + t, 0));
    await recorder.flush();
    assert.equal(inserts, 1, "polls that show the same values write nothing");
    await recorder.record(snapshot(t0 + 20_000, 3));
    await recorder.flush();
    assert.deepEqual(await times(), [0, 15_000, 20_000], "the last unchanged sample is written before the change, so the chart steps there");
    for (let t = 25_000; t <= 80_000; t += 5_000) await recorder.record(snapshot(t0 + t, 3));
    await recorder.flush();
    assert.deepEqual(await times(), [0, 15_000, 20_000, 80_000], "a quiet series is written once a minute");
    // A zoomed window between two of those writes holds none of them: it opens with the value held before it.
    for (const dialect of ["sqlite", "portable"] as const) {
      const zoomed = await new MetricHistoryService(prisma, dialect).read({ kind: "node", node: "mq-idle" }, { from: t0 + 30_000, to: t0 + 75_000 }, t0 + 90_000);
      assert.deepEqual(zoomed.series.find((x) => x.metric === "depth")?.values, [3, 3, 3, 3, 3], `${dialect}: the depth written at 20 s, held over 30–70 s`);
    }
  });
});

/** A node's answer with nothing going on (the admin contract's shape, every number zero). */
const idleNodeInfo: NodeInfo = {
  version: "0.0.0", brokerName: "b", nodeName: "mq9", groupName: "g", role: "master", serving: true, pid: 1,
  startedAt: "2026-06-02T00:00:00.000Z", uptimeMs: 0, listeners: {},
  connections: { current: 0, totalAccepted: 0, byTransport: {} },
  memory: { used: 0, limit: 0, percent: 0, blockedProducers: 0 },
  store: { used: 0, limit: 0, percent: 0, startPosition: 0, endPosition: 0, syncPolicy: null },
  messages: { queues: 0, topics: 0, depth: 0, inflight: 0, enqueued: 0, dequeued: 0, dispatched: 0, expired: 0, deadLettered: 0 },
  closedConnections: {}, security: { enabled: false, users: 0, allowAnonymous: true }, ha: null, bridges: [],
  process: { rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 },
};

function destinationRow(r: Pick<DestinationRow, "name" | "depth" | "enqueued" | "dequeued">): DestinationRow {
  return { kind: "queue", spilled: 0, dispatched: 0, expired: 0, deadLettered: 0, consumers: 0, producers: 0, inflight: 0, durableSubscriptions: 0, oldestMessageAgeMs: null, ...r };
}
