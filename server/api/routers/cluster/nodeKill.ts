import { operatorProcedure } from "../../trpc";
import { nodeActionInput, nodeActionOutput } from "./nodeAction.schema";

/** SIGKILL: a real crash, for failover drills (embedded mode). */
export const nodeKill = operatorProcedure
  .meta({ openapi: { method: "POST", path: "/nodes/{name}/kill", tags: ["nodes"], summary: "Kill the node process (SIGKILL), for failover drills" } })
  .input(nodeActionInput)
  .output(nodeActionOutput)
  .mutation(({ ctx, input }) => ctx.services.nodeActions.run(input.name, "kill", input.confirm));
