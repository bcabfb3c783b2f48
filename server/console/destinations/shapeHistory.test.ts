import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { counterRate } from "./counterRates";
import { bucketFor, shapeHistory } from "./shapeHistory";

describe("counterRate", () => {
  test("per second between two observations; null without one, without time, or when the counter went back", () => {
    assert.equal(counterRate({ at: 0, value: 10 }, { at: 2000, value: 30 }), 10);
    assert.equal(counterRate(undefined, { at: 2000, value: 30 }), null);
    assert.equal(counterRate({ at: 2000, value: 10 }, { at: 2000, value: 30 }), null);
    assert.equal(counterRate({ at: 0, value: 50 }, { at: 1000, value: 3 }), null);
  });
});

describe("shapeHistory", () => {
  const s = (time: number, metric: string, value: number, node = "mq1") => ({ time, node, metric, value });

  test("buckets samples, keeps each metric's last value, and derives rates from counter deltas", () => {
    const points = shapeHistory(
      [s(0, "depth", 1), s(0, "enqueued", 100), s(0, "dequeued", 50), s(4000, "depth", 3), s(10_000, "depth", 7), s(10_000, "enqueued", 150), s(10_000, "dequeued", 60)],
      { from: 0, to: 20_000, bucketMs: 5000 },
    );
    assert.deepEqual(points.map((p) => p.t), [0, 10_000]);
    assert.equal(points[0].depth, 3, "last depth in the first bucket");
    assert.equal(points[0].inPerSec, null);
    assert.equal(points[1].inPerSec, 5);
    assert.equal(points[1].outPerSec, 1);
    assert.equal(points[1].node, "mq1");
  });

  test("no rate across a change of master or a counter reset", () => {
    const points = shapeHistory(
      [s(0, "enqueued", 100), s(5000, "enqueued", 200, "mq2"), s(10_000, "enqueued", 10, "mq2"), s(15_000, "enqueued", 20, "mq2")],
      { from: 0, to: 20_000, bucketMs: 5000 },
    );
    assert.deepEqual(points.map((p) => p.inPerSec), [null, null, null, 2]);
    assert.equal(points[1].node, "mq2");
  });

  test("ignores samples outside the range and metrics it does not chart", () => {
    const points = shapeHistory([s(-1, "depth", 1), s(100, "memory_used", 5), s(200, "depth", 2), s(99_999, "depth", 3)], { from: 0, to: 1000, bucketMs: 1000 });
    assert.deepEqual(points.map((p) => [p.t, p.depth]), [[0, 2]]);
    assert.throws(() => shapeHistory([], { from: 0, to: 1, bucketMs: 0 }));
  });

  test("raw samples up to an hour, minute rollups beyond, a bounded number of points", () => {
    assert.deepEqual(bucketFor(15 * 60_000), { bucketMs: 5000, useRollups: false });
    assert.deepEqual(bucketFor(3_600_000), { bucketMs: 5000, useRollups: false });
    const day = bucketFor(24 * 3_600_000);
    assert.equal(day.useRollups, true);
    assert.ok(day.bucketMs >= 60_000 && (24 * 3_600_000) / day.bucketMs <= 500);
  });
});
