import { operatorProcedure } from "../../trpc";
import { nodeActionInput, nodeActionOutput } from "./nodeAction.schema";

/** Clean stop (SIGTERM): the node leaves its group and closes clients (embedded mode). */
export const nodeStop = operatorProcedure
  .meta({ openapi: { method: "POST", path: "/nodes/{name}/stop", tags: ["nodes"], summary: "Stop the node cleanly (SIGTERM)" } })
  .input(nodeActionInput)
  .output(nodeActionOutput)
  .mutation(({ ctx, input }) => ctx.services.nodeActions.run(input.name, "stop", input.confirm));
