import { viewerProcedure } from "../../trpc";
import { clusterConsoleOf } from "./clusterAccess";
import { clusterProblems, groupSummaries, nodeViews, replicationLinks } from "./clusterViews";
import { collectFacts } from "./collectFacts";
import { overviewOutput } from "./overview.schema";

/** Health at a glance: groups and masters, nodes up/down, traffic, depth, open problems. */
export const overview = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/cluster/overview", tags: ["cluster"], summary: "Health at a glance: masters, nodes up, traffic, depth, open problems" } }).output(overviewOutput).query(async ({ ctx }) => {
  const rt = clusterConsoleOf(ctx);
  const facts = await collectFacts(rt.cluster, rt.name);
  const views = nodeViews(facts);
  const up = views.filter((v) => v.up).length;
  const groups = groupSummaries(facts);
  return {
    name: facts.name,
    at: facts.at,
    groups,
    nodes: { total: views.length, up, down: views.length - up },
    rates: { inPerSec: views.reduce((s, v) => s + v.inPerSec, 0), outPerSec: views.reduce((s, v) => s + v.outPerSec, 0) },
    depth: groups.reduce((s, g) => s + (g.depth ?? 0), 0),
    depthUnavailable: groups.filter((g) => g.depth === null).map((g) => g.name),
    connections: views.reduce((s, v) => s + v.connections, 0),
    problems: clusterProblems(facts, views, replicationLinks(facts)),
  };
});
