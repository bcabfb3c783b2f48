import { AdminCallError } from "../../../console/admin/AdminCallError";
import type { DestinationRow } from "../../../runtime/admin/adminResponses";
import { planDrain } from "../../../console/cluster/drain/planDrain";
import { viewerProcedure } from "../../trpc";
import { readInfo } from "../cluster/clusterFacts";
import { clusterConsoleOf, requireNode } from "../cluster/clusterAccess";
import { drainNodeInput, drainPreviewOutput } from "./drain.schema";

/** Destinations read for the preview: the deepest ones (a drain preview is about the backlog). */
const PREVIEW_DESTINATIONS = 200;

/** What draining the node would affect (destinations, clients, backlog, time to empty) — no side effects. */
export const preview = viewerProcedure
  .input(drainNodeInput)
  .output(drainPreviewOutput)
  .query(async ({ ctx, input }) => {
    const rt = clusterConsoleOf(ctx);
    const cluster = rt.cluster;
    const spec = requireNode(cluster, input.name);
    const answer = await cluster.nodeInfo(input.name, 0);
    let info = answer.info ? readInfo(answer.info) : null;
    let destinations: DestinationRow[] = [];
    let destinationsTotal = 0;
    if (info?.serving) {
      try {
        const page = await cluster.admin.listDestinations(input.name, { limit: PREVIEW_DESTINATIONS, sort: "depth", order: "desc" });
        destinations = page.items;
        destinationsTotal = page.total;
      } catch (err) {
        // The node stopped serving between the two calls (a handover, the drain itself): the
        // preview then describes a node that serves nobody, which is now the truth.
        if (!(err instanceof AdminCallError && err.code === "NOT_SERVING")) throw err;
        info = { ...info, serving: false };
      }
    }
    const g = cluster.monitor.group(spec.group);
    const snap = cluster.pollers.get(input.name)?.latest;
    return planDrain({
      node: input.name,
      group: spec.group,
      up: info !== null,
      role: info?.role ?? "down",
      serving: info?.serving ?? false,
      connections: info?.connections ?? 0,
      outPerSec: snap?.up ? snap.rates.outPerSec : 0,
      destinations: destinations.map((d) => ({ name: d.name, kind: d.kind, depth: d.depth, consumers: d.consumers, producers: d.producers, inflight: d.inflight })),
      destinationsTotal,
      slaves: info?.role === "master" ? (info.ha?.slaves ?? []).map((s) => ({ node: s.node, state: s.state, lagBytes: s.lagBytes })) : [],
      members: (g?.members ?? []).map((m) => m.container ?? "?"),
      quorum: g?.quorum ?? 1,
    });
  });
