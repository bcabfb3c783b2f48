import { operatorProcedure } from "../../trpc";
import { nodeActionInput, nodeActionOutput } from "./nodeAction.schema";
import { runNodeAction } from "./runNodeAction";

/** Clean stop (SIGTERM): the node leaves its group and closes clients (embedded mode). */
export const nodeStop = operatorProcedure
  .input(nodeActionInput)
  .output(nodeActionOutput)
  .mutation(({ ctx, input }) => runNodeAction(ctx, input.name, "stop", input.confirm));
