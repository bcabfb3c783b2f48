import { operatorProcedure } from "../../trpc";
import { nodeActionInput, nodeActionOutput } from "./nodeAction.schema";
import { runNodeAction } from "./runNodeAction";

/** Clean stop, then start (embedded mode). */
export const nodeRestart = operatorProcedure
  .input(nodeActionInput)
  .output(nodeActionOutput)
  .mutation(({ ctx, input }) => runNodeAction(ctx, input.name, "restart", input.confirm));
