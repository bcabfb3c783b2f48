import { z } from "zod";
import { adminProcedure } from "../../trpc";
import { webhookId } from "./webhooks.schema";

export const remove = adminProcedure
  .meta({ openapi: { method: "DELETE", path: "/webhooks/{id}", tags: ["webhooks"], summary: "Delete a webhook" } })
  .input(webhookId)
  .output(z.object({ deleted: z.literal(true) }))
  .mutation(async ({ ctx, input }) => {
    await ctx.services.alertConfig.deleteWebhook(input.id);
    return { deleted: true as const };
  });
