import { publicProcedure } from "../../trpc";
import { loginInput, loginOutput } from "./login.schema";

/** Checks the password and sets the session cookie (httpOnly, SameSite=Strict). */
export const login = publicProcedure
  .input(loginInput)
  .output(loginOutput)
  .mutation(async ({ ctx, input }) => {
    const r = await ctx.services.auth.login(input.username, input.password, { ip: ctx.ip, userAgent: ctx.userAgent });
    ctx.cookies.setSession(r.token, r.expiresAt);
    return { username: r.principal.username, role: r.principal.role, mustChangePassword: r.principal.mustChangePassword, expiresAt: r.expiresAt };
  });
