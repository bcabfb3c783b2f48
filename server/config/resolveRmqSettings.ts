import type { ClusterConfig, GroupConfig, NodeEntry } from "./clusterSchema";
import { namesrvPortOf } from "./rocketmqSchema";
import { parseDelayLevels, type RmqSettings } from "../runtime/rocketmq/RmqSettings";

/** The RocketMQ settings of one node, or undefined when the cluster does not speak RocketMQ or the node has no listener. */
export function resolveRmqSettings(cluster: ClusterConfig, group: GroupConfig, node: NodeEntry, dataDir: string): RmqSettings | undefined {
  const r = cluster.rocketmq;
  const n = node.rocketmq;
  const namesrvPort = namesrvPortOf(n);
  if (!r || !n || (n.listenPort === undefined && namesrvPort === undefined)) return undefined;
  const replicated = group.brokerRole === "SYNC_MASTER" || (group.brokerRole === undefined && group.nodes.length > 1 && !group.sync.startsWith("local"));
  return {
    brokerClusterName: r.brokerClusterName,
    brokerName: group.rocketmq?.brokerName ?? group.name,
    host: node.hostname,
    // 0 = any free port; a broker without listenPort still takes one (its NameServer role alone is not enough for a group).
    listenPort: n.listenPort ?? 0,
    autoCreateTopicEnable: r.autoCreateTopicEnable,
    defaultTopicQueueNums: r.defaultTopicQueueNums,
    maxMessageSize: r.maxMessageSize,
    delayLevelsMs: parseDelayLevels(r.messageDelayLevel) ?? [],
    fileReservedTime: r.fileReservedTime,
    deleteWhen: r.deleteWhen.split(";").map(Number),
    diskMaxUsedSpaceRatio: r.diskMaxUsedSpaceRatio,
    syncTimeoutMs: r.syncFlushTimeout,
    replicated,
    dataDir,
    namesrvPort,
    namesrvHost: node.hostname,
  };
}
