import { adminProcedure } from "../../trpc";
import { webhookId, webhookInput, webhookView } from "./webhooks.schema";

export const update = adminProcedure
  .meta({ openapi: { method: "PUT", path: "/webhooks/{id}", tags: ["webhooks"], summary: "Replace a webhook" } })
  .input(webhookInput.extend(webhookId.shape))
  .output(webhookView)
  .mutation(({ ctx, input: { id, ...w } }) => ctx.services.alertConfig.updateWebhook(id, w));
