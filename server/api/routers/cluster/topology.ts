import { viewerProcedure } from "../../trpc";
import { clusterConsoleOf } from "./clusterAccess";
import { nodeViews, replicationLinks } from "./clusterViews";
import { collectFacts } from "./collectFacts";
import { topologyOutput } from "./topology.schema";

/** Groups → nodes with roles, and master → slave replication links with their lag. */
export const topology = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/cluster/topology", tags: ["cluster"], summary: "Groups, nodes and replication links" } }).output(topologyOutput).query(async ({ ctx }) => {
  const rt = clusterConsoleOf(ctx);
  const facts = await collectFacts(rt.cluster, rt.name);
  const views = nodeViews(facts);
  const links = replicationLinks(facts);
  return {
    at: facts.at,
    groups: facts.groups.map((g) => ({
      name: g.name,
      zkPath: g.zkPath,
      master: g.master,
      quorum: g.quorum,
      replicas: g.replicas,
      members: g.members.length,
      sync: g.sync,
      nodes: views.filter((v) => v.group === g.name),
      links: links.filter((l) => l.group === g.name),
    })),
  };
});
