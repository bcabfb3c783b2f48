import { viewerProcedure } from "../../trpc";
import { drainNodeInput, drainStatusOutput } from "./drain.schema";

/** The node's latest drain (running or finished since the console started), or null. */
export const status = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/nodes/{name}/drain", tags: ["drain"], summary: "The node's latest drain, or null" } })
  .input(drainNodeInput)
  .output(drainStatusOutput)
  .query(({ ctx, input }) => ctx.services.drains.status(input.name));
