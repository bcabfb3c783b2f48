import assert from "node:assert/strict";
import { test } from "node:test";
import { ownedBody } from "./ownedBody";

test("a view into a larger buffer is copied into an allocation of its own", () => {
  const chunk = Buffer.from("....hello world....");
  const view = chunk.subarray(4, 15);
  const own = ownedBody(view);
  assert.equal(own.toString(), "hello world");
  assert.equal(own.buffer.byteLength, own.length, "no larger backing store is pinned");
  chunk.fill(0x2e);
  assert.equal(own.toString(), "hello world", "later changes to the chunk do not reach the copy");
});

test("a pooled Buffer is copied out of the pool; a buffer that owns its memory is kept as it is", () => {
  const pooled = Buffer.from("small");
  assert.notEqual(pooled.buffer.byteLength, pooled.length);
  const own = ownedBody(pooled);
  assert.equal(own.buffer.byteLength, 5);
  assert.equal(ownedBody(own), own);
  const empty = Buffer.alloc(0);
  assert.equal(ownedBody(empty), empty);
});
