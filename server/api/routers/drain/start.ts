import { operatorProcedure } from "../../trpc";
import { asAppError, drainsFor } from "./drainAccess";
import { drainJob, drainStartInput } from "./drain.schema";

/** Starts draining a node; progress arrives through drain.status (pushed: invalidate ["drain"]). */
export const start = operatorProcedure
  .meta({ openapi: { method: "POST", path: "/nodes/{name}/drain", tags: ["drain"], summary: "Start draining the node" } })
  .input(drainStartInput)
  .output(drainJob)
  .mutation(async ({ ctx, input }) => {
    const drains = drainsFor(ctx, input.name);
    await ctx.services.nodeActions.requireConfirmation(input.name, "drain", input.confirm);
    return asAppError(() => drains.start(input.name));
  });
