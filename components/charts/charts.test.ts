import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatAge, formatRate, timeLabel, toChartRows } from "./historySeries";
import { sparklineSegments } from "./sparklinePath";
import { formatZoom, hasPoints, metricRows, nodesWith, parseZoom, queryWindow, timeAtX, zoomFromDrag } from "./metricRows";

describe("sparklineSegments", () => {
  test("scales into the box, low values at the bottom", () => {
    assert.deepEqual(sparklineSegments([0, 5, 10], 102, 22, 1), ["1,21 51,11 101,1"]);
  });
  test("nulls split the line; empty or all-null gives nothing; flat lies on the bottom", () => {
    assert.deepEqual(sparklineSegments([1, null, 1, 2], 31, 10, 0).length, 2);
    assert.deepEqual(sparklineSegments([], 10, 10), []);
    assert.deepEqual(sparklineSegments([null, null], 10, 10), []);
    assert.deepEqual(sparklineSegments([0, 0], 10, 10, 0), ["0,10 10,10"]);
  });
});

describe("toChartRows", () => {
  const p = (t: number, depth: number) => ({ t, depth, enqueued: null, dequeued: null, inPerSec: null, outPerSec: null });
  test("one row per point, a null row across a missing stretch", () => {
    const rows = toChartRows([p(0, 1), p(5000, 2), p(20_000, 3)], 5000, 3_600_000);
    assert.deepEqual(rows.map((r) => [r.t, r.depth]), [[0, 1], [5000, 2], [10_000, null], [20_000, 3]]);
    assert.equal(rows[0].label, timeLabel(0, 3_600_000)); // the format itself: "labels fit the range"
  });
  test("labels fit the range, in the local time zone", () => {
    const t = Date.UTC(2026, 10, 23, 19, 5, 7);
    const tz = process.env.TZ;
    try {
      process.env.TZ = "UTC";
      assert.equal(timeLabel(t, 600_000), "19:05:07");
      assert.equal(timeLabel(t, 6 * 3_600_000), "19:05");
      assert.equal(timeLabel(t, 7 * 86_400_000), "11-23 19:05");
      process.env.TZ = "Asia/Kolkata";
      assert.equal(timeLabel(t, 600_000), "00:35:07");
      assert.equal(timeLabel(t, 7 * 86_400_000), "11-24 00:35");
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });
});

test("formatAge and formatRate", () => {
  assert.equal(formatAge(null), "—");
  assert.equal(formatAge(250), "250 ms");
  assert.equal(formatAge(3200), "3.2 s");
  assert.equal(formatAge(240_000), "4 min");
  assert.equal(formatAge(9_000_000), "2.5 h");
  assert.equal(formatRate(null), "—");
  assert.equal(formatRate(2.345), "2.3/s");
  assert.equal(formatRate(1234.5), "1235/s");
});

describe("metric chart rows", () => {
  const h = {
    times: [0, 10_000, 20_000],
    series: [
      { metric: "in_per_sec", node: null, values: [1, null, 3] },
      { metric: "memory_used", node: "mq2", values: [5, 6, 7] },
      { metric: "memory_used", node: "mq1", values: [null, 2, null] },
    ],
  };
  test("one row per bucket, one column per picked series, null where nothing was measured or no series exists", () => {
    const rows = metricRows(h, [
      { key: "in", metric: "in_per_sec", node: null },
      { key: "m1", metric: "memory_used", node: "mq1" },
      { key: "lag", metric: "lag_bytes", node: "mq3" },
    ]);
    assert.deepEqual(rows, [
      { t: 0, in: 1, m1: null, lag: null },
      { t: 10_000, in: null, m1: 2, lag: null },
      { t: 20_000, in: 3, m1: null, lag: null },
    ]);
    assert.equal(hasPoints(rows, ["lag"]), false);
    assert.equal(hasPoints(rows, ["lag", "m1"]), true);
    assert.deepEqual(nodesWith(h, "memory_used"), ["mq1", "mq2"]);
  });
  test("zoom: a drag in either direction, widened to a minute; kept in the URL as from-to", () => {
    assert.deepEqual(zoomFromDrag(200_000, 80_000), { from: 80_000, to: 200_000 });
    assert.deepEqual(zoomFromDrag(100_000, 110_000), { from: 75_000, to: 135_000 });
    assert.equal(zoomFromDrag(5, 5), null);
    // Ending on a row takes that row's whole bucket.
    assert.deepEqual(zoomFromDrag(0, 90_000, 10_000), { from: 0, to: 100_000 });
    assert.equal(zoomFromDrag(null, 5), null);
    assert.deepEqual(parseZoom(formatZoom(80_000, 200_000)), { from: 80_000, to: 200_000 });
    assert.equal(parseZoom("80000-90000"), null, "narrower than a minute");
    assert.equal(parseZoom("junk"), null);
    assert.deepEqual(queryWindow(3_600_000, null), { rangeMs: 3_600_000 });
    assert.deepEqual(queryWindow(3_600_000, { from: 80_000, to: 200_000 }), { rangeMs: 120_000, to: 200_000 });
    // A pointer over the plot maps linearly onto its time axis, clamped at the edges.
    assert.equal(timeAtX(150, 100, 200, 0, 60_000), 15_000);
    assert.equal(timeAtX(50, 100, 200, 0, 60_000), 0);
    assert.equal(timeAtX(400, 100, 200, 0, 60_000), 60_000);
    assert.equal(timeAtX(150, 100, 0, 0, 60_000), null);
  });
});
