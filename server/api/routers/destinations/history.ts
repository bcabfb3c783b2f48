import { viewerProcedure } from "../../trpc";
import { historyInput, historyOutput } from "./history.schema";

/** Depth and counters over time (raw samples for the last hour, minute rollups beyond), rates from counter deltas. */
export const history = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/destination/history", tags: ["destinations"], summary: "Depth and counters over time" } })
  .input(historyInput)
  .output(historyOutput)
  .query(({ ctx, input }) => ctx.services.destinations.history(input.group, input.name, input.rangeMs));
