import { z } from "zod";
import { viewerProcedure } from "../../trpc";
import { webhookView } from "./webhooks.schema";

export const list = viewerProcedure.output(z.array(webhookView)).query(({ ctx }) => ctx.services.alertConfig.webhooks());
