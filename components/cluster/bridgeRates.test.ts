import assert from "node:assert/strict";
import { test } from "node:test";
import { bridgeRates, type BridgeSample } from "./bridgeRates";

test("forwarded msg/s between two polls; none for a new bridge or a counter that started afresh", () => {
  const prev = new Map<string, BridgeSample>([
    ["g1/a", { key: "g1/a", forwarded: 100, at: 10_000 }],
    ["g2/b", { key: "g2/b", forwarded: 500, at: 10_000 }],
  ]);
  const rates = bridgeRates(prev, [
    { key: "g1/a", forwarded: 600, at: 15_000 },
    { key: "g2/b", forwarded: 20, at: 15_000 }, // a new master: counters from zero
    { key: "g3/c", forwarded: 7, at: 15_000 },
  ]);
  assert.equal(rates.get("g1/a"), 100);
  assert.equal(rates.get("g2/b"), null);
  assert.equal(rates.get("g3/c"), null);
  assert.equal(bridgeRates(prev, [{ key: "g1/a", forwarded: 100, at: 10_000 }]).get("g1/a"), null, "same poll twice");
});
