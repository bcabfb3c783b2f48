import assert from "node:assert/strict";
import { test } from "node:test";
import { formatBytes, formatDuration, formatRate, formatSeconds } from "./format";

test("bytes, durations, rates", () => {
  assert.equal(formatBytes(0), "0 B");
  assert.equal(formatBytes(1536), "1.5 KiB");
  assert.equal(formatBytes(10 * 1024 * 1024 * 1024), "10 GiB");
  assert.equal(formatBytes(null), "—");
  assert.equal(formatDuration(59_000), "59s");
  assert.equal(formatDuration(3_725_000), "1h 2m");
  assert.equal(formatSeconds(null), "never at current rate");
  assert.equal(formatSeconds(2.345), "2.3 s");
  assert.equal(formatRate(12.34), "12.3/s");
  assert.equal(formatRate(1234.5), "1235/s");
});
