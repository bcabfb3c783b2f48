// The broker core in memory: the real Broker, Queue, Topic, Subscription and StompConnection over
// MemoryTransport (writes that can be blocked), so dispatch, backpressure and acknowledgement
// bookkeeping are checked without sockets or processes. The journal is a real one in a temp dir.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, describe, test } from "node:test";
import { pino } from "pino";
import { brokerPolicySchema } from "../../config/clusterSchema";
import { ReplicationGate } from "../ha/ReplicationGate";
import { openAccess } from "../stomp/openAccess";
import { StompConnection } from "../stomp/StompConnection";
import { Journal } from "../store/Journal";
import { MessageStore } from "../store/MessageStore";
import { clientFrame, headerOf, MemoryTransport } from "../testing/MemoryTransport";
import { Broker } from "./Broker";

const logger = pino({ level: "silent" });
/** Small on purpose: a consumer is "slow" after a few KiB unread. */
const PENDING_LIMIT = 4096;

/** Dispatch is scheduled, not synchronous: wait (bounded) for a condition. */
async function until(what: string, f: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Lets scheduled dispatch run (it would have delivered by now if it were going to). */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 50));

describe("broker core over an in-memory transport", () => {
  let dir: string;
  let journal: Journal;
  let broker: Broker;
  let n = 0;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "broker-core-test-"));
    journal = await Journal.open({ dir, logger });
  });
  after(async () => {
    await journal.close();
    await rm(dir, { recursive: true, force: true });
  });
  afterEach(() => broker?.stop());

  function start(): void {
    const gate = new ReplicationGate(journal, { name: "local_mem", local: "mem", remote: "none", minSlaveAcks: 0 }, logger);
    broker = new Broker("mq1", brokerPolicySchema.parse({ maxPendingBytesPerConnection: PENDING_LIMIT }), new MessageStore(journal, gate, logger), logger);
  }

  function client(): { conn: StompConnection; t: MemoryTransport; send(command: string, headers: Array<[string, string]>, body?: string): void } {
    const t = new MemoryTransport(`127.0.0.1:${40000 + n}`);
    const conn = new StompConnection({
      id: `c${++n}`,
      transport: t,
      broker,
      policy: broker.policy,
      maxFrameSize: 1 << 20,
      access: openAccess(),
      logger,
      hooks: { onClose: () => {} },
      serving: () => null,
    });
    conn.receive(clientFrame("CONNECT", [["accept-version", "1.2"], ["host", "mq1"]]));
    assert.equal(t.frames[0]?.command, "CONNECTED");
    return { conn, t, send: (command, headers, body = "") => conn.receive(clientFrame(command, headers, body)) };
  }

  test("a queue hands each message to exactly one consumer, spreading them over its consumers", async () => {
    start();
    const a = client();
    const b = client();
    a.send("SUBSCRIBE", [["destination", "/queue/work"], ["id", "s"]]);
    b.send("SUBSCRIBE", [["destination", "/queue/work"], ["id", "s"]]);
    const p = client();
    for (let i = 0; i < 20; i++) p.send("SEND", [["destination", "/queue/work"], ["n", String(i)]], `m${i}`);
    await until("20 deliveries", () => a.t.received("MESSAGE").length + b.t.received("MESSAGE").length === 20);
    await settle();
    const got = [...a.t.received("MESSAGE"), ...b.t.received("MESSAGE")].map((f) => headerOf(f, "n"));
    assert.equal(got.length, 20, "nothing delivered twice");
    assert.equal(new Set(got).size, 20);
    assert.ok(a.t.received("MESSAGE").length > 0 && b.t.received("MESSAGE").length > 0, "both consumers get work");
    assert.equal(broker.queues.get("/queue/work")!.depth, 0);
  });

  test("a consumer that stops reading is sent no more than its pending limit; the rest waits in the queue and follows on drain, in order", async () => {
    start();
    const c = client();
    c.send("SUBSCRIBE", [["destination", "/queue/slow"], ["id", "s"]]);
    c.t.block();
    const p = client();
    const body = "x".repeat(500);
    for (let i = 0; i < 100; i++) p.send("SEND", [["destination", "/queue/slow"], ["n", String(i)]], body);
    await until("the transport to fill", () => c.t.pendingBytes() >= PENDING_LIMIT);
    await settle();
    const q = broker.queues.get("/queue/slow")!;
    assert.ok(c.t.pendingBytes() < PENDING_LIMIT + 1024, `writes stop at the limit (one frame over at most), not at ${c.t.pendingBytes()} bytes`);
    assert.ok(q.depth > 80, `the backlog stays in the queue (depth ${q.depth})`);
    assert.equal(c.t.received("MESSAGE").length, 0, "the peer has read nothing yet");

    c.t.unblock();
    c.conn.drained();
    // Each drain lets another limit's worth through; the peer keeps reading.
    await until("all 100 delivered", () => {
      if (c.t.pendingBytes() > 0) {
        c.t.unblock();
        c.conn.drained();
      }
      return c.t.received("MESSAGE").length === 100;
    });
    assert.deepEqual(c.t.received("MESSAGE").map((f) => Number(headerOf(f, "n"))), Array.from({ length: 100 }, (_, i) => i));
    assert.equal(q.depth, 0);
  });

  test("acknowledgement bookkeeping: prefetch bounds what is in flight, ACK frees a slot, a closed consumer's unacked messages go to another, marked redelivered", async () => {
    start();
    const a = client();
    a.send("SUBSCRIBE", [["destination", "/queue/acked"], ["id", "s"], ["ack", "client-individual"], ["activemq.prefetchSize", "2"]]);
    const p = client();
    for (let i = 0; i < 5; i++) p.send("SEND", [["destination", "/queue/acked"], ["n", String(i)]], `m${i}`);
    const q = () => broker.queues.get("/queue/acked")!;
    await until("two in flight", () => a.t.received("MESSAGE").length === 2);
    await settle();
    assert.equal(a.t.received("MESSAGE").length, 2, "prefetch 2: no third message before an ACK");
    assert.equal(q().inflight, 2);
    assert.equal(q().depth, 3);

    a.send("ACK", [["id", headerOf(a.t.received("MESSAGE")[0]!, "ack")!]]);
    await until("a third after the ACK", () => a.t.received("MESSAGE").length === 3);
    assert.equal(q().inflight, 2);
    assert.equal(q().depth, 2);

    const b = client();
    b.send("SUBSCRIBE", [["destination", "/queue/acked"], ["id", "s"], ["ack", "client-individual"], ["activemq.prefetchSize", "10"]]);
    a.conn.transportClosed();
    await until("b has the rest", () => b.t.received("MESSAGE").length === 4);
    const redelivered = b.t.received("MESSAGE").filter((f) => headerOf(f, "redelivered") === "true").map((f) => headerOf(f, "n"));
    assert.deepEqual(redelivered.sort(), ["1", "2"], "a's two unacknowledged messages come back marked redelivered");
    assert.equal(q().inflight, 4);
  });

  test("a topic copies every message to every subscriber; a stalled one holds up nobody and catches up on drain", async () => {
    start();
    const fast = client();
    const stalled = client();
    fast.send("SUBSCRIBE", [["destination", "/topic/prices"], ["id", "s"]]);
    stalled.send("SUBSCRIBE", [["destination", "/topic/prices"], ["id", "s"]]);
    stalled.t.block();
    const p = client();
    for (let i = 0; i < 5; i++) p.send("SEND", [["destination", "/topic/prices"], ["n", String(i)]], `p${i}`);
    await until("the fast subscriber has all five", () => fast.t.received("MESSAGE").length === 5);
    assert.equal(stalled.t.received("MESSAGE").length, 0);
    stalled.t.unblock();
    stalled.conn.drained();
    await until("the stalled one catches up", () => stalled.t.received("MESSAGE").length === 5);
    assert.deepEqual(stalled.t.received("MESSAGE").map((f) => headerOf(f, "n")), ["0", "1", "2", "3", "4"]);
  });
});
