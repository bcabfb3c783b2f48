import { operatorProcedure } from "../../trpc";
import { closeConnectionInput, closeConnectionOutput } from "./connections.schema";

/** Closes a client connection (audited as node/connection); its unacked messages are redelivered. */
export const close = operatorProcedure
  .meta({ openapi: { method: "DELETE", path: "/nodes/{node}/connections/{id}", tags: ["connections"], summary: "Close a client connection (its unacknowledged messages are redelivered)" } })
  .input(closeConnectionInput)
  .output(closeConnectionOutput)
  .mutation(async ({ ctx, input }) => {
    const r = await ctx.services.connections.close(input.node, input.id);
    ctx.services.live.publish({ type: "invalidate", path: ["connections"] });
    return r;
  });
