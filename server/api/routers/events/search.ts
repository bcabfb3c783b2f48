import { AppError } from "../../../console/AppError";
import { ClusterConsoleRuntime } from "../../../console/cluster/ClusterConsoleRuntime";
import { viewerProcedure } from "../../trpc";
import { searchEventsInput, searchEventsOutput } from "./search.schema";
import { searchEventLog } from "./searchEventLog";
import { withSeverity } from "./withSeverity";

/** The event log by kind, group, node and text, paged in the database with a total count. */
export const search = viewerProcedure
  .input(searchEventsInput)
  .output(searchEventsOutput)
  .query(async ({ ctx, input }) => {
    const rt = ctx.services.runtime;
    // The services hold no Prisma client; the cluster runtime (which writes these events) does.
    if (!(rt instanceof ClusterConsoleRuntime) || rt.prisma === null) {
      throw new AppError("UNAVAILABLE", "event search needs the cluster runtime; events.list still pages the log", "NO_CLUSTER");
    }
    const r = await searchEventLog(rt.prisma, input);
    return { total: r.total, items: r.items.map(withSeverity) };
  });
