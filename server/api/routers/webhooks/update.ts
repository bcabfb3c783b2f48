import { adminProcedure } from "../../trpc";
import { webhookId, webhookInput, webhookView } from "./webhooks.schema";

export const update = adminProcedure
  .input(webhookInput.extend(webhookId.shape))
  .output(webhookView)
  .mutation(({ ctx, input: { id, ...w } }) => ctx.services.alertConfig.updateWebhook(id, w));
