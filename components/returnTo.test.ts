import assert from "node:assert/strict";
import { test } from "node:test";
import { safeNext } from "./returnTo";

test("after login only same-origin console paths are followed", () => {
  assert.equal(safeNext("/nodes/mq2?tab=logs"), "/nodes/mq2?tab=logs");
  assert.equal(safeNext("/events?kind=election&group=group1"), "/events?kind=election&group=group1");
  assert.equal(safeNext("//evil.example/x"), "/");
  assert.equal(safeNext("/\\evil.example"), "/");
  assert.equal(safeNext("https://evil.example/"), "/");
  assert.equal(safeNext("/login?next=/x"), "/");
  assert.equal(safeNext(null), "/");
});
