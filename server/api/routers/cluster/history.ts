import { viewerProcedure } from "../../trpc";
import { historyInput, historyOutput } from "./history.schema";

/**
 * Node metrics over time for the overview and node charts: in/out rates, depth, connections,
 * memory, store, process memory and replication lag, from the console's recorded samples.
 */
export const history = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/cluster/history", tags: ["cluster"], summary: "Node metrics over time: the cluster's totals, or one node's series" } })
  .input(historyInput)
  .output(historyOutput)
  .query(({ ctx, input }) => ctx.services.cluster.history(input));
