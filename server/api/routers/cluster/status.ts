import { viewerProcedure } from "../../trpc";
import { clusterStatusOutput } from "./status.schema";

/** The attached cluster, or `attached: false` while the console runs detached. */
export const status = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/cluster", tags: ["cluster"], summary: "Whether a cluster is attached, its groups, masters and nodes" } }).output(clusterStatusOutput).query(async ({ ctx }) => {
  const runtime = ctx.services.runtime;
  const zkConfigured = ctx.services.zk.configured;
  const s = await runtime.clusterStatus();
  if (s === null) return { attached: false as const, zkConfigured };
  return { attached: true as const, zkConfigured, runtime: runtime.name, name: s.name, groups: s.groups };
});
