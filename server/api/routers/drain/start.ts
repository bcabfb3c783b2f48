import { operatorProcedure } from "../../trpc";
import { drainJob, drainStartInput } from "./drain.schema";

/** Starts draining a node; progress arrives through drain.status (pushed: invalidate ["drain"]). */
export const start = operatorProcedure
  .meta({ openapi: { method: "POST", path: "/nodes/{name}/drain", tags: ["drain"], summary: "Start draining the node" } })
  .input(drainStartInput)
  .output(drainJob)
  .mutation(({ ctx, input }) => ctx.services.drains.start(input.name, input.confirm));
