import type { GroupState } from "./ClusterMonitor";
import type { SupervisedNode } from "./NodeSupervisor";
import type { DestinationRow, NodeInfo } from "../../runtime/admin/adminResponses";
import { sessionIdText } from "../../runtime/zk/sessionIdText";

/** Everything the cluster views are computed from, gathered once per request (collectFacts). */
export interface ClusterFacts {
  name: string;
  at: number;
  /** Embedded mode: the console runs the node processes (stop/kill/start are possible). */
  embedded: boolean;
  groups: GroupState[];
  nodes: NodeFacts[];
}

export interface NodeFacts {
  name: string;
  group: string;
  adminUrl: string;
  stomp: string[];
  /** GET /api/v1/node as the node answered it (validated against the admin contract); null when it did not answer. */
  info: NodeInfo | null;
  error: string | null;
  /** Message rates from the node's poller (0 while it is not serving). */
  rates: { inPerSec: number; outPerSec: number };
  /** Journal bytes appended per second (for lag in seconds). */
  writeRate: number;
  /** The first page of the node's destinations (deepest first), from its poller. */
  destinations: DestinationRow[];
  destinationsTotal: number;
  process: SupervisedNode | null;
}

/** The numbers of a node's answer the cluster views show, flattened (a projection of NodeInfo, no second contract). */
export interface NodeInfoFields {
  role: NodeInfo["role"];
  serving: boolean;
  uptimeMs: number;
  connections: number;
  memory: NodeInfo["memory"];
  store: Omit<NodeInfo["store"], "startPosition" | "endPosition">;
  depth: number;
  inflight: number;
  enqueued: number;
  dequeued: number;
  closedConnections: NodeInfo["closedConnections"];
  ha: NodeInfo["ha"];
}

export function readInfo(info: NodeInfo): NodeInfoFields {
  const { startPosition: _start, endPosition: _end, ...store } = info.store;
  return {
    role: info.role,
    serving: info.serving,
    uptimeMs: info.uptimeMs,
    connections: info.connections.current,
    memory: info.memory,
    store,
    depth: info.messages.depth,
    inflight: info.messages.inflight,
    enqueued: info.messages.enqueued,
    dequeued: info.messages.dequeued,
    closedConnections: info.closedConnections,
    ha: info.ha ? { ...info.ha, zkSession: info.ha.zkSession === null ? null : sessionIdText(info.ha.zkSession) || null } : null,
  };
}
