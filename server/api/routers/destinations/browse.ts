import { viewerProcedure } from "../../trpc";
import { browseInput, browseOutput } from "./browse.schema";

/** Waiting messages in dispatch order, page by page, without consuming them. */
export const browse = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/destination/messages", tags: ["destinations"], summary: "Waiting messages in dispatch order, without consuming them" } })
  .input(browseInput)
  .output(browseOutput)
  .query(({ ctx, input }) => ctx.services.destinations.browse(input.group, input.name, input));
