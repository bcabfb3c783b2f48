import { viewerProcedure } from "../../trpc";
import { clusterConsoleOf, requireNode } from "./clusterAccess";
import { readInfo } from "./clusterFacts";
import { nodeViews } from "./clusterViews";
import { collectFacts } from "./collectFacts";
import { nodeInput, nodeOutput } from "./node.schema";

/** Destinations shown on the node page (its first page, deepest first). */
const DESTINATIONS_SHOWN = 20;

/** One node's health: role, memory, store, connections, uptime, close reasons, destinations, process. */
export const node = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/nodes/{name}", tags: ["nodes"], summary: "One node: role, memory, store, connections, destinations, process" } })
  .input(nodeInput)
  .output(nodeOutput)
  .query(async ({ ctx, input }) => {
    const rt = clusterConsoleOf(ctx);
    requireNode(rt.cluster, input.name);
    const facts = await collectFacts(rt.cluster, rt.name);
    const view = nodeViews(facts).find((v) => v.name === input.name)!;
    const f = facts.nodes.find((n) => n.name === input.name)!;
    const info = f.info ? readInfo(f.info) : null;
    return {
      node: view,
      embedded: facts.embedded,
      memory: info?.memory ?? null,
      store: info?.store ?? null,
      messages: info ? { depth: info.depth, inflight: info.inflight, enqueued: info.enqueued, dequeued: info.dequeued } : null,
      closedConnections: Object.entries(info?.closedConnections ?? {})
        .map(([reason, count]) => ({ reason, count }))
        .sort((a, b) => b.count - a.count),
      ha: info?.ha ? { eid: info.ha.eid, zkSession: info.ha.zkSession, position: info.ha.position, following: info.ha.following, term: info.ha.term } : null,
      destinations: {
        total: f.destinationsTotal,
        items: f.destinations.slice(0, DESTINATIONS_SHOWN).map((d) => ({
          name: d.name, kind: d.kind, depth: d.depth, consumers: d.consumers, producers: d.producers, enqueued: d.enqueued, dequeued: d.dequeued, inflight: d.inflight,
        })),
      },
    };
  });
