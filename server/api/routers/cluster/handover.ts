import { operatorProcedure } from "../../trpc";
import { handoverInput, handoverOutput } from "./handover.schema";

/**
 * Planned handover of a master: the node stops taking clients, waits until a slave acknowledged
 * its whole journal, then leaves and rejoins its group as a slave (POST /api/v1/node/handover).
 */
export const handover = operatorProcedure
  .meta({ openapi: { method: "POST", path: "/nodes/{name}/handover", tags: ["nodes"], summary: "Planned handover: the master steps down once a slave has its whole journal" } })
  .input(handoverInput)
  .output(handoverOutput)
  .mutation(({ ctx, input }) => ctx.services.nodeActions.handover(input.name, input.confirm));
