import { z } from "zod";

export const tokenView = z.object({
  id: z.number().int(),
  name: z.string(),
  role: z.string(),
  createdAt: z.date(),
  expiresAt: z.date().nullable(),
  lastUsedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});
