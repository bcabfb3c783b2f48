import { isAbsolute, join, resolve } from "node:path";
import type { BrokerPolicy, ClusterConfig, GroupConfig, NodeEntry, SyncPolicy } from "./clusterSchema";
import type { TransportUri } from "./transportUri";
import { resolveNetworkConnectors, type BridgeSpec } from "./resolveNetworkConnectors";
import { adminListenerSchema, type AdminListenerConfig, type SecurityConfig } from "./securitySchema";
import { resolveRmqSettings } from "./resolveRmqSettings";
import type { RmqSettings } from "../runtime/rocketmq/RmqSettings";

/** Everything one broker node process needs, flattened from the cluster file. */
export interface NodeConfig {
  brokerName: string;
  groupName: string;
  nodeName: string;
  hostname: string;
  dataDir: string;
  transports: Array<{ name: string } & TransportUri>;
  sync: SyncPolicy;
  replicas: number;
  brokerRole?: "ASYNC_MASTER" | "SYNC_MASTER";
  /** Shared-storage group: the directory all its nodes share (absolute). */
  sharedDirectory?: string;
  lockAcquireSleepInterval: number;
  /** TLS key and certificate files (absolute) for stomp+ssl / wss connectors. */
  sslContext?: { keyFile: string; certFile: string };
  flushDiskType?: "ASYNC_FLUSH" | "SYNC_FLUSH";
  zkPath: string;
  zkAddress: string | undefined;
  zkSessionTimeout: number;
  securityToken: string;
  bind: string;
  weight: number;
  policy: BrokerPolicy;
  /** Every node of the group, for replication and failover addresses. */
  groupNodes: NodeEntry[];
  /** Users and permissions (cluster-wide); absent → open access. */
  security?: SecurityConfig;
  /** This node's admin API listener; absent → the defaults (127.0.0.1:8162). */
  admin?: AdminListenerConfig;
  /** Bridges to other groups, run while this node is its group's master (network of brokers). */
  bridges?: BridgeSpec[];
  /** RocketMQ roles of this node (absent when the cluster file has no rocketmq section). */
  rocketmq?: RmqSettings;
}

/** Picks one node out of the cluster file; throws with the known names when it is absent. */
export function resolveNodeConfig(cluster: ClusterConfig, nodeName: string, baseDir = process.cwd()): NodeConfig {
  let group: GroupConfig | undefined;
  let node: NodeEntry | undefined;
  for (const g of cluster.groups) {
    const n = g.nodes.find((x) => x.name === nodeName);
    if (n) {
      group = g;
      node = n;
      break;
    }
  }
  if (!group || !node) {
    const known = cluster.groups.flatMap((g) => g.nodes.map((n) => n.name));
    throw new Error(`node "${nodeName}" is not in the cluster file (nodes: ${known.join(", ")})`);
  }
  const root = node.dataDirectory ?? join(cluster.dataDirectory, node.name);
  return {
    brokerName: cluster.brokerName,
    groupName: group.name,
    nodeName: node.name,
    hostname: node.hostname,
    dataDir: isAbsolute(root) ? root : resolve(baseDir, root),
    transports: node.transportConnectors.map((t) => ({ name: t.name, ...t.uri })),
    sync: group.sync,
    replicas: group.replicas,
    brokerRole: group.brokerRole,
    sharedDirectory: group.sharedDirectory === undefined ? undefined : isAbsolute(group.sharedDirectory) ? group.sharedDirectory : resolve(baseDir, group.sharedDirectory),
    lockAcquireSleepInterval: group.lockAcquireSleepInterval,
    sslContext: node.sslContext
      ? { keyFile: resolve(baseDir, node.sslContext.keyFile), certFile: resolve(baseDir, node.sslContext.certFile) }
      : undefined,
    flushDiskType: group.flushDiskType,
    zkPath: group.zkPath ?? `/tandem/${cluster.brokerName}/groups/${group.name}`,
    zkAddress: cluster.zkAddress,
    zkSessionTimeout: cluster.zkSessionTimeout,
    securityToken: group.securityToken,
    bind: node.bind,
    weight: node.weight,
    policy: { ...cluster.broker, ...(node.broker ?? {}) } as BrokerPolicy,
    groupNodes: group.nodes,
    security: {
      users: cluster.users,
      authorizationEntries: cluster.authorizationEntries,
      allowAnonymous: cluster.allowAnonymous,
      adminToken: cluster.adminToken,
    },
    admin: node.admin ?? adminListenerSchema.parse({}),
    bridges: resolveNetworkConnectors(cluster, group),
    rocketmq: resolveRmqSettings(cluster, group, node, isAbsolute(root) ? root : resolve(baseDir, root)),
  };
}
