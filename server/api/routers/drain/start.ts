import { operatorProcedure } from "../../trpc";
import { asAppError, drainsFor } from "./drainAccess";
import { drainJob, drainNodeInput } from "./drain.schema";

/** Starts draining a node; progress arrives through drain.status (pushed: invalidate ["drain"]). */
export const start = operatorProcedure
  .meta({ openapi: { method: "POST", path: "/nodes/{name}/drain", tags: ["drain"], summary: "Start draining the node" } })
  .input(drainNodeInput)
  .output(drainJob)
  .mutation(({ ctx, input }) => {
    const drains = drainsFor(ctx, input.name);
    return asAppError(() => drains.start(input.name));
  });
