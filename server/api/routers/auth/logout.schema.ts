import { z } from "zod";

export const logoutOutput = z.object({ ok: z.literal(true) });
