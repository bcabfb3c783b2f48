import { listPageOutput, listQueryInput } from "../../listing/listQuery.schema";
import { paginate } from "../../listing/paginate";
import { viewerProcedure } from "../../trpc";
import { groupSummary } from "../../../console/cluster/clusterViews.schema";

/** Broker groups (master/slave sets) as a paged list (REST's GET /groups). */
export const groupsPage = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/groups", tags: ["groups"], summary: "Broker groups: master, slaves, quorum, sync policy" } })
  .input(listQueryInput(["name", "members"]))
  .output(listPageOutput(groupSummary))
  .query(async ({ ctx, input }) => paginate(await ctx.services.cluster.groups(), input, { name: (g) => g.name, sort: { name: (g) => g.name, members: (g) => g.members } }));
