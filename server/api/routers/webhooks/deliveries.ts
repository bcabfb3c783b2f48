import { z } from "zod";
import { viewerProcedure } from "../../trpc";
import { deliveryView } from "./webhooks.schema";

/** Every delivery attempt with its response, newest first. */
export const deliveries = viewerProcedure
  .input(z.object({ webhookId: z.number().int().positive().optional(), limit: z.number().int().min(1).max(500).default(100), beforeId: z.number().int().optional() }))
  .output(z.array(deliveryView))
  .query(({ ctx, input }) => ctx.services.alertConfig.deliveries(input));
