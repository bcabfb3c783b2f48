import { operatorProcedure } from "../../trpc";
import { drainJob, drainNodeInput } from "./drain.schema";

/** Cancels a drain that has not handed over yet (CONFLICT once the node has stepped down). */
export const cancel = operatorProcedure
  .meta({ openapi: { method: "DELETE", path: "/nodes/{name}/drain", tags: ["drain"], summary: "Cancel a drain that has not handed over yet" } })
  .input(drainNodeInput)
  .output(drainJob)
  .mutation(({ ctx, input }) => ctx.services.drains.cancel(input.name));
