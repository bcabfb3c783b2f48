import { viewerProcedure } from "../../trpc";
import { getInput, getOutput } from "./get.schema";

export const get = viewerProcedure
  .input(getInput)
  .output(getOutput)
  .query(({ ctx, input }) => ctx.services.destinations.get(input.group, input.name));
