// The node's destination change feed (GET /destination-changes) over a real Broker and journal,
// at the volume it exists for: thousands of destinations, of which some move. Cursor semantics,
// paging without gap or repeat while destinations keep changing, deletions, and cursors from
// another incarnation (a restarted node or a new master) answered as a full snapshot.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Broker } from "../broker/Broker";
import { DestinationChanges } from "../broker/DestinationChanges";
import type { Subscription } from "../broker/Subscription";
import { adminTestBrokers } from "../testing/adminTestBroker";
import type { AdminContext } from "./AdminContext";
import type { DestinationChangesPage } from "./adminResponses";
import { MAX_CHANGES_PAGE } from "./adminSchemas";
import { deleteDestination, destinationChanges } from "./destinations";

const QUEUES = 3000;

describe("destination change feed", () => {
  const { newBroker, contextOf } = adminTestBrokers("destination-changes-test-");

  function send(broker: Broker, name: string, n = 1): void {
    const target = broker.resolve(name, "c1");
    for (let i = 0; i < n; i++) {
      broker.send(target, broker.createMessage({ destination: name, headers: [], body: Buffer.from("x"), persistent: false, hasContentLength: false, priority: 4, expires: 0 }), "c1");
    }
  }

  /** An auto-acknowledging consumer: what it is sent is consumed at once (depth stays 0). */
  function consume(broker: Broker, name: string): Subscription {
    return broker.subscribe({ connectionId: "c2", writable: () => true, sendMessage: () => {} }, broker.resolve(name, "c2"), { id: name, destination: name, ackMode: "auto", prefetch: 0, selector: null });
  }

  /** Follows `more` to the end; every page's rows and deletions, in order. */
  async function readAll(ctx: AdminContext, since: string | undefined, limit = MAX_CHANGES_PAGE): Promise<{ pages: DestinationChangesPage[]; names: string[]; deleted: string[]; cursor: string }> {
    const pages: DestinationChangesPage[] = [];
    let cursor = since;
    for (;;) {
      const p = await destinationChanges(ctx, { since: cursor, limit });
      pages.push(p);
      cursor = p.cursor;
      if (!p.more) break;
      assert.ok(pages.length < 100, "paging must end");
    }
    return { pages, names: pages.flatMap((p) => p.items.map((r) => r.name)), deleted: pages.flatMap((p) => p.deleted), cursor: cursor! };
  }

  test("from the start every destination is answered, in pages of at most 1,000 with `more`", async () => {
    const broker = newBroker();
    const ctx = contextOf(broker);
    for (let i = 0; i < QUEUES; i++) broker.createDestination(`/queue/q${i}`);
    broker.createDestination("/topic/t");
    const all = await readAll(ctx, undefined);
    assert.deepEqual(all.pages.map((p) => p.items.length), [1000, 1000, 1000, 1]);
    assert.deepEqual(all.pages.map((p) => p.more), [true, true, true, false]);
    assert.equal(new Set(all.names).size, QUEUES + 1);
    assert.ok(all.pages.every((p) => !p.reset), "no cursor given is not a reset");
    // Nothing moved since: an idle node answers nothing, and the cursor stays where it was.
    const idle = await destinationChanges(ctx, { since: all.cursor, limit: MAX_CHANGES_PAGE });
    assert.deepEqual({ items: idle.items.length, deleted: idle.deleted.length, more: idle.more, reset: idle.reset }, { items: 0, deleted: 0, more: false, reset: false });
    assert.equal(idle.cursor, all.cursor);
  });

  test("only what moved after the cursor: enqueues, consumption to depth 0, purge, topic publishes, deletions", async () => {
    const broker = newBroker();
    const ctx = contextOf(broker);
    for (let i = 0; i < QUEUES; i++) broker.createDestination(`/queue/q${i}`);
    broker.createDestination("/topic/t");
    const start = await readAll(ctx, undefined);

    // 1,500 queues get a message; one busy queue is consumed as fast as it is fed (never deep).
    for (let i = 0; i < QUEUES; i += 2) send(broker, `/queue/q${i}`);
    consume(broker, "/queue/q1");
    send(broker, "/queue/q1", 50);
    assert.equal(broker.queues.get("/queue/q1")!.depth, 0);
    const moved = await readAll(ctx, start.cursor);
    const expected = new Set([...Array.from({ length: QUEUES / 2 }, (_, i) => `/queue/q${2 * i}`), "/queue/q1"]);
    assert.equal(moved.names.length, expected.size, "each changed destination once, however often it changed");
    assert.deepEqual(new Set(moved.names), expected);
    assert.deepEqual(moved.pages.map((p) => p.items.length), [1000, 501]);
    const busy = moved.pages.flatMap((p) => p.items).find((r) => r.name === "/queue/q1")!;
    assert.deepEqual({ depth: busy.depth, enqueued: busy.enqueued, dequeued: busy.dequeued, consumers: busy.consumers }, { depth: 0, enqueued: 50, dequeued: 50, consumers: 1 });

    // A topic publish, a purge and a deletion are changes too.
    send(broker, "/topic/t");
    broker.queues.get("/queue/q2")!.purge();
    deleteDestination(ctx, "/queue/q5");
    const next = await readAll(ctx, moved.cursor);
    assert.deepEqual(new Set(next.names), new Set(["/topic/t", "/queue/q2"]));
    assert.deepEqual(next.deleted, ["/queue/q5"]);
    // Re-created, it is a destination again, not a deletion.
    broker.createDestination("/queue/q5");
    const again = await readAll(ctx, next.cursor);
    assert.deepEqual({ names: again.names, deleted: again.deleted }, { names: ["/queue/q5"], deleted: [] });
  });

  test("paging while destinations keep changing loses none and repeats only those that changed again", async () => {
    const broker = newBroker();
    const ctx = contextOf(broker);
    for (let i = 0; i < QUEUES; i++) broker.createDestination(`/queue/q${i}`);
    const start = await readAll(ctx, undefined);
    for (let i = 0; i < 2500; i++) send(broker, `/queue/q${i}`);
    const first = await destinationChanges(ctx, { since: start.cursor, limit: MAX_CHANGES_PAGE });
    assert.equal(first.items.length, 1000);
    assert.ok(first.more);
    // Between pages: one already answered moves again, one not yet answered moves, one idle starts.
    send(broker, "/queue/q0");
    send(broker, "/queue/q2400");
    send(broker, "/queue/q2999");
    const rest = await readAll(ctx, first.cursor);
    const names = [...first.items.map((r) => r.name), ...rest.names];
    const expected = new Set([...Array.from({ length: 2500 }, (_, i) => `/queue/q${i}`), "/queue/q2999"]);
    assert.deepEqual(new Set(names), expected, "every destination that moved is answered");
    assert.equal(names.length, expected.size + 1, "only q0, which moved again after it was answered, comes twice");
    assert.equal(rest.names.at(-1), "/queue/q2999", "oldest change first");
  });

  test("a cursor from another incarnation (restart, new master) or a malformed one gets a full snapshot, flagged reset", async () => {
    const first = newBroker();
    for (let i = 0; i < 1500; i++) first.createDestination(`/queue/q${i}`);
    const old = await readAll(contextOf(first), undefined);
    // The new master recovers the same destinations (here: recreated) under a new incarnation.
    const second = newBroker();
    assert.notEqual(second.changes.incarnation, first.changes.incarnation);
    for (let i = 0; i < 1500; i++) second.createDestination(`/queue/q${i}`);
    const ctx = contextOf(second);
    const snap = await readAll(ctx, old.cursor);
    assert.equal(snap.pages[0].reset, true, "the answer says the cursor was not usable");
    assert.ok(snap.pages.slice(1).every((p) => !p.reset), "the following pages continue the snapshot");
    assert.equal(new Set(snap.names).size, 1500);
    assert.deepEqual(snap.deleted, []);
    for (const bad of ["nonsense", `${second.changes.incarnation}.x`, `${second.changes.incarnation}.${second.changes.seq + 5}`]) {
      const p = await destinationChanges(ctx, { since: bad, limit: 10 });
      assert.equal(p.reset, true, bad);
      assert.equal(p.items.length, 10);
    }
  });

  test("a cursor older than the deletions the node remembers is answered as a reset", () => {
    const c = new DestinationChanges(3);
    const mark = { changeSeq: 0 };
    c.touch(mark);
    const cursor = c.seq;
    for (const n of ["a", "b", "c"]) c.deleted(n);
    assert.ok(c.remembers(cursor));
    assert.deepEqual(c.deletedAfter(cursor).map((d) => d.name), ["a", "b", "c"]);
    c.deleted("d"); // "a" is forgotten: a reader at `cursor` could miss it
    assert.equal(c.remembers(cursor), false);
    assert.ok(c.remembers(c.seq));
    assert.equal(c.parseCursor(c.cursorOf(7)), 7);
    assert.equal(c.parseCursor(new DestinationChanges().cursorOf(7)), null);
  });
});
