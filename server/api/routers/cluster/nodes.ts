import { viewerProcedure } from "../../trpc";
import { nodesInput, nodesOutput } from "./nodes.schema";

/** Every node, filtered, sorted and paged on the server. */
export const nodes = viewerProcedure
  .input(nodesInput)
  .output(nodesOutput)
  .query(({ ctx, input }) => ctx.services.cluster.nodesTable(input));
