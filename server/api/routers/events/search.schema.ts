import { z } from "zod";

export const searchEventsInput = z.object({
  kinds: z.array(z.string().max(64)).max(20).optional(),
  group: z.string().max(128).optional(),
  node: z.string().max(128).optional(),
  /** Only these severities (the events page's severity filter). */
  severities: z.array(z.enum(["critical", "warning", "info"])).max(3).optional(),
  text: z.string().max(200).optional(),
  offset: z.number().int().min(0).max(1_000_000).default(0),
  limit: z.number().int().min(1).max(500).default(50),
});

export const searchEventsOutput = z.object({
  total: z.number().int(),
  items: z.array(
    z.object({
      id: z.number().int(),
      time: z.date(),
      kind: z.string(),
      group: z.string().nullable(),
      node: z.string().nullable(),
      message: z.string(),
      /** critical | warning | info: stored with the event, or derived from its kind for older rows. */
      severity: z.enum(["critical", "warning", "info"]),
      /** Why it happened, when known (why a master was lost, why an election happened). */
      cause: z.string().nullable(),
      data: z.unknown(),
    }),
  ),
});
