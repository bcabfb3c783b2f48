import { viewerProcedure } from "../../trpc";
import { logoutOutput } from "./logout.schema";

export const logout = viewerProcedure
  .meta({ permission: "viewer", allowPendingPasswordChange: true })
  .output(logoutOutput)
  .mutation(async ({ ctx }) => {
    if (ctx.sessionToken !== null) await ctx.services.auth.logout(ctx.sessionToken);
    ctx.cookies.clearSession();
    return { ok: true as const };
  });
