import { isRole } from "../../../console/auth/roles";
import { adminProcedure } from "../../trpc";
import { listUsersOutput } from "./list.schema";

export const list = adminProcedure.output(listUsersOutput).query(async ({ ctx }) =>
  (await ctx.services.auth.listUsers()).flatMap((u) =>
    isRole(u.role) ? [{ id: u.id, username: u.username, role: u.role, mustChangePassword: u.mustChangePassword, createdAt: u.createdAt }] : [],
  ),
);
