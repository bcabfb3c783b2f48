import { viewerProcedure } from "../../trpc";
import { getInput, getOutput } from "./get.schema";

export const get = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/destination", tags: ["destinations"], summary: "One destination's counters (group and name as query parameters: names hold slashes)" } })
  .input(getInput)
  .output(getOutput)
  .query(({ ctx, input }) => ctx.services.destinations.get(input.group, input.name));
