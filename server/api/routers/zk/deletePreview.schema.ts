import { z } from "zod";
import { zkPath } from "./zkPath.schema";

export const deletePreviewInput = z.object({ path: zkPath });

export const deletePreviewOutput = z.object({
  path: z.string(),
  /** Deepest first, the order they are deleted in. */
  znodes: z.array(
    z.object({
      path: z.string(),
      ephemeralOwner: z.string(),
      meaning: z.string().nullable(),
      impact: z.string().nullable(),
    }),
  ),
  tooMany: z.boolean(),
  limit: z.number().int(),
  /** Pass back to deleteRecursive: it refuses when the subtree changed since this preview. */
  fingerprint: z.string(),
});
