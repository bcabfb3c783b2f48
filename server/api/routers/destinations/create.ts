import { operatorProcedure } from "../../trpc";
import { createInput, createOutput } from "./create.schema";

/** Creates a queue or topic on a group's master; answers whether it was new (idempotent). */
export const create = operatorProcedure
  .meta({ openapi: { method: "POST", path: "/destinations", tags: ["destinations"], summary: "Create a queue or topic on a group's master (idempotent)" } })
  .input(createInput)
  .output(createOutput)
  .mutation(async ({ ctx, input }) => {
    const r = await ctx.services.destinations.create(input.group, input.kind, input.name);
    ctx.services.live.publish({ type: "invalidate", path: ["destinations"] });
    return r;
  });
