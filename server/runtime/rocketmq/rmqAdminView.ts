import type { RmqBroker } from "./RmqBroker";
import { SCHEDULE_TOPIC } from "./remotingCodes";

/** One topic on this broker group: its queue counts and each read queue's offset range. */
export interface RmqTopicView {
  topic: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  queues: Array<{ queueId: number; minOffset: number; maxOffset: number; lastStoreTimestamp: number | null }>;
}

/** One consumer group as this broker sees it: members from heartbeats, offsets and lag per queue. */
export interface RmqGroupView {
  group: string;
  messageModel: string | null;
  members: Array<{ clientId: string; remote: string; lastHeartbeatMs: number; subscriptions: string[] }>;
  queues: Array<{ topic: string; queueId: number; brokerOffset: number; consumerOffset: number; lag: number }>;
  lag: number;
}

/** Σ lag per consumer group (RocketMQ's diffTotal): what GET /api/v1/node reports for the alert rules. */
export function rmqGroupLags(broker: RmqBroker): Array<{ consumerGroup: string; lag: number }> {
  const lags = new Map<string, number>();
  for (const o of broker.store.offsets.values()) {
    if (o.group.startsWith("%")) continue;
    const brokerOffset = broker.store.queue(o.topic, o.queueId)?.visible ?? 0;
    lags.set(o.group, (lags.get(o.group) ?? 0) + Math.max(0, brokerOffset - o.offset));
  }
  return [...lags].sort(([a], [b]) => a.localeCompare(b)).map(([consumerGroup, lag]) => ({ consumerGroup, lag }));
}

export interface RmqAdminView {
  brokerName: string;
  cluster: string;
  addr: string;
  topics: RmqTopicView[];
  groups: RmqGroupView[];
}

/**
 * The RocketMQ state of a master for the admin API (the console's topic and consumer-group
 * views): per-queue min/max offsets, and per group the broker offset vs the committed consumer
 * offset. Lag counts messages a group has not committed (RocketMQ's diffTotal).
 */
export function rmqAdminView(broker: RmqBroker, now = Date.now()): RmqAdminView {
  const store = broker.store;
  const topics: RmqTopicView[] = [];
  for (const [name, t] of [...store.topics].sort(([a], [b]) => a.localeCompare(b))) {
    if (name === SCHEDULE_TOPIC) continue;
    const queues = [];
    for (let q = 0; q < t.config.readQueueNums; q++) {
      const cq = store.queue(name, q);
      queues.push({ queueId: q, minOffset: cq?.minOffset ?? 0, maxOffset: cq?.visible ?? 0, lastStoreTimestamp: cq && cq.times.length > 0 ? cq.times[cq.times.length - 1] : null });
    }
    topics.push({ topic: name, readQueueNums: t.config.readQueueNums, writeQueueNums: t.config.writeQueueNums, perm: t.config.perm, queues });
  }
  const byGroup = new Map<string, RmqGroupView>();
  const groupFor = (group: string): RmqGroupView => {
    let g = byGroup.get(group);
    if (!g) byGroup.set(group, (g = { group, messageModel: null, members: [], queues: [], lag: 0 }));
    return g;
  };
  for (const name of broker.consumers.groupNames()) {
    const g = groupFor(name);
    for (const m of broker.consumers.members(name)) {
      g.messageModel = m.data.messageModel ?? g.messageModel;
      g.members.push({ clientId: m.clientId, remote: m.remote, lastHeartbeatMs: now - m.lastSeen, subscriptions: (m.data.subscriptionDataSet ?? []).map((s) => `${s.topic}:${s.subString ?? "*"}`) });
    }
  }
  for (const o of store.offsets.values()) {
    if (o.group.startsWith("%")) continue; // the delay scheduler's own progress
    const g = groupFor(o.group);
    const brokerOffset = store.queue(o.topic, o.queueId)?.visible ?? 0;
    const lag = Math.max(0, brokerOffset - o.offset);
    g.queues.push({ topic: o.topic, queueId: o.queueId, brokerOffset, consumerOffset: o.offset, lag });
    g.lag += lag;
  }
  for (const g of byGroup.values()) g.queues.sort((a, b) => a.topic.localeCompare(b.topic) || a.queueId - b.queueId);
  return {
    brokerName: broker.settings.brokerName,
    cluster: broker.settings.brokerClusterName,
    addr: broker.storeHost,
    topics,
    groups: [...byGroup.values()].sort((a, b) => a.group.localeCompare(b.group)),
  };
}
