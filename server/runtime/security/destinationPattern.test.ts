import assert from "node:assert/strict";
import { test } from "node:test";
import { isDestinationPattern, matchesDestination, parseDestinationPattern } from "./destinationPattern";

function m(pattern: string, destination: string): boolean {
  const p = parseDestinationPattern(pattern);
  assert.ok(p, `pattern ${pattern} should parse`);
  return matchesDestination(p, destination);
}

test("'>' matches one or more trailing segments, never the bare parent", () => {
  assert.equal(m("/queue/orders.>", "/queue/orders.eu"), true);
  assert.equal(m("/queue/orders.>", "/queue/orders.eu.new"), true);
  assert.equal(m("/queue/orders.>", "/queue/orders"), false);
  assert.equal(m("/queue/orders.>", "/queue/ordersX.eu"), false);
  assert.equal(m("/queue/>", "/queue/anything.at.all"), true);
});

test("'*' matches exactly one segment", () => {
  assert.equal(m("/topic/*.prices", "/topic/eu.prices"), true);
  assert.equal(m("/topic/*.prices", "/topic/eu.x.prices"), false);
  assert.equal(m("/topic/*.prices", "/topic/prices"), false);
  assert.equal(m("/queue/a.*", "/queue/a.b"), true);
  assert.equal(m("/queue/a.*", "/queue/a.b.c"), false);
});

test("the kind prefix is literal: a queue pattern never covers a topic", () => {
  assert.equal(m("/queue/>", "/topic/x"), false);
  assert.equal(m("/topic/a", "/topic/a"), true);
  assert.equal(m("/topic/a", "/topic/a.b"), false);
  assert.equal(m("/queue/a/b", "/queue/a/b"), true);
});

test("invalid patterns are rejected", () => {
  for (const bad of ["queue/a", "/queue/", "/queue/a..b", "/queue/>.a", "/other/a", "/queue/a."]) {
    assert.equal(isDestinationPattern(bad), false, bad);
  }
});
