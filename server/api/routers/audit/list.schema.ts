import { z } from "zod";

export const listAuditInput = z.object({
  limit: z.number().int().min(1).max(500).default(100),
  beforeId: z.number().int().positive().optional(),
  actor: z.string().max(128).optional(),
  action: z.string().max(128).optional(),
});

export const listAuditOutput = z.array(
  z.object({
    id: z.number().int(),
    time: z.date(),
    actor: z.string(),
    ip: z.string().nullable(),
    action: z.string(),
    target: z.string().nullable(),
    result: z.string(),
    detail: z.string().nullable(),
  }),
);
