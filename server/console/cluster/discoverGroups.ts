import type { CoordinationClient } from "../../runtime/zk/CoordinationClient";
import { MEMBER_NAME, parseMemberData } from "../../runtime/ha/memberData";

export interface DiscoveredGroup {
  zkPath: string;
  name: string;
  nodes: Array<{ name: string; admin: string | null; clients: string[] }>;
}

/**
 * Finds the HA groups of a running cluster from the coordinator alone (`tandem console --zk`
 * without a cluster file): a group is a znode whose children are election members (`0` + 10
 * digits) carrying the member JSON. Nodes publish their admin API URL there, so the console can
 * poll each one directly. Breadth-first, bounded in depth and in znodes visited so a large tree
 * (or a real ZooKeeper used by other systems) is not crawled whole.
 */
export async function discoverGroups(zk: CoordinationClient, maxDepth = 6, maxZnodes = 5000): Promise<DiscoveredGroup[]> {
  const groups: DiscoveredGroup[] = [];
  let frontier = ["/"];
  let visited = 0;
  for (let depth = 0; depth < maxDepth && frontier.length > 0 && visited < maxZnodes; depth++) {
    const next: string[] = [];
    for (const path of frontier) {
      if (path === "/zookeeper") continue;
      visited++;
      const children = await zk.getChildren(path).catch(() => null);
      if (!children || children.length === 0) continue;
      const memberNames = children.filter((c) => MEMBER_NAME.test(c));
      if (memberNames.length > 0) {
        const nodes: DiscoveredGroup["nodes"] = [];
        let groupName: string | undefined;
        for (const m of memberNames) {
          const got = await zk.getData(`${path === "/" ? "" : path}/${m}`).catch(() => null);
          const data = parseMemberData(got?.data ?? null);
          if (!data?.container) continue;
          groupName ??= data.group;
          nodes.push({ name: data.container, admin: data.admin ?? null, clients: data.clients ?? [] });
        }
        if (nodes.length > 0) {
          groups.push({ zkPath: path, name: groupName ?? path.split("/").pop() ?? path, nodes });
          continue;
        }
      }
      for (const c of children) next.push(`${path === "/" ? "" : path}/${c}`);
    }
    frontier = next;
  }
  return groups;
}
