import { z } from "zod";

/** RocketMQ names: topics and consumer groups (its own character set, 127 at most). */
const rmqName = z.string().min(1).max(127).regex(/^[%|a-zA-Z0-9_-]+$/, "may contain only letters, digits and %|_-");

const queueRange = z.object({ queueId: z.number().int(), minOffset: z.number(), maxOffset: z.number(), lastStoreTimestamp: z.number().nullable() });

export const overviewOutput = z.object({
  /** Each Tandem group (a RocketMQ broker group) and the master that answered, or why it did not. */
  brokers: z.array(z.object({ group: z.string(), node: z.string().nullable(), brokerName: z.string().nullable(), addr: z.string().nullable(), error: z.string().nullable() })),
  topics: z.array(
    z.object({
      topic: z.string(),
      system: z.boolean(),
      messages: z.number(),
      placements: z.array(z.object({ group: z.string(), brokerName: z.string(), addr: z.string(), readQueueNums: z.number().int(), writeQueueNums: z.number().int(), perm: z.number().int(), queues: z.array(queueRange) })),
    }),
  ),
  consumerGroups: z.array(
    z.object({
      consumerGroup: z.string(),
      messageModel: z.string().nullable(),
      members: z.array(z.object({ clientId: z.string(), remote: z.string(), lastHeartbeatMs: z.number(), subscriptions: z.array(z.string()), brokers: z.array(z.string()) })),
      queues: z.array(z.object({ brokerName: z.string(), topic: z.string(), queueId: z.number().int(), brokerOffset: z.number(), consumerOffset: z.number(), lag: z.number() })),
      lag: z.number(),
    }),
  ),
});

export const createTopicInput = z.object({
  topic: rmqName,
  /** The Tandem groups (broker groups) that host the topic. */
  groups: z.array(z.string().min(1).max(200)).min(1).max(64),
  readQueueNums: z.number().int().min(1).max(1024),
  writeQueueNums: z.number().int().min(1).max(1024),
  /** 6 read+write, 4 read only, 2 write only. */
  perm: z.union([z.literal(2), z.literal(4), z.literal(6)]).default(6),
});
export const createTopicOutput = z.object({
  topic: z.string(),
  placements: z.array(z.object({ group: z.string(), node: z.string(), brokerName: z.string(), created: z.boolean() })),
});

export const resetOffsetInput = z.object({
  consumerGroup: rmqName,
  topic: rmqName,
  /** Ms since the epoch: each queue resumes at the first message stored at or after it. */
  timestamp: z.number().int().min(0),
});
export const resetOffsetOutput = z.object({
  consumerGroup: z.string(),
  topic: z.string(),
  timestamp: z.number(),
  /** Members online when the reset ran (they were sent RESET_CONSUMER_CLIENT_OFFSET). */
  onlineMembers: z.number().int(),
  brokers: z.array(z.object({ group: z.string(), brokerName: z.string(), queues: z.array(z.object({ queueId: z.number().int(), previousOffset: z.number().nullable(), offset: z.number() })) })),
});

export const messagesInput = z.object({
  id: z.string().min(1).max(200).optional(),
  key: z.string().min(1).max(1000).optional(),
  topic: rmqName.optional(),
});
export const rmqMessageView = z.object({
  msgId: z.string(),
  uniqKey: z.string().nullable(),
  brokerName: z.string(),
  group: z.string(),
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
  /** true: the caller may not read message bodies (bodyBase64 is empty); an admin can allow it. */
  bodyWithheld: z.boolean(),
});
export const messagesOutput = z.object({ messages: z.array(rmqMessageView) });

export const resendInput = z.object({ id: z.string().regex(/^[0-9A-Fa-f]{32}$/, "must be an offset message id (32 hex digits)"), consumerGroup: rmqName });
export const resendOutput = z.object({
  group: z.string(),
  brokerName: z.string(),
  originalTopic: z.string(),
  fromDlq: z.boolean(),
  topic: z.string(),
  msgId: z.string(),
  replicated: z.boolean(),
});
