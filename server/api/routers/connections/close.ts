import { operatorProcedure } from "../../trpc";
import { closeConnectionInput, closeConnectionOutput } from "./connections.schema";

/** Closes a client connection (audited as node/connection); its unacked messages are redelivered. */
export const close = operatorProcedure
  .input(closeConnectionInput)
  .output(closeConnectionOutput)
  .mutation(async ({ ctx, input }) => {
    const r = await ctx.services.connections.close(input.node, input.id);
    ctx.services.live.publish({ type: "invalidate", path: ["connections"] });
    return r;
  });
