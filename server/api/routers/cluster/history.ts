import { viewerProcedure } from "../../trpc";
import { clusterOf, requireNode } from "./clusterAccess";
import { historyInput, historyOutput } from "./history.schema";

/**
 * Node metrics over time for the overview and node charts: in/out rates, depth, connections,
 * memory, store, process memory and replication lag, from the console's recorded samples.
 */
export const history = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/cluster/history", tags: ["cluster"], summary: "Node metrics over time: the cluster's totals, or one node's series" } })
  .input(historyInput)
  .output(historyOutput)
  .query(({ ctx, input }) => {
    const cluster = clusterOf(ctx);
    if (input.node !== undefined) requireNode(cluster, input.node);
    const now = Date.now();
    const to = Math.min(input.to ?? now, now);
    const scope = input.node !== undefined ? { kind: "node" as const, node: input.node } : { kind: "cluster" as const, nodes: cluster.nodes.map((n) => n.name) };
    return ctx.services.metricHistory.read(scope, { from: to - input.rangeMs, to }, now);
  });
