// Response schemas of the node admin API: the contract with the console, which validates every
// answer against them (server/console/admin/AdminClient.ts). The node's own types are inferred
// from these, so the node cannot drift from the contract without failing to compile; with
// `checkResponses` (on in tests) AdminServer also validates every answer before sending it.
import { z } from "zod";
import { bridgesResponseSchema } from "./bridgesSchema";

export const DESTINATION_KINDS = ["queue", "topic", "temp-queue", "temp-topic"] as const;
export const destinationKindSchema = z.enum(DESTINATION_KINDS);
export type DestinationKind = z.infer<typeof destinationKindSchema>;

/** One list page: `items[offset .. offset+limit)` of `total`. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ total: z.number().int(), offset: z.number().int(), limit: z.number().int(), items: z.array(item) });
}

// ---- GET /api/v1/node ----

export const slaveLinkSchema = z.object({
  node: z.string(),
  remote: z.string(),
  /** Next journal position to ship. */
  cursor: z.number(),
  ackedMem: z.number(),
  ackedDisk: z.number(),
  state: z.enum(["syncing", "streaming"]),
  connectedAt: z.number(),
  lagBytes: z.number(),
});

/** Replication view (master: slaves and their acknowledged positions; slave: its master and position). */
export const haViewSchema = z.object({
  role: z.enum(["joining", "slave", "master", "stopped"]),
  eid: z.string().nullable(),
  quorum: z.number().int(),
  replicas: z.number().int(),
  sync: z.string(),
  zkPath: z.string(),
  zkSession: z.string().nullable(),
  zkState: z.string().nullable(),
  position: z.number(),
  durablePosition: z.number(),
  term: z.object({ id: z.string(), start: z.number() }).nullable(),
  slaves: z.array(slaveLinkSchema),
  following: z.object({ master: z.string().nullable(), records: z.number() }).nullable(),
  /** Why the elector decided as it did last. */
  election: z.string(),
});
export type HaView = z.infer<typeof haViewSchema>;

export const nodeBridgeBriefSchema = z.object({
  name: z.string(),
  remoteGroup: z.string().nullable(),
  state: z.string(),
  stateText: z.string(),
  lastStateChange: z.number(),
});

export const nodeInfoSchema = z.object({
  version: z.string(),
  brokerName: z.string(),
  nodeName: z.string(),
  groupName: z.string(),
  role: z.string(),
  /** false on a slave or a master between terms: no broker, no client listeners. */
  serving: z.boolean(),
  pid: z.number().int(),
  startedAt: z.string(),
  uptimeMs: z.number(),
  listeners: z.record(z.string(), z.number()),
  connections: z.object({ current: z.number(), totalAccepted: z.number(), byTransport: z.record(z.string(), z.number()) }),
  memory: z.object({ used: z.number(), limit: z.number(), percent: z.number(), blockedProducers: z.number() }),
  store: z.object({
    used: z.number(),
    limit: z.number(),
    percent: z.number(),
    startPosition: z.number(),
    endPosition: z.number(),
    syncPolicy: z.string().nullable(),
  }),
  messages: z.object({
    queues: z.number(),
    topics: z.number(),
    depth: z.number(),
    inflight: z.number(),
    enqueued: z.number(),
    dequeued: z.number(),
    dispatched: z.number(),
    expired: z.number(),
    deadLettered: z.number(),
  }),
  closedConnections: z.record(z.string(), z.number()),
  security: z.object({ enabled: z.boolean(), users: z.number(), allowAnonymous: z.boolean() }),
  ha: haViewSchema.nullable(),
  /** The network bridges this node runs (masters only), in brief; GET /api/v1/bridges has the rest. */
  bridges: z.array(nodeBridgeBriefSchema),
  process: z.object({ rss: z.number(), heapUsed: z.number(), heapTotal: z.number(), external: z.number(), arrayBuffers: z.number() }),
  /** Total lag of each RocketMQ consumer group on this master (absent when it serves no RocketMQ broker); the alert rules read it. */
  rocketmqLag: z.array(z.object({ consumerGroup: z.string(), lag: z.number() })).optional(),
  /**
   * Fingerprint of what a console shows of this node (nodeShown.ts): pass it back as
   * `changedFrom` to long-poll for the next change. Absent from nodes older than the long-poll.
   */
  shown: z.string().optional(),
});
export type NodeInfo = z.infer<typeof nodeInfoSchema>;

export const handoverResultSchema = z.object({ caughtUp: z.boolean(), position: z.number() });
export type HandoverResult = z.infer<typeof handoverResultSchema>;

// ---- destinations ----

export const destinationRowSchema = z.object({
  name: z.string(),
  kind: destinationKindSchema,
  depth: z.number(),
  /** Messages paged out to the journal (part of depth). */
  spilled: z.number(),
  enqueued: z.number(),
  dequeued: z.number(),
  dispatched: z.number(),
  expired: z.number(),
  deadLettered: z.number(),
  consumers: z.number(),
  /** Open connections that have sent to it. */
  producers: z.number(),
  inflight: z.number(),
  durableSubscriptions: z.number(),
  /** Age of the oldest waiting message in ms; null when none waits. */
  oldestMessageAgeMs: z.number().nullable(),
});
export type DestinationRow = z.infer<typeof destinationRowSchema>;
export const destinationPageSchema = pageSchema(destinationRowSchema);

/**
 * GET /destination-changes: the destinations whose counters, depth, in-flight or consumers
 * changed after the cursor `since`, oldest change first, and those deleted since. A node answers
 * only rows that moved, so a reader polling it learns of every busy destination (not just the
 * deepest) and an idle node answers nothing.
 */
export const destinationChangesSchema = z.object({
  /** Pass as `since` next time. Only meaningful to this node in this incarnation. */
  cursor: z.string(),
  /**
   * `since` was not usable — from another incarnation (the node restarted, or another node is now
   * master), or older than the deletions the node remembers: this answer starts from the beginning
   * (every destination), so the reader drops what it knew and takes it as a full snapshot.
   */
  reset: z.boolean(),
  /** More changes wait beyond `limit`: call again with `cursor` at once. */
  more: z.boolean(),
  items: z.array(destinationRowSchema),
  /** Destinations deleted after `since` (absent from `items`). */
  deleted: z.array(z.string()),
});
export type DestinationChangesPage = z.infer<typeof destinationChangesSchema>;

export const createDestinationResultSchema = z.object({ destination: z.string(), created: z.boolean() });
export const deleteDestinationResultSchema = z.object({ destination: z.string(), deleted: z.boolean(), purged: z.number() });
export const purgeDestinationResultSchema = z.object({ destination: z.string(), purged: z.number() });

// ---- messages ----

export const messageSummarySchema = z.object({
  id: z.string(),
  destination: z.string(),
  persistent: z.boolean(),
  priority: z.number(),
  timestamp: z.number(),
  expires: z.number(),
  deliveryCount: z.number(),
  bodySize: z.number(),
  /** false: the message is paged out and was read back from the journal for this answer. */
  inMemory: z.boolean(),
  headers: z.record(z.string(), z.string()),
});
export type MessageSummary = z.infer<typeof messageSummarySchema>;
export const messagePageSchema = pageSchema(messageSummarySchema);

export const messageDetailSchema = messageSummarySchema.extend({
  headerList: z.array(z.tuple([z.string(), z.string()])),
  bodyBase64: z.string(),
  /** The body as text when it is valid UTF-8, else null. */
  bodyText: z.string().nullable(),
});
export type MessageDetail = z.infer<typeof messageDetailSchema>;

export const sendMessageResultSchema = z.object({ destination: z.string(), id: z.string(), persistent: z.boolean() });
export const moveMessagesResultSchema = z.object({ from: z.string(), to: z.string(), moved: z.number(), copied: z.boolean(), ids: z.array(z.string()) });

// ---- connections ----

export const subscriptionRowSchema = z.object({
  connectionId: z.string(),
  id: z.string(),
  destination: z.string(),
  ackMode: z.string(),
  prefetch: z.number(),
  inflight: z.number(),
  dispatched: z.number(),
  selector: z.string().nullable(),
});
export type SubscriptionRow = z.infer<typeof subscriptionRowSchema>;

export const connectionRowSchema = z.object({
  id: z.string(),
  remoteAddress: z.string(),
  transport: z.string(),
  version: z.string(),
  user: z.string().nullable(),
  clientId: z.string().nullable(),
  connectedAt: z.string(),
  paused: z.boolean(),
  framesIn: z.number(),
  framesOut: z.number(),
  messagesIn: z.number(),
  messagesOut: z.number(),
  bytesIn: z.number(),
  bytesOut: z.number(),
  subscriptions: z.array(subscriptionRowSchema),
  /** The negotiated heart-beat (ms; 0 = none): the node sends every sendEveryMs and expects the client every expectEveryMs. */
  heartBeat: z.object({ sendEveryMs: z.number(), expectEveryMs: z.number() }),
  /** Time since the node last read a byte from the client. */
  lastReadAgoMs: z.number(),
});
export type ConnectionRow = z.infer<typeof connectionRowSchema>;
export const connectionPageSchema = pageSchema(connectionRowSchema);
export const subscriptionPageSchema = pageSchema(subscriptionRowSchema);
/** A durable topic subscription (STOMP `activemq.subscriptionName` + client-id), connected or not. */
export const durableRowSchema = z.object({
  clientId: z.string(),
  subscriptionName: z.string(),
  topic: z.string(),
  selector: z.string().nullable(),
  /** Messages kept for it and not yet delivered (including paged-out ones). */
  pending: z.number(),
  /** Delivered and not acknowledged yet. */
  inflight: z.number(),
  /** Connected consumers (0: offline, messages accumulate). */
  consumers: z.number(),
  enqueued: z.number(),
  dequeued: z.number(),
});
export type DurableRow = z.infer<typeof durableRowSchema>;
export const durablePageSchema = pageSchema(durableRowSchema);
export const closeConnectionResultSchema = z.object({ id: z.string(), closed: z.boolean() });

// ---- bridges ----

export { bridgesResponseSchema };
export const restartBridgeResultSchema = z.object({ restarted: z.string() });

// ---- RocketMQ (the master's RocketMQ broker role; rocketmq/rmqAdminView.ts builds it) ----

export const rmqTopicViewSchema = z.object({
  topic: z.string(),
  readQueueNums: z.number(),
  writeQueueNums: z.number(),
  perm: z.number(),
  queues: z.array(z.object({ queueId: z.number(), minOffset: z.number(), maxOffset: z.number(), lastStoreTimestamp: z.number().nullable() })),
});
export const rmqGroupViewSchema = z.object({
  group: z.string(),
  messageModel: z.string().nullable(),
  members: z.array(z.object({ clientId: z.string(), remote: z.string(), lastHeartbeatMs: z.number(), subscriptions: z.array(z.string()) })),
  queues: z.array(z.object({ topic: z.string(), queueId: z.number(), brokerOffset: z.number(), consumerOffset: z.number(), lag: z.number() })),
  lag: z.number(),
});
export const rmqAdminViewSchema = z.object({
  brokerName: z.string(),
  cluster: z.string(),
  addr: z.string(),
  topics: z.array(rmqTopicViewSchema),
  groups: z.array(rmqGroupViewSchema),
});
export type RmqAdminViewResponse = z.infer<typeof rmqAdminViewSchema>;

export const rmqCreateTopicResultSchema = z.object({
  brokerName: z.string(),
  topic: z.string(),
  /** false: the topic existed and was updated. */
  created: z.boolean(),
  readQueueNums: z.number().int(),
  writeQueueNums: z.number().int(),
  perm: z.number().int(),
});
export const rmqResetOffsetResultSchema = z.object({
  brokerName: z.string(),
  group: z.string(),
  topic: z.string(),
  timestamp: z.number(),
  /** Members sent RESET_CONSUMER_CLIENT_OFFSET (a client that ignores it commits its own offset again). */
  onlineMembers: z.number().int(),
  queues: z.array(z.object({ queueId: z.number().int(), previousOffset: z.number().nullable(), offset: z.number() })),
});
export const rmqMessageSchema = z.object({
  /** Offset message id: store host and commit log offset. */
  msgId: z.string(),
  /** The producer's message id (UNIQ_KEY), when it set one. */
  uniqKey: z.string().nullable(),
  topic: z.string(),
  queueId: z.number().int(),
  queueOffset: z.number(),
  tags: z.string().nullable(),
  keys: z.string().nullable(),
  bornTimestamp: z.number(),
  bornHost: z.string(),
  storeTimestamp: z.number(),
  storeHost: z.string(),
  reconsumeTimes: z.number().int(),
  properties: z.array(z.tuple([z.string(), z.string()])),
  bodySize: z.number().int(),
  bodyBase64: z.string(),
});
export const rmqMessagesSchema = z.object({ brokerName: z.string(), messages: z.array(rmqMessageSchema) });
export const rmqResendResultSchema = z.object({
  brokerName: z.string(),
  group: z.string(),
  originalTopic: z.string(),
  fromDlq: z.boolean(),
  /** Where the resent copy went: the group's retry topic. */
  topic: z.string(),
  msgId: z.string(),
  queueOffset: z.number(),
  /** false: stored, but the group's sync policy did not confirm in time. */
  replicated: z.boolean(),
});
