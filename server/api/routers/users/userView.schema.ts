import { z } from "zod";
import { ROLES } from "../../../console/auth/roles";

export const userView = z.object({
  id: z.number().int(),
  username: z.string(),
  role: z.enum(ROLES),
  mustChangePassword: z.boolean(),
  createdAt: z.date(),
});
