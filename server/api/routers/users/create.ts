import { adminProcedure } from "../../trpc";
import { createUserInput, createUserOutput } from "./create.schema";

export const create = adminProcedure
  .meta({ openapi: { method: "POST", path: "/users", tags: ["users"], summary: "Create a user; answers a one-time password" } })
  .input(createUserInput)
  .output(createUserOutput)
  .mutation(async ({ ctx, input }) => {
    const { user, password } = await ctx.services.auth.createUser(input.username, input.role);
    ctx.services.live.publish({ type: "invalidate", path: ["users"] });
    return { username: user.username, role: input.role, oneTimePassword: password };
  });
