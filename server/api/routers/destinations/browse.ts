import { viewerProcedure } from "../../trpc";
import { browseInput, browseOutput } from "./browse.schema";

/** Waiting messages in dispatch order, page by page, without consuming them. */
export const browse = viewerProcedure
  .input(browseInput)
  .output(browseOutput)
  .query(({ ctx, input }) => ctx.services.destinations.browse(input.group, input.name, input));
