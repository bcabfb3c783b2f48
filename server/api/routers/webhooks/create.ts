import { z } from "zod";
import { adminProcedure } from "../../trpc";
import { webhookInput, webhookView } from "./webhooks.schema";

/** Admin: a webhook sends cluster state to another system. Its signing secret is shown once. */
export const create = adminProcedure
  .meta({ openapi: { method: "POST", path: "/webhooks", tags: ["webhooks"], summary: "Create a webhook; its signing secret is answered once" } })
  .input(webhookInput)
  .output(z.object({ webhook: webhookView, secret: z.string().nullable() }))
  .mutation(({ ctx, input }) => ctx.services.alertConfig.createWebhook(input));
