import type { GroupState } from "../cluster/ClusterMonitor";

/**
 * What a znode means in Tandem, for the explorer: the election znodes of each HA group (seed 000
 * §3.2's `ls /activemq-cluster/leveldb-stores/group1`), read against the live group state.
 * Pure, so the wording is tested without a cluster.
 */
export function annotateZnode(path: string, groups: GroupState[]): string | null {
  if (path === "/zookeeper" || path.startsWith("/zookeeper/")) return "ZooKeeper's own namespace (quota, config); not writable by clients";
  for (const g of groups) {
    if (path === g.zkPath) {
      const master = g.master ? `master ${g.master}` : "no master";
      return `HA group ${g.name}: ${g.members.length} of ${g.replicas} members, quorum ${g.quorum}, sync ${g.sync}, ${master}`;
    }
    if (!path.startsWith(`${g.zkPath}/`)) continue;
    const member = g.members.find((m) => m.znode === path);
    if (!member) return `under HA group ${g.name}'s election path (not a current member)`;
    const parts: string[] = [];
    if (g.master === member.container && member.eid === g.electedEid) parts.push(`master of ${g.name}`);
    else if (member.eid === g.electedEid) parts.push(`elected master of ${g.name} (not serving yet)`);
    else parts.push(`slave of ${g.name}`);
    if (member.eid === g.electorEid) parts.push("elector (lowest member)");
    parts.push(`node ${member.container ?? "?"}`);
    if (member.session) parts.push(`session ${member.session}`);
    if (member.position >= 0) parts.push(`reported position ${member.position}`);
    return parts.join(", ");
  }
  if (/^\/activemq-cluster(\/leveldb-stores)?$/.test(path)) return "parent of the HA groups' election paths";
  return null;
}
