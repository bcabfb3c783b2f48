import { z } from "zod";
import { ALERT_CONDITIONS } from "../../../console/alerts/alertConditions";
import { viewerProcedure } from "../../trpc";

/** What a rule can watch, with the meaning and unit of its value (for the rule editor). */
export const conditions = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/alerts/conditions", tags: ["alerts"], summary: "What an alert rule can watch, with unit" } })
  .output(z.array(z.object({ kind: z.string(), describe: z.string(), unit: z.string() })))
  .query(() => ALERT_CONDITIONS.map((c) => ({ kind: c.kind, describe: c.describe, unit: c.unit })));
