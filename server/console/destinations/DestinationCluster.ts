import type { NodeInfo } from "../../runtime/admin/adminResponses";
import type { AdminClient } from "../admin/AdminClient";

/** Which groups and nodes exist and which node is each group's master right now. */
export interface MasterSource {
  readonly groups: ReadonlyArray<{ name: string }>;
  readonly nodes: ReadonlyArray<{ name: string; group: string }>;
  masterOf(group: string): string | null;
}

/**
 * The part of ClusterRuntime the destination services use (ClusterRuntime satisfies it as is):
 * the masters, and the typed client of the nodes' admin APIs. Narrow on purpose, so the services
 * say exactly what they depend on.
 */
export interface DestinationCluster extends MasterSource {
  readonly admin: AdminClient;
}

/** What the node poller last heard a node say about itself (GET /api/v1/node). */
export interface PolledNodes {
  readonly pollers?: ReadonlyMap<string, { readonly latest: { readonly info: Pick<NodeInfo, "role" | "serving"> | null } | null }>;
}

function saysServingMaster(info: Pick<NodeInfo, "role" | "serving"> | null | undefined): boolean {
  return info?.role === "master" && info.serving;
}

/**
 * The node to address for a group: the master the election znodes name, unless the node pollers
 * last heard that node say it is not serving while exactly one other member says it is the serving
 * master. The znodes can lag the nodes (a master that fenced itself off keeps its member znode
 * until its session expires); the node's own word decides, and the call itself is the final check
 * (a non-master answers "not serving", which the caller retries).
 */
export function servingMaster(c: MasterSource & PolledNodes, group: string): string | null {
  const elected = c.masterOf(group);
  if (c.pollers === undefined) return elected;
  const serving = c.nodes.filter((n) => n.group === group && saysServingMaster(c.pollers!.get(n.name)?.latest?.info));
  if (elected !== null && (serving.length === 0 || serving.some((n) => n.name === elected))) return elected;
  return serving.length === 1 ? serving[0].name : elected;
}
