import { adminAppError } from "../../../console/admin/adminAppError";
import { previewDrain } from "../../../console/cluster/drain/previewDrain";
import { viewerProcedure } from "../../trpc";
import { drainNodeInput, drainPreviewOutput } from "./drain.schema";

/** What draining the node would affect (destinations, clients, backlog, time to empty) — no side effects. */
export const preview = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/nodes/{name}/drain/preview", tags: ["drain"], summary: "What draining the node would affect, without side effects" } })
  .input(drainNodeInput)
  .output(drainPreviewOutput)
  .query(async ({ ctx, input }) => {
    const cluster = ctx.services.cluster.attached();
    ctx.services.cluster.requireNode(input.name);
    try {
      const plan = await previewDrain(cluster, input.name);
      return { ...plan, impact: await ctx.services.nodeActions.impact(input.name, "drain") };
    } catch (err) {
      throw adminAppError(err, `previewing the drain of ${input.name}`);
    }
  });
