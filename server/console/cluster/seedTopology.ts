import type { ClusterConfigInput } from "../../config/clusterSchema";

export interface SeedTopologyOptions {
  dataDirectory: string;
  zkAddress: string;
  host?: string;
  /** Added to every seed port (STOMP, WebSocket, replication, admin): lets tests and a second console run side by side. */
  portOffset?: number;
  adminToken: string;
  securityToken: string;
}

/** The --port-offset range that keeps every seed port inside 1024-65535. */
export const MIN_PORT_OFFSET = 1024 - 8171;
export const MAX_PORT_OFFSET = 65535 - 62626;

/**
 * Seed 000's topology on one machine: two groups of three nodes (replicas=3, quorum 2), each
 * group under its own zkPath as in the seed (`/activemq-cluster/leveldb-stores/groupN`). Ports
 * follow the seed (STOMP 61613, WebSocket 61614, replication 62621, admin from 8171) with an
 * offset of 10 per node, since all six share one host.
 */
export function seedTopology(o: SeedTopologyOptions): ClusterConfigInput {
  const host = o.host ?? "127.0.0.1";
  const off = o.portOffset ?? 0;
  // Highest seed port: replication of mq6 (62621 + 5); lowest: admin of mq1 (8171).
  if (62626 + off > 65535 || 8171 + off < 1024) {
    throw new Error(`port offset ${off} puts seed ports outside 1024-65535: use an offset between ${MIN_PORT_OFFSET} and ${MAX_PORT_OFFSET}`);
  }
  const stompBase = 61613 + off;
  const node = (i: number): Record<string, unknown> => ({
    name: `mq${i + 1}`,
    hostname: host,
    transportConnectors: [
      { name: "stomp", uri: `stomp://${host}:${stompBase + i * 10}?maximumConnections=1000&wireFormat.maxFrameSize=104857600` },
      { name: "ws", uri: `ws://${host}:${stompBase + 1 + i * 10}?maximumConnections=1000` },
    ],
    bind: `tcp://${host}:${62621 + off + i}`,
    admin: { host, port: 8171 + off + i },
  });
  return {
    brokerName: "activemq-cluster",
    dataDirectory: o.dataDirectory,
    zkAddress: o.zkAddress,
    // Failover takes about one session timeout; 2 s keeps it short without members flapping when
    // the machine is busy (1 s sessions expired under a load average of 20 on 2 cores).
    zkSessionTimeout: "2s",
    groups: [1, 2].map((g) => ({
      name: `group${g}`,
      zkPath: `/activemq-cluster/leveldb-stores/group${g}`,
      replicas: 3,
      sync: "quorum_mem" as const,
      securityToken: o.securityToken,
      nodes: [0, 1, 2].map((k) => node((g - 1) * 3 + k)),
      // Seed 000 joins the two master/slave groups with a duplex networkConnector (it declares one
      // on each side; in Tandem one duplex connector carries both directions, so group1 holds it).
      // It follows group2's elected master through the coordinator.
      networkConnectors: g === 1 ? [{ name: "group1-group2", group: "group2", duplex: true }] : [],
    })),
    ...({ adminToken: o.adminToken } as Record<string, unknown>),
  } as ClusterConfigInput;
}
