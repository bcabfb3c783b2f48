import { AppError } from "../../../console/AppError";
import { operatorProcedure } from "../../trpc";
import { clusterOf, requireNode } from "./clusterAccess";
import { handoverInput, handoverOutput } from "./handover.schema";

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
    requireNode(cluster, input.name);
    let r: { caughtUp?: unknown; position?: unknown };
    try {
      r = await cluster.admin<{ caughtUp?: unknown; position?: unknown }>(input.name, "POST", "/api/v1/node/handover");
    } catch (err) {
      throw new AppError("CONFLICT", (err as Error).message, "HANDOVER_REFUSED", { cause: err });
    }
    ctx.services.live.publish({ type: "invalidate", path: ["cluster"] });
    return { name: input.name, caughtUp: r.caughtUp === true, position: Number(r.position ?? 0) };
  });
