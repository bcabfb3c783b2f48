import { viewerProcedure } from "../../trpc";
import { actionImpact, actionPreviewInput } from "./actionPreview.schema";

/** What stop, kill, restart, drain or hand-over of a node would do to its group — no side effects. */
export const actionPreview = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/nodes/{name}/action-preview", tags: ["nodes"], summary: "What stopping, killing, restarting, draining or handing over the node would do to its group (and the text to type to confirm)" } })
  .input(actionPreviewInput)
  .output(actionImpact)
  .query(({ ctx, input }) => ctx.services.nodeActions.impact(input.name, input.action));
