import { z } from "zod";
import { adminProcedure } from "../../trpc";
import { webhookId } from "./webhooks.schema";

export const remove = adminProcedure
  .input(webhookId)
  .output(z.object({ deleted: z.literal(true) }))
  .mutation(async ({ ctx, input }) => {
    await ctx.services.alertConfig.deleteWebhook(input.id);
    return { deleted: true as const };
  });
