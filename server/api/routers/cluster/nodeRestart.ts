import { operatorProcedure } from "../../trpc";
import { nodeActionInput, nodeActionOutput } from "./nodeAction.schema";

/** Clean stop, then start (embedded mode). */
export const nodeRestart = operatorProcedure
  .meta({ openapi: { method: "POST", path: "/nodes/{name}/restart", tags: ["nodes"], summary: "Stop the node cleanly, then start it" } })
  .input(nodeActionInput)
  .output(nodeActionOutput)
  .mutation(({ ctx, input }) => ctx.services.nodeActions.run(input.name, "restart", input.confirm));
