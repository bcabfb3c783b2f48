import { z } from "zod";
import { nodeRole, nodeView, type NodeView } from "../../../console/cluster/clusterViews.schema";
import { listPageOutput, listQueryInput } from "../../listing/listQuery.schema";
import { paginate } from "../../listing/paginate";
import { viewerProcedure } from "../../trpc";

const column = (k: "name" | "group" | "role" | "connections" | "depth" | "memoryPercent" | "storePercent" | "inPerSec" | "outPerSec" | "uptimeMs") => (v: NodeView) => v[k];

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
  .query(async ({ ctx, input }) =>
    paginate(
      await ctx.services.cluster.nodes(),
      input,
      {
        name: (v) => v.name,
        sort: {
          name: column("name"), group: column("group"), role: column("role"), connections: column("connections"), depth: column("depth"),
          memoryPercent: column("memoryPercent"), storePercent: column("storePercent"), inPerSec: column("inPerSec"), outPerSec: column("outPerSec"), uptimeMs: column("uptimeMs"),
        },
      },
      (v) => (input.group === undefined || v.group === input.group) && (input.role === undefined || v.role === input.role),
    ),
  );
