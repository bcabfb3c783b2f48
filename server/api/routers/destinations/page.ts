import { DESTINATION_SORT_KEYS } from "../../../console/destinations/queryRows";
import { listPage, listPageOutput, listQueryInput, pageOffset } from "../../listing/listQuery.schema";
import { viewerProcedure } from "../../trpc";
import { destinationKind, destinationRow, groupName } from "./destination.schema";

/**
 * Destinations of every group's master as a paged list (REST's GET /destinations): the same
 * service query as destinations.list (filtered, sorted and sliced in the console), without the
 * UI's sparklines.
 */
export const page = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/destinations", tags: ["destinations"], summary: "Queues and topics of every group's master with depth, rates and counters" } })
  .input(listQueryInput(DESTINATION_SORT_KEYS).extend({ kind: destinationKind.optional(), group: groupName.optional() }))
  .output(listPageOutput(destinationRow))
  .query(async ({ ctx, input }) => {
    const r = await ctx.services.destinations.list({
      offset: pageOffset(input),
      limit: input.page_size,
      sort: input.sort,
      // Counters read "busiest first" naturally; sort_reverse flips whatever the column's order is.
      order: input.sort_reverse ? "desc" : "asc",
      filter: input.name,
      kind: input.kind,
      group: input.group,
      sparklines: false,
    });
    return listPage(r.items, input, { total: r.unfiltered, filtered: r.total });
  });
