import { AdminCallError } from "../../../console/cluster/ClusterRuntime";
import { planDrain } from "../../../console/cluster/drain/planDrain";
import { viewerProcedure } from "../../trpc";
import { readInfo } from "../cluster/clusterFacts";
import { clusterConsoleOf, requireNode } from "../cluster/clusterAccess";
import { drainNodeInput, drainPreviewOutput } from "./drain.schema";

/** Destinations read for the preview: the deepest ones (a drain preview is about the backlog). */
const PREVIEW_DESTINATIONS = 200;

/** What draining the node would affect (destinations, clients, backlog, time to empty) — no side effects. */
export const preview = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/nodes/{name}/drain/preview", tags: ["drain"], summary: "What draining the node would affect, without side effects" } })
  .input(drainNodeInput)
  .output(drainPreviewOutput)
  .query(async ({ ctx, input }) => {
    const rt = clusterConsoleOf(ctx);
    const cluster = rt.cluster!;
    const spec = requireNode(cluster, input.name);
    const answer = await cluster.nodeInfo(input.name, 0);
    let info = answer.info ? readInfo(answer.info) : null;
    let destinations: Array<Record<string, unknown>> = [];
    let destinationsTotal = 0;
    if (info?.serving) {
      try {
        const page = await cluster.admin<{ items?: Array<Record<string, unknown>>; total?: number }>(
          input.name, "GET", `/api/v1/destinations?limit=${PREVIEW_DESTINATIONS}&sort=depth&order=desc`,
        );
        destinations = page.items ?? [];
        destinationsTotal = Number(page.total ?? destinations.length);
      } catch (err) {
        // The node stopped serving between the two calls (a handover, the drain itself): the
        // preview then describes a node that serves nobody, which is now the truth.
        if (!(err instanceof AdminCallError && err.status === 503)) throw err;
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
      destinations: destinations.map((d) => ({
        name: String(d.name), kind: String(d.kind ?? "queue"), depth: Number(d.depth ?? 0), consumers: Number(d.consumers ?? 0),
        producers: Number(d.producers ?? 0), inflight: Number(d.inflight ?? 0),
      })),
      destinationsTotal,
      slaves: info?.role === "master" ? (info.ha?.slaves ?? []).map((s) => ({ node: s.node, state: s.state, lagBytes: s.lagBytes })) : [],
      members: (g?.members ?? []).map((m) => m.container ?? "?"),
      quorum: g?.quorum ?? 1,
    });
  });
