import { z } from "zod";
import { ROLES } from "../../../console/auth/roles";

export const createUserInput = z.object({
  username: z.string().regex(/^[a-z][a-z0-9_.-]{1,31}$/, "2-32 characters: a-z, 0-9, _ . - (starting with a letter)"),
  role: z.enum(ROLES),
});

export const createUserOutput = z.object({
  username: z.string(),
  role: z.enum(ROLES),
  /** Shown once to the admin; the user must replace it at first login. */
  oneTimePassword: z.string(),
});
