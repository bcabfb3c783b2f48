import assert from "node:assert/strict";
import { test } from "node:test";
import { negotiateHeartBeat } from "./negotiateHeartBeat";

const CONF: [number, number] = [10_000, 10_000];

test("a client's shorter intervals are accepted, both ways (stompjs' 1000 ms ping specs)", () => {
  assert.deepEqual(negotiateHeartBeat([1000, 1000], CONF, 1000), { answer: [1000, 1000], sendEvery: 1000, expectEvery: 1000 });
  assert.deepEqual(negotiateHeartBeat([0, 1000], CONF, 1000), { answer: [1000, 10_000], sendEvery: 1000, expectEvery: 0 });
  assert.deepEqual(negotiateHeartBeat([1000, 0], CONF, 1000), { answer: [10_000, 1000], sendEvery: 0, expectEvery: 1000 });
});

test("never below the floor", () => {
  assert.deepEqual(negotiateHeartBeat([10, 20], CONF, 1000), { answer: [1000, 1000], sendEvery: 1000, expectEvery: 1000 });
  assert.deepEqual(negotiateHeartBeat([300, 300], CONF, 250), { answer: [300, 300], sendEvery: 300, expectEvery: 300 });
});

test("longer client intervals and no heart-beats follow the spec's max rule", () => {
  assert.deepEqual(negotiateHeartBeat([30_000, 60_000], CONF, 1000), { answer: [10_000, 10_000], sendEvery: 60_000, expectEvery: 30_000 });
  assert.deepEqual(negotiateHeartBeat([0, 0], CONF, 1000), { answer: [10_000, 10_000], sendEvery: 0, expectEvery: 0 });
});

test("a server configured not to send or not to check stays that way", () => {
  assert.deepEqual(negotiateHeartBeat([1000, 1000], [0, 5000], 1000), { answer: [0, 1000], sendEvery: 0, expectEvery: 1000 });
  assert.deepEqual(negotiateHeartBeat([1000, 1000], [5000, 0], 1000), { answer: [1000, 0], sendEvery: 1000, expectEvery: 0 });
});
