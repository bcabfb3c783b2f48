import { viewerProcedure } from "../../trpc";
import { clusterStatusOutput } from "./status.schema";

/** The attached cluster, or `attached: false` while the console runs detached. */
export const status = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/cluster", tags: ["cluster"], summary: "Whether a cluster is attached, its groups, masters and nodes" } })
  .output(clusterStatusOutput)
  .query(({ ctx }) => ctx.services.cluster.status());
