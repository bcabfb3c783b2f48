import { operatorProcedure } from "../../trpc";
import { attemptView, webhookId } from "./webhooks.schema";

/** Sends a test notification now and answers with the receiver's response. */
export const test = operatorProcedure
  .meta({ openapi: { method: "POST", path: "/webhooks/{id}/test", tags: ["webhooks"], summary: "Send a test notification now; answers the receiver's response" } })
  .input(webhookId)
  .output(attemptView)
  .mutation(({ ctx, input }) => ctx.services.alertConfig.testWebhook(input.id));
