import { viewerProcedure } from "../../trpc";
import { drainNodeInput, drainPreviewOutput } from "./drain.schema";

/** What draining the node would affect (destinations, clients, backlog, time to empty) — no side effects. */
export const preview = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/nodes/{name}/drain/preview", tags: ["drain"], summary: "What draining the node would affect, without side effects" } })
  .input(drainNodeInput)
  .output(drainPreviewOutput)
  .query(({ ctx, input }) => ctx.services.drains.preview(input.name));
