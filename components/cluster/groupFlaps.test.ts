import assert from "node:assert/strict";
import { test } from "node:test";
import { groupFlaps, type FlapInput } from "./groupFlaps";

let id = 100;
const ev = (kind: string, node: string | null, atSec: number): FlapInput => ({ id: id--, kind, node, group: "group1", time: new Date(1_700_000_000_000 + atSec * 1000) });

test("a node going down and up again and again is one row with its counts", () => {
  const list = [
    ev("election", "mq2", 100),
    ev("node-up", "mq3", 90), ev("node-down", "mq3", 80), ev("node-up", "mq3", 60), ev("node-down", "mq3", 40), ev("node-up", "mq3", 20), ev("node-down", "mq3", 0),
    ev("admin-action", null, -10),
  ];
  const rows = groupFlaps(list);
  assert.deepEqual(rows.map((r) => r.type), ["event", "flap", "event"]);
  const flap = rows[1]!;
  assert.ok(flap.type === "flap");
  assert.equal(flap.node, "mq3");
  assert.equal(flap.events.length, 6);
  assert.deepEqual(Object.fromEntries(flap.counts), { "node-up": 3, "node-down": 3 });
  assert.equal(flap.to - flap.from, 90_000);
});

test("one down and up is not a flap; a long gap splits incidents; other nodes break the run", () => {
  assert.ok(groupFlaps([ev("node-up", "mq3", 10), ev("node-down", "mq3", 0)]).every((r) => r.type === "event"));
  const gap = [ev("node-up", "mq3", 1000), ev("node-down", "mq3", 900), ev("node-up", "mq3", 20), ev("node-down", "mq3", 0)];
  assert.ok(groupFlaps(gap).every((r) => r.type === "event"));
  const mixed = [ev("node-up", "mq3", 30), ev("node-down", "mq4", 20), ev("node-up", "mq3", 10), ev("node-down", "mq3", 0)];
  assert.ok(groupFlaps(mixed).every((r) => r.type === "event"));
});
