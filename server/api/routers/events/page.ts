import { z } from "zod";
import { listPage, listPageOutput, listQueryInput, pageOffset } from "../../listing/listQuery.schema";
import { viewerProcedure } from "../../trpc";
import { searchEventsOutput } from "./search.schema";
import { withSeverity } from "./withSeverity";

/**
 * The event log as a paged list (REST's GET /events), newest first, paged in the database:
 * `name` is a text search over message, group and node, as in the Events view.
 */
export const page = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/events", tags: ["events"], summary: "The event log (elections, failovers, operator actions), newest first" } })
  .input(
    listQueryInput(["time"]).extend({
      kind: z.array(z.string().max(64)).max(20).optional(),
      group: z.string().max(128).optional(),
      node: z.string().max(128).optional(),
      severity: z.array(z.enum(["critical", "warning", "info"])).max(3).optional(),
    }),
  )
  .output(listPageOutput(searchEventsOutput.shape.items.element))
  .query(async ({ ctx, input }) => {
    const search = ctx.services.events.search;
    const filter = { kinds: input.kind, group: input.group, node: input.node, severities: input.severity, text: input.name };
    let offset = pageOffset(input);
    let limit = input.page_size;
    if (input.sort_reverse) {
      // The log is kept newest first; oldest first is the same rows counted from the other end.
      const { total } = await search({ ...filter, offset: 0, limit: 1 });
      const end = total - pageOffset(input);
      offset = Math.max(0, end - input.page_size);
      limit = Math.max(0, end - offset);
    }
    const filtered = limit === 0 ? { ...(await search({ ...filter, offset: 0, limit: 1 })), items: [] } : await search({ ...filter, offset, limit });
    const unfiltered = input.kind || input.group || input.node || input.severity || input.name ? (await search({ offset: 0, limit: 1 })).total : filtered.total;
    const items = (input.sort_reverse ? filtered.items.reverse() : filtered.items).map(withSeverity);
    return listPage(items, input, { total: unfiltered, filtered: filtered.total });
  });
