import type { AdminContext } from "./AdminContext";

export interface NodeInfo {
  version: string;
  brokerName: string;
  nodeName: string;
  groupName: string;
  role: string;
  pid: number;
  startedAt: string;
  uptimeMs: number;
  listeners: Record<string, number>;
  connections: { current: number; totalAccepted: number; byTransport: Record<string, number> };
  memory: { used: number; limit: number; percent: number; blockedProducers: number };
  store: { used: number; limit: number; percent: number; startPosition: number; endPosition: number; syncPolicy: string };
  messages: {
    queues: number;
    topics: number;
    depth: number;
    inflight: number;
    enqueued: number;
    dequeued: number;
    dispatched: number;
    expired: number;
    deadLettered: number;
  };
  closedConnections: Record<string, number>;
  security: { enabled: boolean; users: number; allowAnonymous: boolean };
  process: { rss: number; heapUsed: number };
}

function percent(used: number, limit: number): number {
  return limit > 0 ? Math.round((used / limit) * 1000) / 10 : 0;
}

/** GET /api/v1/node: the numbers an operator checks first. */
export function nodeInfo(ctx: AdminContext): NodeInfo {
  const { broker, stomp, node } = ctx;
  const journal = broker.store.journal;
  const storeUsed = journal.endPosition - journal.startPosition;
  const messages = { queues: 0, topics: broker.topics.size, depth: 0, inflight: 0, enqueued: 0, dequeued: 0, dispatched: 0, expired: 0, deadLettered: 0 };
  const count = (q: { depth: number; inflight: number; stats: { dequeued: number; dispatched: number; expired: number; deadLettered: number } }): void => {
    messages.depth += q.depth;
    messages.inflight += q.inflight;
    messages.dequeued += q.stats.dequeued;
    messages.dispatched += q.stats.dispatched;
    messages.expired += q.stats.expired;
    messages.deadLettered += q.stats.deadLettered;
  };
  for (const q of broker.queues.values()) {
    messages.queues++;
    messages.enqueued += q.stats.enqueued;
    count(q);
  }
  for (const t of broker.topics.values()) {
    messages.enqueued += t.enqueued;
    for (const q of t.subscribers.values()) count(q);
    for (const d of t.durables.values()) count(d.queue);
  }
  const byTransport: Record<string, number> = {};
  for (const c of stomp.connections.values()) byTransport[c.transportKind] = (byTransport[c.transportKind] ?? 0) + 1;
  const mem = process.memoryUsage();
  return {
    version: node.version,
    brokerName: node.brokerName,
    nodeName: node.nodeName,
    groupName: node.groupName,
    role: node.role(),
    pid: process.pid,
    startedAt: new Date(node.startedAt).toISOString(),
    uptimeMs: Date.now() - node.startedAt,
    listeners: Object.fromEntries(node.ports),
    connections: { current: stomp.connections.size, totalAccepted: stomp.totalAccepted, byTransport },
    memory: {
      used: broker.memory.usage,
      limit: broker.memory.limit,
      percent: percent(broker.memory.usage, broker.memory.limit),
      blockedProducers: broker.memory.blockedProducers,
    },
    store: {
      used: storeUsed,
      limit: broker.policy.storeLimit,
      percent: percent(storeUsed, broker.policy.storeLimit),
      startPosition: journal.startPosition,
      endPosition: journal.endPosition,
      syncPolicy: broker.store.policy,
    },
    messages,
    closedConnections: Object.fromEntries(stomp.closedReasons),
    security: node.security,
    process: { rss: mem.rss, heapUsed: mem.heapUsed },
  };
}
