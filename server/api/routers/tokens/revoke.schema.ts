import { z } from "zod";

export const revokeTokenInput = z.object({ id: z.number().int().positive() });
export const revokeTokenOutput = z.object({ ok: z.literal(true) });
