import { viewerProcedure } from "../../trpc";
import { withSeverity } from "./withSeverity";
import { listEventsInput, listEventsOutput } from "./list.schema";

export const list = viewerProcedure
  .input(listEventsInput)
  .output(listEventsOutput)
  .query(async ({ ctx, input }) => (await ctx.services.events.list(input)).map(withSeverity));
