import type { DestinationRow } from "../../../runtime/admin/adminResponses";
import { AdminCallError } from "../../admin/AdminCallError";
import type { ClusterRuntime } from "../ClusterRuntime";
import { planDrain, type DrainPlan } from "./planDrain";

/** Destinations read for the preview: the deepest ones (a drain preview is about the backlog). */
const PREVIEW_DESTINATIONS = 200;

/**
 * What draining `name` would affect, read fresh from the node itself (its info, then its deepest
 * destinations) plus the group's election state and the poller's out-rate; no side effects.
 */
export async function previewDrain(cluster: ClusterRuntime, name: string): Promise<DrainPlan> {
  const spec = cluster.node(name);
  const answer = await cluster.nodeInfo(name, 0);
  const info = answer.info;
  let serving = info?.serving ?? false;
  let destinations: DestinationRow[] = [];
  let destinationsTotal = 0;
  if (serving) {
    try {
      const page = await cluster.admin.listDestinations(name, { limit: PREVIEW_DESTINATIONS, sort: "depth", order: "desc" });
      destinations = page.items;
      destinationsTotal = page.total;
    } catch (err) {
      // The node stopped serving between the two calls (a handover, the drain itself): the
      // preview then describes a node that serves nobody, which is now the truth.
      if (!(err instanceof AdminCallError && err.code === "NOT_SERVING")) throw err;
      serving = false;
    }
  }
  const g = cluster.monitor.group(spec.group);
  const snap = cluster.pollers.get(name)?.latest;
  return planDrain({
    node: name,
    group: spec.group,
    up: info !== null,
    role: info?.role ?? "down",
    serving,
    connections: info?.connections.current ?? 0,
    outPerSec: snap?.up ? snap.rates.outPerSec : 0,
    destinations: destinations.map((d) => ({ name: d.name, kind: d.kind, depth: d.depth, consumers: d.consumers, producers: d.producers, inflight: d.inflight })),
    destinationsTotal,
    slaves: info?.role === "master" ? (info.ha?.slaves ?? []).map((s) => ({ node: s.node, state: s.state, lagBytes: s.lagBytes })) : [],
    members: (g?.members ?? []).map((m) => m.container ?? "?"),
    quorum: g?.quorum ?? 1,
  });
}
