import { isRole } from "../../../console/auth/roles";
import { AppError } from "../../../console/AppError";
import { adminProcedure, principalOf } from "../../trpc";
import { setRoleInput, setRoleOutput } from "./setRole.schema";

/** Changes a user's role and ends their sessions, so the new role applies at once. */
export const setRole = adminProcedure
  .meta({ openapi: { method: "PUT", path: "/users/{username}/role", tags: ["users"], summary: "Change a user's role (ends their sessions)" } })
  .input(setRoleInput)
  .output(setRoleOutput)
  .mutation(async ({ ctx, input }) => {
    const u = await ctx.services.auth.setRole(principalOf(ctx), input.username, input.role);
    if (!isRole(u.role)) throw new AppError("BAD_REQUEST", `stored role ${u.role} is invalid`);
    ctx.services.live.publish({ type: "invalidate", path: ["users"] });
    return { id: u.id, username: u.username, role: u.role, mustChangePassword: u.mustChangePassword, createdAt: u.createdAt };
  });
