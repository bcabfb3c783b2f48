import { z } from "zod";
import { NODE_METRICS } from "../../../console/metrics/MetricHistoryService";

const WEEK_MS = 7 * 24 * 3_600_000;

export const historyInput = z.object({
  /** One node's own series; without it, the cluster's totals and per-node memory, store and lag. */
  node: z.string().min(1).max(128).optional(),
  /** How far back from `to`, up to the week the roll-ups are kept. */
  rangeMs: z.number().int().min(60_000).max(WEEK_MS).default(3_600_000),
  /** End of the window (ms since the epoch; a zoomed chart's right edge); default now. */
  to: z.number().int().positive().optional(),
});

export const historyOutput = z.object({
  bucketMs: z.number(),
  from: z.number(),
  to: z.number(),
  /** Start of each bucket; every series' values are aligned with it. */
  times: z.array(z.number()),
  series: z.array(
    z.object({
      metric: z.enum(NODE_METRICS),
      /** null: a cluster total (summed over the nodes). */
      node: z.string().nullable(),
      /** The mean of the bucket's samples; null where nothing was measured (the node was down or not yet polled). */
      values: z.array(z.number().nullable()),
    }),
  ),
});
