import { viewerProcedure } from "../../trpc";
import { searchEventsInput, searchEventsOutput } from "./search.schema";
import { withSeverity } from "./withSeverity";

/** The event log by kind, group, node and text, paged in the database with a total count. */
export const search = viewerProcedure
  .input(searchEventsInput)
  .output(searchEventsOutput)
  .query(async ({ ctx, input }) => {
    const r = await ctx.services.events.search(input);
    return { ...r, items: r.items.map(withSeverity) };
  });
