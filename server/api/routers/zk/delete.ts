import { operatorProcedure } from "../../trpc";
import { deleteInput, deleteOutput } from "./delete.schema";

/** Named `remove` in the router file because `delete` is a reserved word. */
export const remove = operatorProcedure
  .input(deleteInput)
  .output(deleteOutput)
  .mutation(async ({ ctx, input }) => {
    await ctx.services.zk.delete(input.path, input.version);
    ctx.services.live.publish({ type: "invalidate", path: ["zk"] });
    return { ok: true as const };
  });
