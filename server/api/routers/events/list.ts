import { viewerProcedure } from "../../trpc";
import { listEventsInput, listEventsOutput } from "./list.schema";

export const list = viewerProcedure
  .input(listEventsInput)
  .output(listEventsOutput)
  .query(({ ctx, input }) => ctx.services.events.list(input));
