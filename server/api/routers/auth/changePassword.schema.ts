import { z } from "zod";

export const changePasswordInput = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: z.string().min(12, "at least 12 characters").max(256),
});

export const changePasswordOutput = z.object({ ok: z.literal(true) });
