import { operatorProcedure } from "../../trpc";
import { nodeActionInput, nodeActionOutput } from "./nodeAction.schema";
import { runNodeAction } from "./runNodeAction";

/** SIGKILL: a real crash, for failover drills (embedded mode). */
export const nodeKill = operatorProcedure
  .meta({ openapi: { method: "POST", path: "/nodes/{name}/kill", tags: ["nodes"], summary: "Kill the node process (SIGKILL), for failover drills" } })
  .input(nodeActionInput)
  .output(nodeActionOutput)
  .mutation(({ ctx, input }) => runNodeAction(ctx, input.name, "kill", input.confirm));
