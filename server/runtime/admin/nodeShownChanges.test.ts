// The /node long-poll's fingerprint (ShownFingerprint) over a real Broker and journal: every kind of
// change a console shows of a destination moves it — a held poll wakes — although a sweep no
// longer walks the destinations (it follows the broker's change sequence), and a sweep's
// fingerprint always equals the one a full GET /node answer carries at the same moment.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Broker } from "../broker/Broker";
import type { Subscription } from "../broker/Subscription";
import { adminTestBrokers } from "../testing/adminTestBroker";
import type { AdminContext } from "./AdminContext";
import { nodeInfo } from "./nodeInfo";
import { NodeChangeWaiter, ShownFingerprint } from "./nodeShown";

describe("the /node fingerprint follows every shown destination change", () => {
  const { journal, newBroker, contextOf } = adminTestBrokers("node-shown-test-");

  function send(broker: Broker, name: string, from: string, persistent = false): void {
    broker.send(broker.resolve(name, from), broker.createMessage({ destination: name, headers: [], body: Buffer.from("x"), persistent, hasContentLength: false, priority: 4, expires: 0 }), from);
  }

  function subscribe(broker: Broker, name: string, conn: string, ackMode: "auto" | "client", writable = true): Subscription {
    return broker.subscribe({ connectionId: conn, writable: () => writable, sendMessage: () => {} }, broker.resolve(name, conn), { id: `${name}-${conn}`, destination: name, ackMode, prefetch: 10, selector: null });
  }

  /**
   * Runs `change` while a long-poll holds the fingerprint from before it, and checks that the held
   * poll wakes (the change moved the fingerprint) and that the sweep's fingerprint is the one a
   * full answer carries (the reused totals are not stale).
   */
  async function assertWakes(ctx: AdminContext, what: string, change: () => void | Promise<void>): Promise<void> {
    const shown = new ShownFingerprint(ctx);
    const waiter = new NodeChangeWaiter(() => shown.current(), 5);
    const from = shown.current();
    assert.equal(shown.current(), from, `${what}: nothing changed yet`);
    let woke = false;
    void waiter.wait(from, 600_000).then(() => (woke = true)); // never rejects
    assert.equal(waiter.size, 1, `${what}: the poll is held`);
    await change();
    assert.notEqual(shown.current(), from, `${what} moves the fingerprint`);
    // The waiter's next sweep (every 5 ms here) releases the hold; bounded for a starved machine.
    for (const end = Date.now() + 15_000; !woke && Date.now() < end; ) await new Promise((r) => setTimeout(r, 5));
    assert.ok(woke, `${what} wakes the held poll`);
    assert.equal(shown.current(), shown.of(nodeInfo(ctx)), `${what}: a sweep's fingerprint equals a full answer's`);
  }

  test("create, send, consume, ack, consumers, producers, purge, delete, topics, durables, spill and page-in", async () => {
    const broker = newBroker();
    const ctx = contextOf(broker);
    await assertWakes(ctx, "a queue created by a send", () => send(broker, "/queue/a", "p1"));
    await assertWakes(ctx, "a send to an existing queue (depth, enqueued)", () => send(broker, "/queue/a", "p1"));
    await assertWakes(ctx, "a second producer on the queue", () => send(broker, "/queue/a", "p2"));
    await assertWakes(ctx, "a producer's connection closing (producers only)", () => broker.connectionClosed("p2"));
    let sub: Subscription | undefined;
    await assertWakes(ctx, "a client-ack consumer (consumers, in-flight)", () => void (sub = subscribe(broker, "/queue/a", "c1", "client")));
    const inflight = [...sub!.inflight.values()];
    assert.ok(inflight.length > 0, "the consumer holds messages in flight");
    await assertWakes(ctx, "an unsubscribe returning in-flight messages (redelivery)", () => broker.unsubscribe(sub!));
    await assertWakes(ctx, "an auto-ack consumer draining the queue (dequeued, depth 0)", () => void subscribe(broker, "/queue/a", "c2", "auto"));
    await assertWakes(ctx, "another queue created by a send", () => send(broker, "/queue/b", "p1"));
    await assertWakes(ctx, "a purge of a queue with messages", () => void broker.queues.get("/queue/b")!.purge());
    await assertWakes(ctx, "a queue deleted", () => {
      broker.queues.get("/queue/b")!.close();
      broker.queues.delete("/queue/b");
      broker.destinationDeleted("/queue/b");
    });
    await assertWakes(ctx, "a topic subscriber", () => void subscribe(broker, "/topic/t", "c3", "auto"));
    await assertWakes(ctx, "a topic publish", () => send(broker, "/topic/t", "p3"));
    await assertWakes(ctx, "a durable subscription", () => {
      broker.subscribe({ connectionId: "c4", writable: () => true, sendMessage: () => {} }, broker.resolve("/topic/t", "c4"), { id: "d", destination: "/topic/t", ackMode: "auto", prefetch: 10, selector: null }, { clientId: "c4", subName: "d" });
    });
    // Spill: persistent messages nobody consumes move to the journal and back.
    for (let i = 0; i < 5; i++) send(broker, "/queue/s", "p1", true);
    await journal().sync?.();
    const q = broker.queues.get("/queue/s")!;
    await assertWakes(ctx, "messages spilled to disk (spilled count only)", () => void q.evictToDisk(Number.MAX_SAFE_INTEGER));
    assert.ok(q.spilledCount > 0, "messages were spilled");
    // A consumer that cannot take a message (its socket is backed up): paging in is the only change.
    const slow = subscribe(broker, "/queue/s", "c5", "client", false);
    void slow;
    await assertWakes(ctx, "spilled messages paged back in (spilled count only)", async () => {
      for (let i = 0; i < 1000 && q.spilledCount > 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(q.spilledCount, 0, "paged in");
    });
  });
});
