import { z } from "zod";

export const listEventsInput = z.object({
  limit: z.number().int().min(1).max(500).default(100),
  beforeId: z.number().int().positive().optional(),
  kind: z.string().max(64).optional(),
  group: z.string().max(128).optional(),
  node: z.string().max(128).optional(),
});

export const listEventsOutput = z.array(
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
);
