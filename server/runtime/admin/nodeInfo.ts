import type { Broker } from "../broker/Broker";
import type { Queue } from "../broker/Queue";
import type { AdminContext } from "./AdminContext";
import type { NodeInfo } from "./adminResponses";
import { rmqGroupLags } from "../rocketmq/rmqAdminView";

export type { NodeInfo };

function percent(used: number, limit: number): number {
  return limit > 0 ? Math.round((used / limit) * 1000) / 10 : 0;
}

/** The node's message totals over every destination (one walk of them all). */
export function messageTotals(broker: Broker | null): NodeInfo["messages"] {
  const messages = { queues: 0, topics: broker?.topics.size ?? 0, depth: 0, inflight: 0, enqueued: 0, dequeued: 0, dispatched: 0, expired: 0, deadLettered: 0 };
  const count = (q: Queue): void => {
    messages.depth += q.depth;
    messages.inflight += q.inflight;
    messages.dequeued += q.stats.dequeued;
    messages.dispatched += q.stats.dispatched;
    messages.expired += q.stats.expired;
    messages.deadLettered += q.stats.deadLettered;
  };
  for (const q of broker?.queues.values() ?? []) {
    messages.queues++;
    messages.enqueued += q.stats.enqueued;
    count(q);
  }
  for (const t of broker?.topics.values() ?? []) {
    messages.enqueued += t.enqueued;
    for (const q of t.subscribers.values()) count(q);
    for (const d of t.durables.values()) count(d.queue);
  }
  return messages;
}

/**
 * GET /api/v1/node: the numbers an operator checks first. Works on a node that serves no clients
 * too. `messages` may be handed in when the caller knows them (nodeShown reuses the totals while
 * the destination change sequence stands still).
 */
export function nodeInfo(ctx: AdminContext, messages: NodeInfo["messages"] = messageTotals(ctx.broker())): NodeInfo {
  const { node } = ctx;
  const broker = ctx.broker();
  const stomp = ctx.stomp();
  const journal = broker?.store.journal ?? ctx.journal();
  const storeUsed = journal ? journal.endPosition - journal.startPosition : 0;
  const byTransport: Record<string, number> = {};
  for (const c of stomp?.connections.values() ?? []) byTransport[c.transportKind] = (byTransport[c.transportKind] ?? 0) + 1;
  const mem = process.memoryUsage();
  const storeLimit = broker?.policy.storeLimit ?? 0;
  const rmq = ctx.rocketmq?.() ?? null;
  return {
    ...(rmq ? { rocketmqLag: rmqGroupLags(rmq) } : {}),
    version: node.version,
    brokerName: node.brokerName,
    nodeName: node.nodeName,
    groupName: node.groupName,
    role: node.role(),
    serving: broker !== null,
    pid: process.pid,
    startedAt: new Date(node.startedAt).toISOString(),
    uptimeMs: Date.now() - node.startedAt,
    listeners: Object.fromEntries(node.ports),
    connections: { current: stomp?.connections.size ?? 0, totalAccepted: stomp?.totalAccepted ?? 0, byTransport },
    memory: {
      used: broker?.memory.usage ?? 0,
      limit: broker?.memory.limit ?? 0,
      percent: broker ? percent(broker.memory.usage, broker.memory.limit) : 0,
      blockedProducers: broker?.memory.blockedProducers ?? 0,
    },
    store: {
      used: storeUsed,
      limit: storeLimit,
      percent: percent(storeUsed, storeLimit),
      startPosition: journal?.startPosition ?? 0,
      endPosition: journal?.endPosition ?? 0,
      syncPolicy: broker?.store.policy ?? null,
    },
    messages,
    closedConnections: Object.fromEntries(stomp?.closedReasons ?? []),
    security: node.security,
    ha: node.ha(),
    bridges: (ctx.bridges?.()?.list() ?? []).map((b) => ({ name: b.name, remoteGroup: b.remoteGroup, state: b.state, stateText: b.stateText, lastStateChange: b.lastStateChange })),
    process: { rss: mem.rss, heapUsed: mem.heapUsed, heapTotal: mem.heapTotal, external: mem.external, arrayBuffers: mem.arrayBuffers },
  };
}
