import assert from "node:assert/strict";
import { test } from "node:test";
import { lagChartData } from "./lagChartData";

test("worst slave first, negative lag clamped, streaming flag kept", () => {
  assert.deepEqual(
    lagChartData([
      { to: "mq1", lagBytes: 10, state: "streaming" },
      { to: "mq3", lagBytes: 500, state: "syncing" },
      { to: "mq0", lagBytes: -4, state: "streaming" },
    ]),
    [
      { node: "mq3", lagBytes: 500, streaming: false },
      { node: "mq1", lagBytes: 10, streaming: true },
      { node: "mq0", lagBytes: 0, streaming: true },
    ],
  );
});
