import { z } from "zod";

export const resetPasswordInput = z.object({ username: z.string().min(1).max(64) });

export const resetPasswordOutput = z.object({
  username: z.string(),
  /** Shown once to the admin; the user must replace it at next login. Their sessions have ended. */
  oneTimePassword: z.string(),
});
