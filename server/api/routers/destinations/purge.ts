import { operatorProcedure } from "../../trpc";
import { purgeInput, purgeOutput } from "./purge.schema";

/** Removes every waiting message of a queue; answers how many. */
export const purge = operatorProcedure
  .meta({ openapi: { method: "POST", path: "/destination/purge", tags: ["destinations"], summary: "Remove every waiting message of a queue" } })
  .input(purgeInput)
  .output(purgeOutput)
  .mutation(async ({ ctx, input }) => {
    const r = await ctx.services.destinations.purge(input.group, input.name, input.confirmName);
    ctx.services.live.publish({ type: "invalidate", path: ["destinations"] });
    return r;
  });
