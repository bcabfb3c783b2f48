import { operatorProcedure } from "../../trpc";
import { moveInput, moveOutput } from "./move.schema";

/** Moves or copies waiting messages to another destination of the same group, e.g. DLQ.orders → orders. */
export const move = operatorProcedure
  .input(moveInput)
  .output(moveOutput)
  .mutation(async ({ ctx, input }) => {
    const { group, name, ...spec } = input;
    const r = await ctx.services.destinations.move(group, name, spec);
    ctx.services.live.publish({ type: "invalidate", path: ["destinations"] });
    return r;
  });
