import { z } from "zod";
import { destinationKind, destinationName, groupName } from "./destination.schema";

/** Either the ticked destinations (`targets`) or everything the filter matches (like the list's). */
export const bulkSelection = z.object({
  targets: z.array(z.object({ group: groupName, name: destinationName })).min(1).max(500).optional(),
  filter: z.string().max(600).optional(),
  kind: destinationKind.optional(),
  group: groupName.optional(),
});

export const bulkAction = z.enum(["purge", "delete"]);

export const bulkPreviewInput = z.object({ action: bulkAction, selection: bulkSelection });

export const bulkPreviewOutput = z.object({
  action: bulkAction,
  items: z.array(
    z.object({
      group: z.string(),
      name: z.string(),
      kind: destinationKind,
      depth: z.number(),
      consumers: z.number(),
      durableSubscriptions: z.number(),
      /** Why this destination will be left alone; null when it will be acted on. */
      skipped: z.string().nullable(),
    }),
  ),
  count: z.number().int(),
  messages: z.number(),
  skipped: z.number().int(),
  tooMany: z.boolean(),
  fingerprint: z.string(),
});

export const bulkApplyInput = z.object({
  action: bulkAction,
  selection: bulkSelection,
  /** From destinations.bulkPreview: refused when the selection now matches something else. */
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/, "a fingerprint is the 64 hex digits destinations.bulkPreview returned"),
});

export const bulkApplyOutput = z.object({
  done: z.number().int(),
  failed: z.number().int(),
  messages: z.number(),
  results: z.array(z.object({ group: z.string(), name: z.string(), ok: z.boolean(), messages: z.number(), error: z.string().nullable() })),
});
