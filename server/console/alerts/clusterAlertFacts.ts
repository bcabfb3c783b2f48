import type { ClusterRuntime } from "../cluster/ClusterRuntime";
import type { AlertFacts } from "./alertFacts";

/** The alert rules' view of the live cluster: group state from the election znodes, node and destination numbers from the pollers' last answers. */
export function clusterAlertFacts(cluster: ClusterRuntime, coordinatorSessionChanges: number, now = Date.now()): AlertFacts {
  const groups = cluster.monitor.snapshot().map((g) => ({
    name: g.name,
    master: g.master,
    members: g.members.length,
    quorum: g.quorum,
    replicas: g.replicas,
    nodes: g.nodes,
  }));
  const nodes: AlertFacts["nodes"] = [];
  const destinations: AlertFacts["destinations"] = [];
  const rocketmqLag: NonNullable<AlertFacts["rocketmqLag"]> = [];
  for (const spec of cluster.nodes) {
    const snap = cluster.pollers.get(spec.name)?.latest ?? null;
    const info = snap?.info ?? null;
    // A slave answers its node info but not destinations: "up" means its admin API answered.
    const up = snap !== null && (snap.up || info !== null);
    const ratio = (x?: { used: number; limit: number }): number | null => (info?.serving && x && x.limit > 0 ? x.used / x.limit : null);
    nodes.push({
      name: spec.name,
      group: spec.group,
      up,
      error: snap?.error ?? null,
      memoryRatio: ratio(info?.memory),
      storeRatio: ratio(info?.store),
      slaves: (info?.ha?.slaves ?? []).map((s) => ({ node: s.node, lagBytes: s.lagBytes })),
    });
    if (snap?.up && info?.serving) {
      for (const d of snap.destinations) {
        const age = d.oldestMessageAgeMs;
        destinations.push({ group: spec.group, node: spec.name, name: d.name, depth: d.depth, oldestMessageAgeSeconds: age === null ? null : age / 1000 });
      }
      for (const l of info.rocketmqLag ?? []) rocketmqLag.push({ group: spec.group, node: spec.name, consumerGroup: l.consumerGroup, lag: l.lag });
    }
  }
  return { at: now, groups, nodes, destinations, rocketmqLag, coordinatorSessionChanges };
}
