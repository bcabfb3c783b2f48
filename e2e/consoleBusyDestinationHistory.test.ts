// Issue #14, "charts that show the busy things", against the console as it runs: a real cluster
// (coordinator and broker processes) the console attaches to, the console's own pollers and metric
// recorder on a real SQLite database, real STOMP clients over TCP. A master with 2,000+ queues: hundreds
// holding a message each and a few deep ones (all idle), and one busy queue that a consumer
// empties as fast as it is fed — depth 0 at every poll, so it ranks below the 200 deepest. The
// busy queue must get samples, rates and a history through the destinations.history procedure;
// the idle ones must get no new samples while they do not move.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { pino } from "pino";
import { createApiTestHarness, principal, type ApiTestHarness } from "../server/api/apiTestHarness";
import { ClusterConsoleRuntime } from "../server/console/cluster/ClusterConsoleRuntime";
import type { ClusterRuntime } from "../server/console/cluster/ClusterRuntime";
import { DestinationChangeReader } from "../server/console/cluster/DestinationChangeReader";
import { ClusterProcess } from "./support/clusterProcess";
import { connectStomp, type StompTestClient } from "./support/stompClient";

/** Queues holding one message each: more than the 200 a depth-sorted page shows. */
const ONE_MESSAGE_QUEUES = 250;
const DEEP_QUEUES = 5;
const DEEP_DEPTH = 100;
/** Never-used queues, so the master holds 2,000+ destinations. */
const EMPTY_QUEUES = 2000;
const BUSY = "/queue/busy";

async function until<T>(what: string, fn: () => T | undefined | null | false | Promise<T | undefined | null | false>, ms = 100_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v !== undefined && v !== null && v !== false) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("history for every destination that moved, not only the deepest", { timeout: 175_000 }, () => {
  let dir: string;
  let processes: ClusterProcess;
  let rt: ClusterConsoleRuntime;
  let cluster: ClusterRuntime;
  let h: ApiTestHarness;
  let master: string;
  let port: number;
  const clients: StompTestClient[] = [];

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "tandem-busy-history-"));
    // One group of two nodes, with a coordinator session long enough that a loaded machine does not
    // end it: a new master would be a new incarnation, whose first read is a full snapshot (tested
    // in destinationChanges.test.ts), and this test is about a master that stays.
    const adminToken = randomBytes(24).toString("hex");
    processes = await ClusterProcess.start({ nodes: 2, replicas: 2, sync: "local_mem", zkSessionTimeout: "30s", tickTime: 1500, cluster: { adminToken } });
    await processes.waitForMaster(60_000);
    rt = new ClusterConsoleRuntime({ mode: "attach", dataDir: dir, zkAddress: processes.zkAddress, adminToken });
    h = await createApiTestHarness({ runtime: rt });
    await rt.start({ prisma: h.prisma, events: h.services.events, live: h.services.live, logger: pino({ level: "silent" }) });
    cluster = rt.cluster!;
    cluster.setWatched(true);
    master = await until("a serving master in group1", () => {
      const m = cluster.masterOf("group1");
      return m !== null && (cluster.pollers.get(m)?.latest?.info as { serving?: boolean } | null | undefined)?.serving === true ? m : null;
    });
    const stomp = cluster.nodes.find((n) => n.name === master)!.stomp.find((u) => u.startsWith("stomp://") || u.startsWith("tcp://"))!;
    port = Number(new URL(stomp.replace(/^tcp:/, "stomp:")).port);
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await rt?.stop();
    await h?.close();
    await processes?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function client(): Promise<StompTestClient> {
    const c = await connectStomp(port);
    clients.push(c);
    return c;
  }

  const samplesOf = (name: string, metric = "enqueued") =>
    h.prisma.metricSample.findMany({ where: { node: master, destination: name, metric, resolution: 0 }, orderBy: { time: "asc" } });

  test("a busy, never-deep queue below the 200 deepest gets samples, rates and history; idle queues get no new samples", async (t) => {
    // The idle population: one-message queues and deep ones. Not persistent and paced (a round trip
    // every 50 frames): a burst of journaled, replicated sends on a loaded machine can cost the
    // master its 2-second coordinator session, which is not what this test is about.
    const producer = await client();
    const fill: Array<[string, number]> = [
      ...Array.from({ length: ONE_MESSAGE_QUEUES }, (_, i): [string, number] => [`/queue/one-${i}`, 1]),
      ...Array.from({ length: DEEP_QUEUES }, (_, d): [string, number] => [`/queue/deep-${d}`, DEEP_DEPTH]),
    ];
    let frames = 0;
    for (const [name, n] of fill) {
      for (let i = 0; i < n; i++) {
        producer.sendFrame("SEND", [["destination", name]], "x");
        if (++frames % 50 === 0) await producer.sync();
      }
    }
    await producer.request("SEND", [["destination", "/queue/one-0"]], "x"); // /queue/one-0 holds 2
    for (let i = 0; i < EMPTY_QUEUES; i += 25) {
      await Promise.all(Array.from({ length: 25 }, (_, j) => cluster.admin.createDestination(master, `/queue/empty-${i + j}`)));
    }
    await producer.disconnect();
    // The busy queue: consumed with auto-ack as it is fed, so it never holds a message.
    const consumer = await client();
    consumer.sendFrame("SUBSCRIBE", [["id", "busy"], ["destination", BUSY], ["ack", "auto"]]);
    await consumer.sync();
    assert.equal((await cluster.admin.getDestination(master, BUSY)).depth, 0);
    const total = (await cluster.admin.listDestinations(master, { limit: 1 })).total;
    assert.ok(total >= ONE_MESSAGE_QUEUES + DEEP_QUEUES + EMPTY_QUEUES + 1, `${total} destinations on the master`);
    const deepest = await cluster.admin.listDestinations(master, { limit: 200, sort: "depth", order: "desc" });
    assert.ok(!deepest.items.some((d) => d.name === BUSY), "the busy queue is not among the 200 deepest");

    // The idle queues' own samples (written when they were filled) are in; from now on they do not move.
    await until("the recorder's samples of the filled queues", async () => (await samplesOf("/queue/deep-0")).length > 0 && (await samplesOf("/queue/one-249")).length > 0, 60_000);
    await sleep(11_000); // the recorder writes buffered samples every 10 s: let the last of those land
    const idleBefore = new Map<string, number>();
    for (const name of ["/queue/deep-0", "/queue/deep-4", "/queue/one-0", "/queue/one-249", "/queue/empty-7"]) idleBefore.set(name, (await samplesOf(name, "depth")).length);
    assert.ok(idleBefore.get("/queue/empty-7")! <= 1, "a created queue gets its creation's sample at most");

    // Busy traffic for a while: about 40 messages a second, every one consumed at once (a connection
    // of its own: the first one sat idle past the broker's inactivity timeout meanwhile).
    const feeder = await client();
    let stop = false;
    let sent = 0;
    const feeding = (async () => {
      while (!stop) {
        for (let i = 0; i < 10; i++) feeder.sendFrame("SEND", [["destination", BUSY]], `b${sent++}`);
        await feeder.request("SEND", [["destination", BUSY]], `b${sent++}`);
        await sleep(250);
      }
    })();
    feeding.catch(() => {}); // awaited below; a failure there fails the test
    // Rows per read of the change feed while only the busy queue moves (a reader of our own, next to the console's).
    const reader = new DestinationChangeReader(cluster.admin);
    const fullStart = performance.now();
    const full = await reader.read(master);
    const fullMs = performance.now() - fullStart;
    const busyReads: number[] = [];
    try {
      const enq = await until("at least four samples of the busy queue, its counter rising", async () => {
        const rows = await samplesOf(BUSY);
        busyReads.push((await reader.read(master)).rows.length);
        return rows.length >= 4 && rows.at(-1)!.value > rows[0].value ? rows : null;
      }, 90_000);
      assert.ok(enq.length >= 4);
      await sleep(6_000);
    } finally {
      stop = true;
      await feeding;
    }
    assert.equal((await cluster.admin.getDestination(master, BUSY)).depth, 0, "the busy queue stayed empty");

    // The busy queue's history through the console's procedure: counters and an in/out rate.
    const viewer = h.caller(principal("viewer", "vic"));
    const history = await until("the busy queue's history with a rate", async () => {
      const r = await viewer.destinations.history({ group: "group1", name: BUSY, rangeMs: 15 * 60_000 });
      return r.points.some((p) => p.inPerSec !== null && p.inPerSec > 0 && p.outPerSec !== null && p.outPerSec > 0) ? r : null;
    }, 30_000);
    const withCounters = history.points.filter((p) => p.enqueued !== null);
    assert.ok(withCounters.length >= 4, `${withCounters.length} history points`);
    assert.ok(withCounters.every((p) => p.depth === 0), "depth 0 at every sample");
    assert.ok(withCounters.at(-1)!.enqueued! > withCounters[0].enqueued!);

    // The idle queues got nothing new while the busy one ran (the recorder's flush included).
    await sleep(11_000);
    for (const [name, before] of idleBefore) assert.equal((await samplesOf(name, "depth")).length, before, `${name} did not move: no new sample`);

    // Figures for the report: what a poll costs with 2,000+ destinations.
    const cursorReader = new DestinationChangeReader(cluster.admin);
    await cursorReader.read(master);
    const idleTimes: number[] = [];
    let idleRows = 0;
    for (let i = 0; i < 10; i++) {
      const s = performance.now();
      idleRows += (await cursorReader.read(master)).rows.length;
      idleTimes.push(performance.now() - s);
    }
    const pageTimes: number[] = [];
    for (let i = 0; i < 10; i++) {
      const s = performance.now();
      await cluster.admin.listDestinations(master, { limit: 200, sort: "depth", order: "desc" });
      pageTimes.push(performance.now() - s);
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    assert.equal(idleRows, 0, "an idle master's change reads answer no rows");
    t.diagnostic(`${total} destinations; full read ${full.rows.length} rows in ${full.pages} pages, ${fullMs.toFixed(0)} ms`);
    t.diagnostic(`rows per read while only the busy queue moved: ${busyReads.join(",")}`);
    t.diagnostic(`idle change read: 0 rows, median ${median(idleTimes).toFixed(1)} ms; old 200-deepest page: median ${median(pageTimes).toFixed(1)} ms`);
    assert.ok(busyReads.every((n) => n <= 1), `only the busy queue moves: ${busyReads.join(",")}`);
  });
});
