import { z } from "zod";
import { listPage, listPageOutput, listQueryInput, pageOffset } from "../../listing/listQuery.schema";
import { viewerProcedure } from "../../trpc";
import { deliveryView } from "./webhooks.schema";

/** Delivery attempts with their responses as a paged list (REST's GET /webhooks/deliveries), newest first; `name` matches the message id. */
export const deliveriesPage = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/webhooks/deliveries", tags: ["webhooks"], summary: "Every delivery attempt with the receiver's response, newest first" } })
  .input(listQueryInput(["time"]).extend({ webhookId: z.number().int().positive().optional(), status: z.string().max(32).optional() }))
  .output(listPageOutput(deliveryView))
  .query(async ({ ctx, input }) => {
    const r = await ctx.services.alertConfig.deliveryPage({
      webhookId: input.webhookId, status: input.status, messageId: input.name?.trim(), skip: pageOffset(input), take: input.page_size, oldestFirst: input.sort_reverse,
    });
    return listPage(r.items, input, { total: r.total, filtered: r.filtered });
  });
