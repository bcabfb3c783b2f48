import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { DestinationListRow } from "./destinationRow";
import { queryRows } from "./queryRows";

function row(group: string, name: string, over: Partial<DestinationListRow> = {}): DestinationListRow {
  return {
    group, node: `${group}-m`, name, kind: name.startsWith("/topic/") ? "topic" : "queue",
    depth: 0, spilled: 0, enqueued: 0, dequeued: 0, dispatched: 0, expired: 0, deadLettered: 0, consumers: 0, producers: 0,
    inflight: 0, durableSubscriptions: 0, oldestMessageAgeMs: null, inPerSec: null, outPerSec: null, ...over,
  };
}

const rows = [
  row("g2", "/queue/orders", { depth: 5, inPerSec: 2, oldestMessageAgeMs: 100 }),
  row("g1", "/queue/orders", { depth: 5, inPerSec: null }),
  row("g1", "/queue/DLQ.orders", { depth: 9, inPerSec: 7, oldestMessageAgeMs: 5000 }),
  row("g1", "/topic/prices", { depth: 0, inPerSec: 1 }),
];

describe("queryRows", () => {
  test("sorts by a number, ties broken by group then name, both directions", () => {
    assert.deepEqual(queryRows(rows, { sort: "depth", order: "desc", offset: 0, limit: 10 }).items.map((r) => `${r.group}${r.name}`), [
      "g1/queue/DLQ.orders", "g1/queue/orders", "g2/queue/orders", "g1/topic/prices",
    ]);
    assert.deepEqual(queryRows(rows, { sort: "depth", order: "asc", offset: 0, limit: 10 }).items.map((r) => `${r.group}${r.name}`), [
      "g1/topic/prices", "g1/queue/orders", "g2/queue/orders", "g1/queue/DLQ.orders",
    ]);
  });

  test("unknown values (null) sort last whichever the direction", () => {
    assert.equal(queryRows(rows, { sort: "inPerSec", order: "desc", offset: 0, limit: 10 }).items.at(-1)!.inPerSec, null);
    assert.equal(queryRows(rows, { sort: "inPerSec", order: "asc", offset: 0, limit: 10 }).items.at(-1)!.inPerSec, null);
    assert.deepEqual(queryRows(rows, { sort: "oldestMessageAgeMs", order: "desc", offset: 0, limit: 2 }).items.map((r) => r.oldestMessageAgeMs), [5000, 100]);
  });

  test("filters by case-insensitive name substring, kind and group, and pages with the filtered total", () => {
    const r = queryRows(rows, { filter: "ORDERS", sort: "name", order: "asc", offset: 1, limit: 1 });
    assert.equal(r.total, 3);
    assert.deepEqual(r.items.map((x) => `${x.group}${x.name}`), ["g1/queue/orders"]);
    assert.equal(queryRows(rows, { kind: "topic", sort: "name", order: "asc", offset: 0, limit: 10 }).total, 1);
    assert.equal(queryRows(rows, { group: "g2", sort: "name", order: "asc", offset: 0, limit: 10 }).total, 1);
    assert.deepEqual(queryRows(rows, { filter: "nothing", sort: "name", order: "asc", offset: 0, limit: 10 }), { total: 0, items: [] });
  });

  test("does not reorder its input", () => {
    const before = rows.map((r) => r.name);
    queryRows(rows, { sort: "depth", order: "desc", offset: 0, limit: 10 });
    assert.deepEqual(rows.map((r) => r.name), before);
  });
});

describe("SortedRowsCache", () => {
  test("answers like queryRows, and reuses a sort for the same rows array", async () => {
    const { SortedRowsCache } = await import("./SortedRowsCache");
    const cache = new SortedRowsCache();
    const q = { sort: "depth" as const, order: "desc" as const, offset: 1, limit: 2 };
    assert.deepEqual(cache.query(rows, q), queryRows(rows, q));
    const first = cache.query(rows, { ...q, offset: 0, limit: 4 }).items;
    const changed = rows.map((r) => (r.name === "/topic/prices" ? { ...r, depth: 100 } : r));
    assert.equal(cache.query(changed, { ...q, offset: 0, limit: 1 }).items[0].name, "/topic/prices", "a new rows array is sorted afresh");
    assert.deepEqual(cache.query(rows, { ...q, offset: 0, limit: 4 }).items, first);
  });
});
