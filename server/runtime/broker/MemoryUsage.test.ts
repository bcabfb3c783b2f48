import assert from "node:assert/strict";
import { test } from "node:test";
import { MemoryUsage } from "./MemoryUsage";

test("frames being received count in usage and stop reading once they hold half of a full node", () => {
  const m = new MemoryUsage(1000);
  m.receiving(400);
  assert.equal(m.usage, 400);
  assert.equal(m.receivingFull(), false);
  m.increase(600); // messages fill the rest: the node is full, but frames hold < half
  assert.equal(m.isFull(), true);
  assert.equal(m.receivingFull(), false, "a full store alone does not stall frames being received");
  m.receiving(100);
  assert.equal(m.receivingFull(), true);
  let resumed = 0;
  m.whenReceivingAvailable(() => resumed++);
  m.receiving(-20); // 480 of frames: still above the 45 % resume mark, usage 1080
  assert.equal(resumed, 0);
  m.receiving(-50); // 430: below the mark
  assert.equal(resumed, 1);
  assert.equal(m.receivingUsage, 430);
  assert.equal(m.usage, 1030);
});

test("falling message usage also wakes stalled readers", () => {
  const m = new MemoryUsage(1000);
  m.receiving(600);
  m.increase(500);
  assert.equal(m.receivingFull(), true);
  let resumed = 0;
  m.whenReceivingAvailable(() => resumed++);
  m.decrease(300); // usage 800 < 90 %
  assert.equal(resumed, 1);
  m.whenReceivingAvailable(() => resumed++);
  assert.equal(resumed, 2, "at once when not full");
});
