import { z } from "zod";
import { strictBoolean } from "../../rest/strictBoolean";
import { destinationName, destinationRef } from "./destination.schema";

export const moveInput = destinationRef.extend({
  to: destinationName,
  /** Exactly one of: messageIds, selector, all. */
  messageIds: z.array(z.string().min(1)).min(1).max(10_000).optional(),
  selector: z.string().min(1).max(10_000).optional(),
  all: z.literal(true).optional(),
  /** Copy leaves the originals where they are. */
  copy: strictBoolean.default(false),
});

export const moveOutput = z.object({
  group: z.string(),
  node: z.string(),
  from: z.string(),
  to: z.string(),
  moved: z.number().int(),
  copied: z.boolean(),
  ids: z.array(z.string()),
});
