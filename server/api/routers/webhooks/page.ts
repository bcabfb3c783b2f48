import { listPageOutput, listQueryInput } from "../../listing/listQuery.schema";
import { paginate } from "../../listing/paginate";
import { viewerProcedure } from "../../trpc";
import { webhookView } from "./webhooks.schema";

/** Webhooks and Alertmanager targets as a paged list (REST's GET /webhooks). */
export const page = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/webhooks", tags: ["webhooks"], summary: "Webhooks and Alertmanager targets with their last delivery status" } })
  .input(listQueryInput(["name", "lastSentAt"]))
  .output(listPageOutput(webhookView))
  .query(async ({ ctx, input }) =>
    paginate(await ctx.services.alertConfig.webhooks(), input, { name: (w) => w.name, sort: { name: (w) => w.name, lastSentAt: (w) => w.lastSentAt?.getTime() } }),
  );
