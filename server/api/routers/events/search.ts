import { viewerProcedure } from "../../trpc";
import { searchEventsInput, searchEventsOutput } from "./search.schema";

/** The event log by kind, group, node and text, paged in the database with a total count. */
export const search = viewerProcedure
  .input(searchEventsInput)
  .output(searchEventsOutput)
  .query(({ ctx, input }) => ctx.services.events.search(input));
