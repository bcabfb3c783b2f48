import { toBulkSelection } from "../../../console/destinations/BulkDestinationActions";
import { viewerProcedure } from "../../trpc";
import { bulkPreviewInput, bulkPreviewOutput } from "./bulk.schema";

/** What a bulk purge or delete would do: the destinations, which are skipped and why, and the counts. */
export const bulkPreview = viewerProcedure
  .meta({ openapi: { method: "POST", path: "/destinations/bulk/preview", tags: ["destinations"], summary: "What a bulk purge or delete would do, with a fingerprint to apply it" } })
  .input(bulkPreviewInput)
  .output(bulkPreviewOutput)
  .query(({ ctx, input }) => ctx.services.bulkDestinations.preview(input.action, toBulkSelection(input.selection)));
