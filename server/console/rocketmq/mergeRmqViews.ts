import type { RmqAdminViewResponse } from "../../runtime/admin/adminResponses";

/** What one Tandem group's master said (or why it said nothing). */
export interface RmqGroupAnswer {
  /** The Tandem group (one RocketMQ broker group: brokerName). */
  group: string;
  node: string | null;
  view: RmqAdminViewResponse | null;
  error: string | null;
}

export interface RmqTopicRow {
  topic: string;
  /** %RETRY%, %DLQ% and the auto-create template: RocketMQ's own, shown apart. */
  system: boolean;
  /** The route: every broker group that hosts the topic, with its queue counts and per-queue offsets. */
  placements: Array<{
    group: string;
    brokerName: string;
    addr: string;
    readQueueNums: number;
    writeQueueNums: number;
    perm: number;
    queues: Array<{ queueId: number; minOffset: number; maxOffset: number; lastStoreTimestamp: number | null }>;
  }>;
  /** Messages currently kept (Σ maxOffset − minOffset over every queue). */
  messages: number;
}

export interface RmqConsumerGroupRow {
  consumerGroup: string;
  messageModel: string | null;
  /** One entry per client, however many brokers it heartbeats to. */
  members: Array<{ clientId: string; remote: string; lastHeartbeatMs: number; subscriptions: string[]; brokers: string[] }>;
  queues: Array<{ brokerName: string; topic: string; queueId: number; brokerOffset: number; consumerOffset: number; lag: number }>;
  /** Σ lag over every queue of every broker (RocketMQ's diffTotal). */
  lag: number;
}

export interface RmqOverview {
  brokers: Array<{ group: string; node: string | null; brokerName: string | null; addr: string | null; error: string | null }>;
  topics: RmqTopicRow[];
  consumerGroups: RmqConsumerGroupRow[];
}

const TEMPLATE_TOPIC = "TBW102";

/** The cluster-wide RocketMQ picture from each group master's view: topics with their routes, consumer groups with their total lag. */
export function mergeRmqViews(answers: readonly RmqGroupAnswer[]): RmqOverview {
  const topics = new Map<string, RmqTopicRow>();
  const groups = new Map<string, RmqConsumerGroupRow>();
  for (const a of answers) {
    const v = a.view;
    if (!v) continue;
    for (const t of v.topics) {
      let row = topics.get(t.topic);
      if (!row) topics.set(t.topic, (row = { topic: t.topic, system: t.topic.startsWith("%") || t.topic === TEMPLATE_TOPIC, placements: [], messages: 0 }));
      row.placements.push({ group: a.group, brokerName: v.brokerName, addr: v.addr, readQueueNums: t.readQueueNums, writeQueueNums: t.writeQueueNums, perm: t.perm, queues: t.queues });
      row.messages += t.queues.reduce((n, q) => n + Math.max(0, q.maxOffset - q.minOffset), 0);
    }
    for (const g of v.groups) {
      let row = groups.get(g.group);
      if (!row) groups.set(g.group, (row = { consumerGroup: g.group, messageModel: null, members: [], queues: [], lag: 0 }));
      row.messageModel = row.messageModel ?? g.messageModel;
      for (const m of g.members) {
        const cur = row.members.find((x) => x.clientId === m.clientId);
        if (!cur) row.members.push({ ...m, brokers: [v.brokerName] });
        else {
          cur.brokers.push(v.brokerName);
          // The freshest heartbeat is the client's.
          if (m.lastHeartbeatMs < cur.lastHeartbeatMs) Object.assign(cur, { remote: m.remote, lastHeartbeatMs: m.lastHeartbeatMs, subscriptions: m.subscriptions });
        }
      }
      for (const q of g.queues) row.queues.push({ brokerName: v.brokerName, ...q });
      row.lag += g.lag;
    }
  }
  for (const t of topics.values()) t.placements.sort((x, y) => x.brokerName.localeCompare(y.brokerName));
  for (const g of groups.values()) {
    g.members.sort((x, y) => x.clientId.localeCompare(y.clientId));
    g.queues.sort((x, y) => x.topic.localeCompare(y.topic) || x.brokerName.localeCompare(y.brokerName) || x.queueId - y.queueId);
  }
  return {
    brokers: answers.map((a) => ({ group: a.group, node: a.node, brokerName: a.view?.brokerName ?? null, addr: a.view?.addr ?? null, error: a.error })),
    topics: [...topics.values()].sort((x, y) => Number(x.system) - Number(y.system) || x.topic.localeCompare(y.topic)),
    consumerGroups: [...groups.values()].sort((x, y) => x.consumerGroup.localeCompare(y.consumerGroup)),
  };
}
