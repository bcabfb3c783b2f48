import { adminProcedure, principalOf } from "../../trpc";
import { resetPasswordInput, resetPasswordOutput } from "./resetPassword.schema";

/** An admin resets a user's password: a new one-time password, and every session of theirs ends. */
export const resetPassword = adminProcedure
  .meta({ openapi: { method: "POST", path: "/users/{username}/password-reset", tags: ["users"], summary: "Reset a user's password to a new one-time password" } })
  .input(resetPasswordInput)
  .output(resetPasswordOutput)
  .mutation(async ({ ctx, input }) => {
    const { user, password } = await ctx.services.auth.resetPassword(principalOf(ctx), input.username);
    return { username: user.username, oneTimePassword: password };
  });
