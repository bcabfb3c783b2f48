import { z } from "zod";
import { destinationRef } from "./destination.schema";

export const historyInput = destinationRef.extend({
  /** How far back, up to the week the rollups are kept. */
  rangeMs: z.number().int().min(60_000).max(7 * 24 * 3_600_000).default(3_600_000),
});

export const historyOutput = z.object({
  bucketMs: z.number(),
  from: z.number(),
  to: z.number(),
  points: z.array(
    z.object({
      t: z.number(),
      depth: z.number().nullable(),
      enqueued: z.number().nullable(),
      dequeued: z.number().nullable(),
      inPerSec: z.number().nullable(),
      outPerSec: z.number().nullable(),
      node: z.string().nullable(),
    }),
  ),
});
