import type { GroupState } from "../../../console/cluster/ClusterMonitor";
import type { SupervisedNode } from "../../../console/cluster/NodeSupervisor";
import { sessionIdText } from "../../../runtime/zk/sessionIdText";

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
  /** GET /api/v1/node as the node answered it; null when it did not answer. */
  info: Record<string, unknown> | null;
  error: string | null;
  /** Message rates from the node's poller (0 while it is not serving). */
  rates: { inPerSec: number; outPerSec: number };
  /** Journal bytes appended per second (for lag in seconds). */
  writeRate: number;
  /** The first page of the node's destinations (deepest first), from its poller. */
  destinations: Array<Record<string, unknown>>;
  destinationsTotal: number;
  process: SupervisedNode | null;
}

/** The fields of GET /api/v1/node the console reads, with safe defaults for a partial answer. */
export interface NodeInfoFields {
  role: string;
  serving: boolean;
  uptimeMs: number | null;
  connections: number;
  memory: { used: number; limit: number; percent: number; blockedProducers: number };
  store: { used: number; limit: number; percent: number; syncPolicy: string | null };
  depth: number;
  inflight: number;
  enqueued: number;
  dequeued: number;
  closedConnections: Record<string, number>;
  ha: {
    role: string | null;
    eid: string | null;
    zkSession: string | null;
    position: number;
    sync: string | null;
    slaves: Array<{ node: string; state: string; ackedMem: number; ackedDisk: number; lagBytes: number; connectedAt: number | null }>;
    following: { master: string | null; records: number } | null;
    term: { id: string; start: number } | null;
  } | null;
}

function num(v: unknown, d = 0): number {
  return typeof v === "number" && Number.isFinite(v) ? v : d;
}
function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}
function obj(v: unknown): Record<string, unknown> {
  return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : {};
}

/** Reads a node's admin answer defensively: nodes of another version may omit fields. */
export function readInfo(info: Record<string, unknown>): NodeInfoFields {
  const mem = obj(info.memory);
  const store = obj(info.store);
  const msgs = obj(info.messages);
  const haRaw = info.ha;
  let ha: NodeInfoFields["ha"] = null;
  if (typeof haRaw === "object" && haRaw !== null) {
    const h = haRaw as Record<string, unknown>;
    const following = typeof h.following === "object" && h.following !== null ? obj(h.following) : null;
    const term = typeof h.term === "object" && h.term !== null ? obj(h.term) : null;
    ha = {
      role: str(h.role),
      eid: str(h.eid),
      zkSession: str(h.zkSession) === null ? null : sessionIdText(str(h.zkSession)) || null,
      position: num(h.position),
      sync: str(h.sync),
      slaves: (Array.isArray(h.slaves) ? h.slaves : []).map((s) => {
        const o = obj(s);
        return {
          node: String(o.node ?? "?"),
          state: String(o.state ?? "unknown"),
          ackedMem: num(o.ackedMem),
          ackedDisk: num(o.ackedDisk),
          lagBytes: num(o.lagBytes),
          connectedAt: typeof o.connectedAt === "number" ? o.connectedAt : null,
        };
      }),
      following: following ? { master: str(following.master), records: num(following.records) } : null,
      term: term ? { id: String(term.id ?? ""), start: num(term.start) } : null,
    };
  }
  const closed: Record<string, number> = {};
  for (const [k, v] of Object.entries(obj(info.closedConnections))) closed[k] = num(v);
  return {
    role: str(info.role) ?? "standalone",
    serving: info.serving === true,
    uptimeMs: typeof info.uptimeMs === "number" ? info.uptimeMs : null,
    connections: num(obj(info.connections).current),
    memory: { used: num(mem.used), limit: num(mem.limit), percent: num(mem.percent), blockedProducers: num(mem.blockedProducers) },
    store: { used: num(store.used), limit: num(store.limit), percent: num(store.percent), syncPolicy: str(store.syncPolicy) },
    depth: num(msgs.depth),
    inflight: num(msgs.inflight),
    enqueued: num(msgs.enqueued),
    dequeued: num(msgs.dequeued),
    closedConnections: closed,
    ha,
  };
}
