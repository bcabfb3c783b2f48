import { z } from "zod";
import { ROLES } from "../../../console/auth/roles";

export const meOutput = z
  .object({
    username: z.string(),
    role: z.enum(ROLES),
    via: z.enum(["session", "token"]),
    mustChangePassword: z.boolean(),
    /** May read message bodies (operators and admins; viewers when an admin allowed it). */
    canReadBodies: z.boolean(),
    /** Paths of every procedure this user may call ("zk.create", ...): the UI greys out the rest. */
    allowed: z.array(z.string()),
  })
  .nullable();
