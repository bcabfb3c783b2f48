import { listPageOutput, listQueryInput } from "../../listing/listQuery.schema";
import { paginate } from "../../listing/paginate";
import { viewerProcedure } from "../../trpc";
import { ruleView } from "./alerts.schema";

const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 } as const;

/** Alert rules as a paged list (REST's GET /alerts/rules). */
export const rulesPage = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/alerts/rules", tags: ["alerts"], summary: "Alert rules" } })
  .input(listQueryInput(["name", "severity", "metric"]))
  .output(listPageOutput(ruleView))
  .query(async ({ ctx, input }) =>
    paginate(await ctx.services.alertConfig.rules(), input, {
      name: (r) => r.name,
      sort: { name: (r) => r.name, severity: (r) => SEVERITY_RANK[r.severity], metric: (r) => r.metric },
    }),
  );
