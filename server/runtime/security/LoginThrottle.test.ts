import assert from "node:assert/strict";
import { test } from "node:test";
import { LoginThrottle } from "./LoginThrottle";

const opts = { freeFailures: 3, backoffMs: 1000, backoffMaxMs: 8000 };

test("free failures, then a doubling wait capped at the maximum", () => {
  const t = new LoginThrottle(opts);
  for (let i = 0; i < 3; i++) {
    assert.equal(t.waitMs("10.0.0.1", 0), 0);
    t.failed("10.0.0.1", 0);
  }
  assert.equal(t.waitMs("10.0.0.1", 0), 0, "three failures are free");
  t.failed("10.0.0.1", 0);
  assert.equal(t.waitMs("10.0.0.1", 0), 1000);
  assert.equal(t.waitMs("10.0.0.1", 400), 600);
  t.failed("10.0.0.1", 1000);
  assert.equal(t.waitMs("10.0.0.1", 1000), 2000);
  t.failed("10.0.0.1", 3000);
  t.failed("10.0.0.1", 7000);
  t.failed("10.0.0.1", 15000);
  assert.equal(t.waitMs("10.0.0.1", 15000), 8000, "capped at backoffMaxMs");
  assert.equal(t.waitMs("10.0.0.2", 15000), 0, "other addresses are not affected");
});

test("a long quiet spell forgets an address", () => {
  const t = new LoginThrottle(opts);
  for (let i = 0; i < 5; i++) t.failed("b", 0);
  const lockEnd = t.waitMs("b", 0);
  assert.equal(t.waitMs("b", lockEnd + 8001), 0);
  assert.equal(t.size, 0, "the expired entry was dropped");
  t.failed("b", lockEnd + 8001);
  assert.equal(t.waitMs("b", lockEnd + 8001), 0, "counting starts afresh");
});

test("the table is bounded", () => {
  const t = new LoginThrottle({ ...opts, maxAddresses: 100 });
  for (let i = 0; i < 1000; i++) t.failed(`10.0.${i >> 8}.${i & 255}`, 0);
  assert.equal(t.size, 100);
});
