import { z } from "zod";
import { listPage, listPageOutput, listQueryInput, pageOffset } from "../../listing/listQuery.schema";
import { operatorProcedure } from "../../trpc";
import { listAuditOutput } from "./list.schema";

/**
 * The audit log as a paged list (REST's GET /audit), newest first, paged in the database. `name`
 * is a substring of actor, action or target; `actor` (exact) and `action` (prefix) as in audit.list.
 * Operators and admins: the log holds client addresses.
 */
export const page = operatorProcedure
  .meta({ openapi: { method: "GET", path: "/audit", tags: ["audit"], summary: "The audit log: every mutation with its actor (user or token), outcome and address" } })
  .input(listQueryInput(["time"]).extend({ actor: z.string().max(128).optional(), action: z.string().max(128).optional() }))
  .output(listPageOutput(listAuditOutput.element))
  .query(async ({ ctx, input }) => {
    const r = await ctx.services.audit.page({ skip: pageOffset(input), take: input.page_size, actor: input.actor, action: input.action, text: input.name, oldestFirst: input.sort_reverse });
    return listPage(r.items, input, { total: r.total, filtered: r.filtered });
  });
