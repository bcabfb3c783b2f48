import { z } from "zod";
import { destinationKindSchema, destinationRowSchema } from "../../../runtime/admin/adminResponses";

export const groupName = z.string().min(1).max(200);
/** The broker's full key, e.g. "/queue/orders" (the admin API resolves and validates it). */
export const destinationName = z.string().min(1).max(600).regex(/^\/(queue|topic|temp-queue|temp-topic)\/./, "a destination name starts with /queue/ or /topic/");

export const destinationRef = z.object({ group: groupName, name: destinationName });

export const destinationKind = destinationKindSchema;

/** A node's destination row (the admin contract) with the group and node it was read from and the console's rates. */
export const destinationRow = destinationRowSchema.extend({
  group: z.string(),
  node: z.string(),
  inPerSec: z.number().nullable(),
  outPerSec: z.number().nullable(),
});

export const messageSummary = z.object({
  id: z.string(),
  destination: z.string(),
  persistent: z.boolean(),
  priority: z.number(),
  timestamp: z.number(),
  expires: z.number(),
  deliveryCount: z.number(),
  bodySize: z.number(),
  inMemory: z.boolean(),
  headers: z.record(z.string(), z.string()),
});
