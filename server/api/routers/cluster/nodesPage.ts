import { z } from "zod";
import { listPageOutput, listQueryInput } from "../../listing/listQuery.schema";
import { paginate } from "../../listing/paginate";
import { viewerProcedure } from "../../trpc";
import { clusterConsoleOf } from "./clusterAccess";
import { nodeRole, nodeView } from "./clusterViews.schema";
import { nodeViews } from "./clusterViews";
import { collectFacts } from "./collectFacts";

/** Every node as a paged list (REST's GET /nodes), optionally of one group or role. */
export const nodesPage = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/nodes", tags: ["nodes"], summary: "Every broker node: role, memory, store, connections, traffic, process" } })
  .input(
    listQueryInput(["name", "group", "role", "connections", "depth", "memoryPercent", "storePercent", "inPerSec", "outPerSec", "uptimeMs"]).extend({
      group: z.string().max(128).optional(),
      role: nodeRole.optional(),
    }),
  )
  .output(listPageOutput(nodeView))
  .query(async ({ ctx, input }) => {
    const rt = clusterConsoleOf(ctx);
    const views = nodeViews(await collectFacts(rt.cluster!, rt.name));
    const column = (k: typeof input.sort) => (v: (typeof views)[number]) => v[k];
    return paginate(
      views,
      input,
      {
        name: (v) => v.name,
        sort: {
          name: column("name"), group: column("group"), role: column("role"), connections: column("connections"), depth: column("depth"),
          memoryPercent: column("memoryPercent"), storePercent: column("storePercent"), inPerSec: column("inPerSec"), outPerSec: column("outPerSec"), uptimeMs: column("uptimeMs"),
        },
      },
      (v) => (input.group === undefined || v.group === input.group) && (input.role === undefined || v.role === input.role),
    );
  });
