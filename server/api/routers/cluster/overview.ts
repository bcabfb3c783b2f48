import { viewerProcedure } from "../../trpc";
import { overviewOutput } from "./overview.schema";

/** Health at a glance: groups and masters, nodes up/down, traffic, depth, open problems. */
export const overview = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/cluster/overview", tags: ["cluster"], summary: "Health at a glance: masters, nodes up, traffic, depth, open problems" } })
  .output(overviewOutput)
  .query(({ ctx }) => ctx.services.cluster.overview());
