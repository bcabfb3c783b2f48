import { AppError } from "../../../console/AppError";
import type { ClusterRuntime } from "../../../console/cluster/ClusterRuntime";
import { assessNodeAction, type ActionImpact, type GuardedAction } from "../../../console/cluster/guard/assessNodeAction";
import { readInfo } from "./clusterFacts";
import { requireNode } from "./clusterAccess";

/**
 * The impact of an action on a node, from a fresh read of the live cluster (maxAge 0: the
 * guard must see the failover that happened a second ago, not the poller's older snapshot).
 */
export async function readActionImpact(cluster: ClusterRuntime, name: string, action: GuardedAction): Promise<ActionImpact> {
  const spec = requireNode(cluster, name);
  const g = cluster.monitor.group(spec.group);
  if (!g) throw new AppError("NOT_FOUND", `no group named ${spec.group} in this cluster`, "NO_GROUP");
  const own = await cluster.nodeInfo(name, 0);
  const ownInfo = own.info ? readInfo(own.info) : null;
  const masterAnswer = g.master ? (g.master === name ? own : await cluster.nodeInfo(g.master, 0)) : null;
  const master = masterAnswer?.info ? readInfo(masterAnswer.info) : null;
  const serving = master?.serving === true;
  return assessNodeAction({
    action,
    node: name,
    up: ownInfo !== null,
    role: ownInfo?.role ?? "down",
    group: { name: g.name, quorum: g.quorum, replicas: g.replicas, master: g.master, members: g.members.map((m) => m.container ?? "?") },
    masterDepth: serving ? master.depth : null,
    masterConnections: serving ? master.connections : null,
    slaves: master?.ha?.slaves.map((s) => ({ node: s.node, state: s.state, lagBytes: s.lagBytes })) ?? [],
  });
}

/**
 * Refuses a dangerous action unless the operator typed the node's name: the check the browser's
 * dialog makes, made again here against the cluster as it is now (a script or a stale page must
 * not take a group's last master by accident either).
 */
export async function requireConfirmation(cluster: ClusterRuntime, name: string, action: GuardedAction, confirm: string | undefined): Promise<ActionImpact> {
  const impact = await readActionImpact(cluster, name, action);
  if (impact.confirmText !== null && confirm !== impact.confirmText) {
    throw new AppError("PRECONDITION_FAILED", `${impact.summary} Type the node name ${impact.confirmText} to confirm.`, "CONFIRMATION_REQUIRED");
  }
  return impact;
}
