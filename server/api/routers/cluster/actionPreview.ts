import { viewerProcedure } from "../../trpc";
import { actionImpact, actionPreviewInput } from "./actionPreview.schema";
import { clusterOf } from "./clusterAccess";
import { readActionImpact } from "./readActionImpact";

/** What stop, kill, restart, drain or hand-over of a node would do to its group — no side effects. */
export const actionPreview = viewerProcedure
  .input(actionPreviewInput)
  .output(actionImpact)
  .query(({ ctx, input }) => readActionImpact(clusterOf(ctx), input.name, input.action));
