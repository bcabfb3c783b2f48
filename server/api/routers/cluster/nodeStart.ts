import { operatorProcedure } from "../../trpc";
import { nodeActionInput, nodeActionOutput } from "./nodeAction.schema";

/** Starts the node's process (embedded mode). */
export const nodeStart = operatorProcedure
  .meta({ openapi: { method: "POST", path: "/nodes/{name}/start", tags: ["nodes"], summary: "Start the node process (embedded mode)" } })
  .input(nodeActionInput)
  .output(nodeActionOutput)
  .mutation(({ ctx, input }) => ctx.services.nodeActions.run(input.name, "start"));
