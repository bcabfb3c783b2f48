import { principalOf, viewerProcedure } from "../../trpc";
import { changePasswordInput, changePasswordOutput } from "./changePassword.schema";

export const changePassword = viewerProcedure
  .meta({ permission: "viewer", allowPendingPasswordChange: true })
  .input(changePasswordInput)
  .output(changePasswordOutput)
  .mutation(async ({ ctx, input }) => {
    await ctx.services.auth.changePassword(principalOf(ctx).userId, input.currentPassword, input.newPassword, ctx.sessionToken);
    return { ok: true as const };
  });
