import { z } from "zod";
import { nodeView, replicationLink } from "../../../console/cluster/clusterViews.schema";

export const topologyOutput = z.object({
  at: z.number(),
  groups: z.array(
    z.object({
      name: z.string(),
      zkPath: z.string(),
      master: z.string().nullable(),
      quorum: z.number(),
      replicas: z.number(),
      members: z.number(),
      sync: z.string(),
      nodes: z.array(nodeView),
      links: z.array(replicationLink),
    }),
  ),
});
