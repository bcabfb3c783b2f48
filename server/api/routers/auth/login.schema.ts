import { z } from "zod";
import { ROLES } from "../../../console/auth/roles";

export const loginInput = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});

export const loginOutput = z.object({
  username: z.string(),
  role: z.enum(ROLES),
  mustChangePassword: z.boolean(),
  expiresAt: z.date(),
});
