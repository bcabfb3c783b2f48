import { adminProcedure, principalOf } from "../../trpc";
import { deleteUserInput, deleteUserOutput } from "./manage.schema";

/** Deletes a user with their sessions and API tokens; never the last admin, never yourself. */
export const remove = adminProcedure
  .meta({ openapi: { method: "DELETE", path: "/users/{username}", tags: ["users"], summary: "Delete a user with their sessions and API tokens" } })
  .input(deleteUserInput)
  .output(deleteUserOutput)
  .mutation(async ({ ctx, input }) => {
    await ctx.services.auth.deleteUser(principalOf(ctx), input.username);
    ctx.services.live.publish({ type: "invalidate", path: ["users"] });
    return { username: input.username, deleted: true as const };
  });
