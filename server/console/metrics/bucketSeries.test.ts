import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { bucketByNode, bucketGrid, combineSeries, holdMs, priorFrom } from "./bucketSeries";

const NOW = Date.parse("2026-06-01T12:00:00.000Z");
const MIN = 60_000;

describe("bucketGrid", () => {
  test("≥ 10 s buckets within the raw hour, ≥ 1 min beyond it, about 360 points", () => {
    assert.equal(bucketGrid(NOW - 15 * MIN, NOW, NOW).bucketMs, 10_000);
    assert.equal(bucketGrid(NOW - 60 * MIN, NOW, NOW).bucketMs, 10_000);
    assert.equal(bucketGrid(NOW - 6 * 60 * MIN, NOW, NOW).bucketMs, 60_000);
    assert.equal(bucketGrid(NOW - 24 * 60 * MIN, NOW, NOW).bucketMs, 4 * 60_000);
    assert.equal(bucketGrid(NOW - 7 * 24 * 60 * MIN, NOW, NOW).bucketMs, 28 * 60_000);
    const g = bucketGrid(NOW - 60 * MIN, NOW, NOW);
    assert.equal(g.times.length, 361);
    assert.ok(g.times.every((t, i) => i === 0 || t - g.times[i - 1]! === g.bucketMs));
  });
  test("a zoomed window inside the raw hour gets fine buckets; an old one gets minutes", () => {
    assert.equal(bucketGrid(NOW - 10 * MIN, NOW - 5 * MIN, NOW).bucketMs, 10_000);
    assert.equal(bucketGrid(NOW - 3 * 60 * MIN, NOW - 170 * MIN, NOW).bucketMs, 60_000);
    assert.throws(() => bucketGrid(NOW, NOW, NOW));
  });
});

describe("bucketByNode", () => {
  const grid = { bucketMs: 10_000, from: 0, to: 100_000, times: Array.from({ length: 11 }, (_, i) => i * 10_000) };
  test("the mean of each bucket's samples, per node and metric", () => {
    const s = bucketByNode(
      [
        { time: 1_000, node: "a", metric: "depth", value: 2 },
        { time: 6_000, node: "a", metric: "depth", value: 4 },
        { time: 12_000, node: "a", metric: "depth", value: 9 },
        { time: 1_000, node: "b", metric: "depth", value: 1 },
      ],
      grid,
    );
    assert.deepEqual(s.get("a")!.get("depth")!.slice(0, 2), [3, 9]);
    assert.equal(s.get("b")!.get("depth")![0], 1);
  });
  test("a value is held into empty buckets for holdMs, then the line breaks (an outage shows as a gap)", () => {
    // An unchanged value is written once a minute, so it stands for a minute plus a poll.
    assert.equal(holdMs(10_000), 75_000);
    const s = bucketByNode([{ time: 4_000, node: "a", metric: "m", value: 5 }, { time: 95_000, node: "a", metric: "m", value: 7 }], grid).get("a")!.get("m")!;
    // 4 s + 75 s = 79 s: buckets 0 s .. 70 s hold 5; 80 s is a gap.
    assert.deepEqual(s, [5, 5, 5, 5, 5, 5, 5, 5, null, 7, 7]);
  });
  test("a sample from before the window is held into its opening buckets (an unchanged value is written once a minute)", () => {
    const zoomed = { bucketMs: 10_000, from: 100_000, to: 160_000, times: Array.from({ length: 7 }, (_, i) => 100_000 + i * 10_000) };
    const s = bucketByNode(
      [
        { time: 40_000, node: "a", metric: "m", value: 1 },
        { time: 90_000, node: "a", metric: "m", value: 3 },
        { time: 30_000, node: "b", metric: "m", value: 8 },
      ],
      zoomed,
    );
    // a: the newest prior sample (90 s) holds until 165 s; b's (30 s) ended at 105 s: only bucket 100 s.
    assert.deepEqual(s.get("a")!.get("m"), [3, 3, 3, 3, 3, 3, 3]);
    assert.deepEqual(s.get("b")!.get("m"), [8, null, null, null, null, null, null]);
    assert.equal(priorFrom(100_000, 10_000), 25_000);
  });
  test("samples outside the window are ignored; nothing recorded gives no series", () => {
    const s = bucketByNode([{ time: 200_000, node: "a", metric: "m", value: 1 }], grid);
    assert.equal(s.size, 0);
  });
});

describe("combineSeries", () => {
  test("sum and max index-wise; null only where every part is null", () => {
    assert.deepEqual(combineSeries([[1, null, null], [2, 3, null]], 3, "sum"), [3, 3, null]);
    assert.deepEqual(combineSeries([[1, null, 4], [2, 3, null]], 3, "max"), [2, 3, 4]);
    assert.deepEqual(combineSeries([], 2, "sum"), [null, null]);
  });
});
