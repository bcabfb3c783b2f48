/**
 * The node and group an operator's action concerns, so that the event log's node and group
 * filters find "admin ran cluster.nodeStop on mq2" next to the failover it caused. The target is
 * the action's identifying input (a node name for node actions and drains, a group name for a
 * group's actions); anything else (a destination, a znode path) concerns no one node.
 */
export function adminActionSubject(nodes: ReadonlyArray<{ name: string; group: string }>, target: string | null): { node: string | null; group: string | null } {
  if (target === null) return { node: null, group: null };
  const n = nodes.find((x) => x.name === target);
  if (n) return { node: n.name, group: n.group };
  if (nodes.some((x) => x.group === target)) return { node: null, group: target };
  return { node: null, group: null };
}
