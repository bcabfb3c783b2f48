import { operatorProcedure } from "../../trpc";
import { deleteInput, deleteOutput } from "./delete.schema";

/** Deletes a destination and its waiting messages; refused while consumers use it. Named `remove`: `delete` is reserved. */
export const remove = operatorProcedure
  .meta({ openapi: { method: "DELETE", path: "/destination", tags: ["destinations"], summary: "Delete a destination and its waiting messages (confirmName must repeat the name)" } })
  .input(deleteInput)
  .output(deleteOutput)
  .mutation(async ({ ctx, input }) => {
    const r = await ctx.services.destinations.delete(input.group, input.name, input.confirmName);
    ctx.services.live.publish({ type: "invalidate", path: ["destinations"] });
    return r;
  });
