import { z } from "zod";
import { DESTINATION_KINDS } from "../../../console/destinations/destinationRow";

export const groupName = z.string().min(1).max(200);
/** The broker's full key, e.g. "/queue/orders" (the admin API resolves and validates it). */
export const destinationName = z.string().min(1).max(600).regex(/^\/(queue|topic|temp-queue|temp-topic)\/./, "a destination name starts with /queue/ or /topic/");

export const destinationRef = z.object({ group: groupName, name: destinationName });

export const destinationKind = z.enum(DESTINATION_KINDS);

export const destinationRow = z.object({
  group: z.string(),
  node: z.string(),
  name: z.string(),
  kind: destinationKind,
  depth: z.number(),
  spilled: z.number(),
  enqueued: z.number(),
  dequeued: z.number(),
  dispatched: z.number(),
  expired: z.number(),
  deadLettered: z.number(),
  consumers: z.number(),
  producers: z.number(),
  inflight: z.number(),
  durableSubscriptions: z.number(),
  oldestMessageAgeMs: z.number().nullable(),
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
