import { listPageOutput, listQueryInput } from "../../listing/listQuery.schema";
import { paginate } from "../../listing/paginate";
import { viewerProcedure } from "../../trpc";
import { activeAlertView } from "./alerts.schema";

const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 } as const;

/** Pending and firing alerts as a paged list (REST's GET /alerts), most severe first by default. */
export const activePage = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/alerts", tags: ["alerts"], summary: "Pending and firing alerts" } })
  .input(listQueryInput(["severity", "name", "activeAt"]))
  .output(listPageOutput(activeAlertView))
  .query(async ({ ctx, input }) =>
    paginate(ctx.services.alerts.active(), input, {
      name: (a) => a.rule,
      sort: { severity: (a) => SEVERITY_RANK[a.severity], name: (a) => a.rule, activeAt: (a) => a.activeAt },
    }),
  );
