import { AppError } from "../../../console/AppError";
import { operatorProcedure } from "../../trpc";
import { clusterOf, requireNode } from "./clusterAccess";
import { handoverInput, handoverOutput } from "./handover.schema";
import { requireConfirmation } from "./readActionImpact";

/**
 * Planned handover of a master: the node stops taking clients, waits until a slave acknowledged
 * its whole journal, then leaves and rejoins its group as a slave (POST /api/v1/node/handover).
 */
export const handover = operatorProcedure
  .meta({ openapi: { method: "POST", path: "/nodes/{name}/handover", tags: ["nodes"], summary: "Planned handover: the master steps down once a slave has its whole journal" } })
  .input(handoverInput)
  .output(handoverOutput)
  .mutation(async ({ ctx, input }) => {
    const cluster = clusterOf(ctx);
    const spec = requireNode(cluster, input.name);
    await requireConfirmation(cluster, input.name, "handover", input.confirm);
    let r: { caughtUp: boolean; position: number };
    try {
      r = await cluster.admin.handover(input.name);
    } catch (err) {
      throw new AppError("CONFLICT", (err as Error).message, "HANDOVER_REFUSED", { cause: err });
    }
    ctx.services.live.publish({ type: "invalidate", path: ["cluster", "node"], node: input.name, group: spec.group });
    return { name: input.name, caughtUp: r.caughtUp, position: r.position };
  });
