import { operatorProcedure } from "../../trpc";
import { nodeActionInput, nodeActionOutput } from "./nodeAction.schema";
import { runNodeAction } from "./runNodeAction";

/** Clean stop (SIGTERM): the node leaves its group and closes clients (embedded mode). */
export const nodeStop = operatorProcedure
  .meta({ openapi: { method: "POST", path: "/nodes/{name}/stop", tags: ["nodes"], summary: "Stop the node cleanly (SIGTERM)" } })
  .input(nodeActionInput)
  .output(nodeActionOutput)
  .mutation(({ ctx, input }) => runNodeAction(ctx, input.name, "stop", input.confirm));
