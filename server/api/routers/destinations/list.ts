import { viewerProcedure } from "../../trpc";
import { listInput, listOutput } from "./list.schema";

/** Destinations of every group's master, filtered, sorted and paged on the server. */
export const list = viewerProcedure
  .input(listInput)
  .output(listOutput)
  .query(({ ctx, input }) => ctx.services.destinations.list(input));
