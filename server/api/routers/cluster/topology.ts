import { viewerProcedure } from "../../trpc";
import { topologyOutput } from "./topology.schema";

/** Groups → nodes with roles, and master → slave replication links with their lag. */
export const topology = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/cluster/topology", tags: ["cluster"], summary: "Groups, nodes and replication links" } })
  .output(topologyOutput)
  .query(({ ctx }) => ctx.services.cluster.topology());
