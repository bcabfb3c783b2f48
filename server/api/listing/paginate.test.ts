import assert from "node:assert/strict";
import { test } from "node:test";
import { listQueryInput } from "./listQuery.schema";
import { paginate } from "./paginate";

const rows = Array.from({ length: 1234 }, (_, i) => ({ name: `q${String(i).padStart(4, "0")}`, depth: i % 7 === 0 ? null : i % 10 }));
const by = { name: (r: (typeof rows)[number]) => r.name, sort: { name: (r: (typeof rows)[number]) => r.name, depth: (r: (typeof rows)[number]) => r.depth } };
const input = listQueryInput(["name", "depth"]);

test("defaults follow RabbitMQ: page 1, 100 rows, sorted by the first key; page_size above 500 refused", () => {
  const q = input.parse({});
  assert.deepEqual(q, { page: 1, page_size: 100, sort: "name", sort_reverse: false });
  assert.equal(input.safeParse({ page_size: 501 }).success, false);
  assert.equal(input.safeParse({ page: 0 }).success, false);
  assert.equal(input.safeParse({ sort: "nope" }).success, false);
  // A query string's "false" is false (the REST adapter's Boolean() coercion would say true).
  assert.equal(input.parse({ sort_reverse: "false" }).sort_reverse, false);
  assert.equal(input.parse({ sort_reverse: "true" }).sort_reverse, true);
});

test("pages cover every row exactly once, with counts and page_count", () => {
  const seen = new Set<string>();
  for (let page = 1; page <= 3; page++) {
    const p = paginate(rows, input.parse({ page, page_size: 500 }), by);
    assert.equal(p.total_count, 1234);
    assert.equal(p.filtered_count, 1234);
    assert.equal(p.page_count, 3);
    assert.equal(p.item_count, page < 3 ? 500 : 234);
    for (const r of p.items) seen.add(r.name);
  }
  assert.equal(seen.size, 1234);
  assert.equal(paginate(rows, input.parse({ page: 4, page_size: 500 }), by).item_count, 0);
});

test("name filter is a case-insensitive substring; total_count stays unfiltered", () => {
  const p = paginate(rows, input.parse({ name: "Q12" }), by);
  assert.equal(p.total_count, 1234);
  assert.equal(p.filtered_count, 34); // q1200..q1233
  assert.ok(p.items.every((r) => r.name.startsWith("q12")));
});

test("sort by a column, ties by name, nulls last in both directions", () => {
  const asc = paginate(rows, input.parse({ sort: "depth", page_size: 500 }), by).items;
  assert.equal(asc[0]!.depth, 0);
  const desc = paginate(rows, input.parse({ sort: "depth", sort_reverse: "true", page: 3, page_size: 500 }), by).items;
  assert.equal(desc.at(-1)!.depth, null);
  const all = paginate(rows, input.parse({ sort: "depth", page_size: 500 }), by);
  assert.equal(all.items[0]!.name < all.items[1]!.name, true);
});
