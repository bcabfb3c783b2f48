import { z } from "zod";
import { ROLES } from "../../../console/auth/roles";

export const userView = z.object({
  id: z.number().int(),
  username: z.string(),
  role: z.enum(ROLES),
  mustChangePassword: z.boolean(),
  /** Cannot log in; sessions and API tokens do not work. */
  disabled: z.boolean(),
  /** May read message bodies (always true for operators and admins). */
  canReadBodies: z.boolean(),
  createdAt: z.date(),
});

/** The stored row as the API shows it (never the password hash). */
export function toUserView(u: { id: number; username: string; role: string; mustChangePassword: boolean; disabled: boolean; canReadBodies: boolean; createdAt: Date }): z.output<typeof userView> | null {
  const role = ROLES.find((r) => r === u.role);
  if (role === undefined) return null;
  return { id: u.id, username: u.username, role, mustChangePassword: u.mustChangePassword, disabled: u.disabled, canReadBodies: role !== "viewer" || u.canReadBodies, createdAt: u.createdAt };
}
