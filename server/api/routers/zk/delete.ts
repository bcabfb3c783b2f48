import { operatorProcedure } from "../../trpc";
import { deleteInput, deleteOutput } from "./delete.schema";

/** Named `remove` in the router file because `delete` is a reserved word. */
export const remove = operatorProcedure
  .meta({ openapi: { method: "DELETE", path: "/zk/node", tags: ["zookeeper"], summary: "Delete a znode at an expected version (-1: any)" } })
  .input(deleteInput)
  .output(deleteOutput)
  .mutation(async ({ ctx, input }) => {
    await ctx.services.zk.delete(input.path, input.version);
    ctx.services.live.publish({ type: "invalidate", path: ["zk"] });
    return { ok: true as const };
  });
