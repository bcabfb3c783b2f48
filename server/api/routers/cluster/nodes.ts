import { viewerProcedure } from "../../trpc";
import { clusterConsoleOf } from "./clusterAccess";
import { nodeViews, pageNodes } from "./clusterViews";
import { collectFacts } from "./collectFacts";
import { nodesInput, nodesOutput } from "./nodes.schema";

/** Every node, filtered, sorted and paged on the server. */
export const nodes = viewerProcedure
  .input(nodesInput)
  .output(nodesOutput)
  .query(async ({ ctx, input }) => {
    const rt = clusterConsoleOf(ctx);
    return pageNodes(nodeViews(await collectFacts(rt.cluster, rt.name)), input);
  });
