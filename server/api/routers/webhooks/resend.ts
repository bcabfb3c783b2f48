import { z } from "zod";
import { operatorProcedure } from "../../trpc";

/** Sends a recorded delivery's payload again, as a new message (with retries). */
export const resend = operatorProcedure
  .meta({ openapi: { method: "POST", path: "/webhooks/deliveries/{deliveryId}/resend", tags: ["webhooks"], summary: "Send a recorded delivery's payload again" } })
  .input(z.object({ deliveryId: z.number().int().positive() }))
  .output(z.object({ messageId: z.string() }))
  .mutation(({ ctx, input }) => ctx.services.alertConfig.resend(input.deliveryId));
