// The poller against a real HTTP server on a loopback port: "down" and "up" are transitions, and a
// node that has not answered yet is starting, not down (no false node-down events at start-up).
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { pino } from "pino";
import type { NodeInfo } from "../../runtime/admin/adminResponses";
import { AdminClient } from "../admin/AdminClient";
import { NodePoller } from "./NodePoller";

/** A slave's answer to GET /api/v1/node, valid against the admin contract. */
const slaveInfo: NodeInfo = {
  version: "0", brokerName: "b", nodeName: "mq1", groupName: "group1", role: "slave", serving: false, pid: 1, startedAt: "", uptimeMs: 1000, listeners: {},
  connections: { current: 0, totalAccepted: 0, byTransport: {} },
  memory: { used: 0, limit: 10, percent: 0, blockedProducers: 0 },
  store: { used: 0, limit: 10, percent: 0, startPosition: 0, endPosition: 0, syncPolicy: null },
  messages: { queues: 0, topics: 0, depth: 0, inflight: 0, enqueued: 0, dequeued: 0, dispatched: 0, expired: 0, deadLettered: 0 },
  closedConnections: {}, security: { enabled: false, users: 0, allowAnonymous: true }, ha: null, bridges: [],
  process: { rss: 1, heapUsed: 1, heapTotal: 1, external: 1, arrayBuffers: 1 },
};

/** The console's real admin client, pointed at one loopback port for every node name. */
function adminAt(port: number): AdminClient {
  return new AdminClient({ token: "t", urlOf: () => `http://127.0.0.1:${port}` });
}

function nodeServer(port = 0): Promise<Server> {
  const s = createServer((_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(slaveInfo));
  });
  return new Promise((r) => s.listen(port, "127.0.0.1", () => r(s)));
}

async function until(what: string, f: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("a node that has not answered yet raises no node-down until the start-up grace has passed", async () => {
  // A port that nobody listens on (bound, then closed).
  const probe = await nodeServer();
  const port = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  const p = new NodePoller({ name: "mq1", group: "group1" }, { admin: adminAt(port), fastMs: 20, slowMs: 20, logger: pino({ level: "silent" }), startupGraceMs: 60_000 });
  const events: string[] = [];
  p.on("down", () => events.push("down"));
  p.on("up", () => events.push("up"));
  p.setWatched(true);
  p.start();
  await until("several failed polls", () => p.latest !== null && !p.latest.up);
  await new Promise((r) => setTimeout(r, 300));
  p.stop();
  assert.deepEqual(events, [], "starting is not down");

  const q = new NodePoller({ name: "mq1", group: "group1" }, { admin: adminAt(port), fastMs: 20, slowMs: 20, logger: pino({ level: "silent" }), startupGraceMs: 200 });
  const reasons: string[] = [];
  q.on("down", (_n, why) => reasons.push(why));
  q.setWatched(true);
  q.start();
  await until("the grace to pass", () => reasons.length > 0);
  await new Promise((r) => setTimeout(r, 200));
  q.stop();
  assert.equal(reasons.length, 1, "reported once");
  assert.match(reasons[0]!, /never answered in the \d+ s since the console started/);
});

test("up, then down, then up again: one event per transition", async () => {
  const server = await nodeServer();
  const port = (server.address() as AddressInfo).port;
  const p = new NodePoller({ name: "mq2", group: "group1" }, { admin: adminAt(port), fastMs: 20, slowMs: 20, logger: pino({ level: "silent" }), startupGraceMs: 60_000 });
  const events: string[] = [];
  p.on("down", () => events.push("down"));
  p.on("up", () => events.push("up"));
  p.setWatched(true);
  p.start();
  try {
    await until("first answer", () => p.latest?.up === true);
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await until("down", () => events.length === 1);
    await new Promise((r) => setTimeout(r, 200));
    const again = await nodeServer(port);
    await until("up", () => events.length === 2);
    await new Promise((r) => setTimeout(r, 100));
    again.closeAllConnections();
    await new Promise((r) => again.close(r));
  } finally {
    p.stop();
  }
  assert.deepEqual(events, ["down", "up"]);
});

/**
 * A serving node that honours the long-poll (`changedFrom` + `waitMs`) the way the real one does:
 * it holds the answer while its fingerprint equals `changedFrom`. `change()` moves its state.
 * Counts the requests it was sent, and remembers whether each /node request asked to hold.
 */
async function longPollNode(): Promise<{ server: Server; port: number; nodeCalls: boolean[]; destCalls: () => number; change: () => void }> {
  let version = 1;
  const waiting = new Set<() => void>();
  const nodeCalls: boolean[] = [];
  let destCalls = 0;
  const info = (): NodeInfo => ({ ...slaveInfo, role: "master", serving: true, messages: { ...slaveInfo.messages, enqueued: version }, shown: `v${version}` });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://node");
    res.setHeader("content-type", "application/json");
    if (url.pathname === "/api/v1/destinations") {
      destCalls++;
      res.end(JSON.stringify({ total: 0, offset: 0, limit: 200, items: [] }));
      return;
    }
    const from = url.searchParams.get("changedFrom");
    nodeCalls.push(from !== null);
    if (from === null || from !== `v${version}`) {
      res.end(JSON.stringify(info()));
      return;
    }
    const answer = (): void => {
      clearTimeout(timer);
      waiting.delete(answer);
      if (!res.destroyed) res.end(JSON.stringify(info()));
    };
    const timer = setTimeout(answer, Number(url.searchParams.get("waitMs") ?? 0));
    waiting.add(answer);
    res.on("close", () => {
      clearTimeout(timer);
      waiting.delete(answer);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    nodeCalls,
    destCalls: () => destCalls,
    change: () => {
      version++;
      for (const w of [...waiting]) w();
    },
  };
}

async function closeServer(s: Server): Promise<void> {
  s.closeAllConnections();
  await new Promise((r) => s.close(r));
}

test("an idle node is asked once per hold, not once per interval, and its destinations only when it changed", async () => {
  const n = await longPollNode();
  const p = new NodePoller({ name: "mq1", group: "group1" }, { admin: adminAt(n.port), fastMs: 20, slowMs: 20, holdMs: 500, logger: pino({ level: "silent" }) });
  p.setWatched(true);
  p.start();
  try {
    await until("first answer", () => p.latest?.up === true);
    await new Promise((r) => setTimeout(r, 2000));
  } finally {
    p.stop();
    await closeServer(n.server);
  }
  // Polling every 20 ms would have asked ~100 times; holding 500 ms at a time asks ~5 times.
  assert.ok(n.nodeCalls.length <= 10, `${n.nodeCalls.length} /node requests in 2 s`);
  assert.ok(n.nodeCalls.slice(1).every((held) => held), "every poll after the first is a long-poll");
  assert.equal(n.destCalls(), 1, "the destinations page is fetched once: the node's fingerprint never moved");
});

test("a change reaches the poller while it holds, without waiting out the hold", async () => {
  const n = await longPollNode();
  const p = new NodePoller({ name: "mq1", group: "group1" }, { admin: adminAt(n.port), fastMs: 20, slowMs: 20, holdMs: 20_000, logger: pino({ level: "silent" }) });
  p.setWatched(true);
  p.start();
  try {
    await until("first answer", () => p.latest?.up === true);
    await until("a held poll", () => n.nodeCalls.length >= 2);
    const t0 = Date.now();
    n.change();
    await until("the change", () => p.latest?.info?.shown === "v2", 15_000);
    assert.ok(Date.now() - t0 < 15_000);
    assert.equal(n.destCalls(), 2, "the changed node's destinations are fetched again");
  } finally {
    p.stop();
    await closeServer(n.server);
  }
});

test("a node that dies during a hold is seen down at once; refresh() cuts a hold short and asks without holding", async () => {
  const n = await longPollNode();
  const p = new NodePoller({ name: "mq1", group: "group1" }, { admin: adminAt(n.port), fastMs: 20, slowMs: 20, holdMs: 20_000, logger: pino({ level: "silent" }) });
  const events: string[] = [];
  p.on("down", () => events.push("down"));
  p.setWatched(true);
  p.start();
  try {
    await until("first answer", () => p.latest?.up === true);
    await until("a held poll", () => n.nodeCalls.length === 2);
    p.refresh();
    await until("a plain poll after refresh", () => n.nodeCalls.length >= 3 && n.nodeCalls[2] === false);
    await until("holding again", () => n.nodeCalls.length >= 4);
    assert.equal(n.nodeCalls[3], true);
    await closeServer(n.server);
    // Well under the 20 s hold: the closed socket says so.
    await until("down", () => events.length === 1, 15_000);
  } finally {
    p.stop();
    await closeServer(n.server).catch(() => undefined);
  }
  assert.deepEqual(events, ["down"]);
});

test("a node that stops answering during a hold (SIGSTOP) is seen down one poll timeout after refresh(), not after the hold", async () => {
  const n = await longPollNode();
  const p = new NodePoller({ name: "mq1", group: "group1" }, { admin: adminAt(n.port), fastMs: 20, slowMs: 20, holdMs: 25_000, logger: pino({ level: "silent" }) });
  const events: string[] = [];
  p.on("down", () => events.push("down"));
  p.setWatched(true);
  p.start();
  try {
    await until("first answer", () => p.latest?.up === true);
    await until("a held poll", () => n.nodeCalls.length === 2);
    // From now on the node reads requests and never answers (a stopped process's kernel still accepts).
    n.server.removeAllListeners("request");
    n.server.on("request", () => undefined);
    // What the runtime does when the coordinator reports the node's session gone.
    p.refresh();
    await until("down", () => events.length === 1, 15_000);
  } finally {
    p.stop();
    await closeServer(n.server);
  }
  assert.deepEqual(events, ["down"]);
});
