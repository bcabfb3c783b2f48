import { operatorProcedure } from "../../trpc";
import { moveInput, moveOutput } from "./move.schema";

/** Moves or copies waiting messages to another destination of the same group, e.g. DLQ.orders → orders. */
export const move = operatorProcedure
  .meta({ openapi: { method: "POST", path: "/destination/move", tags: ["destinations"], summary: "Move or copy waiting messages to another destination of the group" } })
  .input(moveInput)
  .output(moveOutput)
  .mutation(async ({ ctx, input }) => {
    const { group, name, ...spec } = input;
    const r = await ctx.services.destinations.move(group, name, spec);
    ctx.services.live.publish({ type: "invalidate", path: ["destinations"] });
    return r;
  });
