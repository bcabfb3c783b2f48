import type { z } from "zod";
import { decodeOffsetMessageId, formatProperties, offsetMessageId, parseProperties } from "../rocketmq/messageCodec";
import { DLQ_PREFIX, Perm, RETRY_PREFIX, SCHEDULE_TOPIC } from "../rocketmq/remotingCodes";
import type { RmqBroker } from "../rocketmq/RmqBroker";
import type { StoredMessage } from "../rocketmq/rmqRecord";
import type { AdminContext } from "./AdminContext";
import { AdminError, badRequest, notFound } from "./AdminError";
import type { rmqCreateTopicResultSchema, rmqMessageSchema, rmqMessagesSchema, rmqResendResultSchema, rmqResetOffsetResultSchema } from "./adminResponses";
import type { rmqCreateTopicBody, rmqResendBody, rmqResetOffsetBody } from "./adminSchemas";

type RmqMessage = z.output<typeof rmqMessageSchema>;

/** Messages a key query returns at most (the key index keeps the newest 32 per key anyway). */
const MAX_KEY_RESULTS = 32;

/** The master's RocketMQ broker role, or 503 NOT_SERVING (a slave, or a node without RocketMQ). */
export function rmqBroker(ctx: AdminContext): RmqBroker {
  const rmq = ctx.rocketmq?.() ?? null;
  if (!rmq) throw new AdminError(503, "NOT_SERVING", `node ${ctx.node.nodeName} serves no RocketMQ broker (role: ${ctx.node.role()}; RocketMQ is served by the master when the node has rocketmq.listenPort)`);
  return rmq;
}

/** Creates or updates a topic on this master through UPDATE_AND_CREATE_TOPIC's code path (routes follow). */
export function createRmqTopic(ctx: AdminContext, body: z.output<typeof rmqCreateTopicBody>): z.output<typeof rmqCreateTopicResultSchema> {
  const broker = rmqBroker(ctx);
  const existed = broker.store.topics.has(body.topic);
  const refused = broker.updateTopic(body);
  if (refused !== null) throw badRequest(refused);
  return { brokerName: broker.settings.brokerName, topic: body.topic, created: !existed, readQueueNums: body.readQueueNums, writeQueueNums: body.writeQueueNums, perm: body.perm & 7 };
}

/**
 * RocketMQ's resetOffsetByTime on this master: for every read queue of the topic, the first offset
 * whose store time is ≥ the timestamp (the queue's max offset when none is), committed as the
 * group's offset (journaled, so replicated like any commit). The group's online members are sent
 * RESET_CONSUMER_CLIENT_OFFSET as the broker does, and for clients that ignore it (ali-ons) the
 * broker holds the reset against their commits and moves their next pull there (RmqBroker.resetOffset).
 */
export function resetRmqOffsets(ctx: AdminContext, group: string, body: z.output<typeof rmqResetOffsetBody>): z.output<typeof rmqResetOffsetResultSchema> {
  const broker = rmqBroker(ctx);
  if (broker.consumers.messageModel(group) === "BROADCASTING") {
    // RocketMQ 4 clients keep a broadcasting group's offsets on each client (LocalFileOffsetStore):
    // an offset committed here would be read by no one, and moving one member's pull would put
    // the members at different positions. Refused before anything is written.
    throw badRequest(
      `consumer group ${group} consumes in BROADCASTING mode: its offsets are kept by each client (RocketMQ 4's LocalFileOffsetStore), not by the broker, so the broker cannot reset them. Reset them on each client (the Java client keeps them in ~/.rocketmq_offsets/<clientId>/<group>/offsets.json)`,
      "BAD_DESTINATION",
    );
  }
  const store = broker.store;
  const topic = store.topics.get(body.topic)?.config;
  if (!topic) throw notFound(`topic ${body.topic} does not exist on ${broker.settings.brokerName}`, "NO_DESTINATION");
  const queues = [];
  for (let queueId = 0; queueId < topic.readQueueNums; queueId++) {
    const q = store.queue(body.topic, queueId);
    const offset = q ? Math.min(q.offsetForTime(body.timestamp), q.visible) : 0;
    const previousOffset = store.getOffset(group, body.topic, queueId) ?? null;
    broker.resetOffset(group, body.topic, queueId, offset);
    queues.push({ queueId, previousOffset, offset });
  }
  const notified = broker.consumers.notifyReset(group, body.topic, body.timestamp, queues.map((q) => ({ brokerName: broker.settings.brokerName, queueId: q.queueId, offset: q.offset })));
  return { brokerName: broker.settings.brokerName, group, topic: body.topic, timestamp: body.timestamp, onlineMembers: notified, queues };
}

/**
 * Messages on this master by offset message id (hex of store host and commit log offset) or by
 * key (KEYS, or the client's UNIQ_KEY message id). An offset id naming another broker finds nothing here.
 */
export async function queryRmqMessages(ctx: AdminContext, q: { id?: string; key?: string; topic?: string }): Promise<z.output<typeof rmqMessagesSchema>> {
  const broker = rmqBroker(ctx);
  const out: RmqMessage[] = [];
  if (q.id !== undefined) {
    const parsed = decodeOffsetMessageId(q.id);
    if (parsed && parsed.storeHost === broker.storeHost) {
      const found = await broker.findById(q.id);
      if (found) out.push(messageView(broker, found.message, found.position));
    } else if (!parsed) {
      // Not an offset id: the client-side id (UNIQ_KEY) a producer's SendResult names, in the key index.
      out.push(...(await byKey(broker, q.id, q.topic)));
    }
  } else if (q.key !== undefined) {
    out.push(...(await byKey(broker, q.key, q.topic)));
  } else {
    throw badRequest("give id= (a message id) or key= (a message key)");
  }
  return { brokerName: broker.settings.brokerName, messages: out };
}

async function byKey(broker: RmqBroker, key: string, topic: string | undefined): Promise<RmqMessage[]> {
  const out: RmqMessage[] = [];
  for (const position of [...broker.store.byKey(key)].reverse()) {
    if (out.length >= MAX_KEY_RESULTS) break;
    let m: StoredMessage;
    try {
      m = await broker.store.read(position);
    } catch {
      continue; // expired by retention since it was indexed
    }
    if (m.topic === SCHEDULE_TOPIC) continue;
    if (topic !== undefined && m.topic !== topic) continue;
    out.push(messageView(broker, m, position));
  }
  return out;
}

function messageView(broker: RmqBroker, m: StoredMessage, position: number): RmqMessage {
  const props = parseProperties(m.properties);
  return {
    msgId: offsetMessageId(broker.storeHost, position),
    uniqKey: props.get("UNIQ_KEY") ?? null,
    topic: m.topic,
    queueId: m.queueId,
    queueOffset: m.queueOffset,
    tags: props.get("TAGS") ?? null,
    keys: props.get("KEYS") ?? null,
    bornTimestamp: m.bornTimestamp,
    bornHost: m.bornHost,
    storeTimestamp: m.storeTimestamp,
    storeHost: broker.storeHost,
    reconsumeTimes: m.reconsumeTimes,
    properties: [...props.entries()],
    bodySize: m.body.length,
    bodyBase64: m.body.toString("base64"),
  };
}

/**
 * Resends a stored message to one consumer group: a new message on the group's retry topic
 * (%RETRY%<group>, queue 0) carrying RETRY_TOPIC = the original topic, so the group's consumers
 * (clustering mode subscribes every member to it) hand it to their handler for the original topic.
 * It is not RocketMQ's consumeMessageDirectly (that asks one online client to run its listener);
 * the reconsume count starts again at 0 and the original stays where it is.
 */
export async function resendRmqMessage(ctx: AdminContext, id: string, body: z.output<typeof rmqResendBody>): Promise<z.output<typeof rmqResendResultSchema>> {
  const broker = rmqBroker(ctx);
  const parsed = decodeOffsetMessageId(id);
  if (!parsed) throw badRequest(`${id} is not an offset message id (32 hex digits)`);
  if (parsed.storeHost !== broker.storeHost) throw notFound(`message ${id} was stored by ${parsed.storeHost}, not by this broker (${broker.storeHost})`, "NO_MESSAGE");
  const found = await broker.findById(id);
  if (!found || found.message.topic === SCHEDULE_TOPIC) throw notFound(`no message ${id} on ${broker.settings.brokerName} (expired by retention?)`, "NO_MESSAGE");
  const m = found.message;
  const props = parseProperties(m.properties);
  if (!props.has("RETRY_TOPIC")) props.set("RETRY_TOPIC", m.topic);
  if (!props.has("ORIGIN_MESSAGE_ID")) props.set("ORIGIN_MESSAGE_ID", id);
  for (const k of ["DELAY", "REAL_TOPIC", "REAL_QID"]) props.delete(k);
  const retryTopic = RETRY_PREFIX + body.group;
  if (!broker.ensureSystemTopic(retryTopic, Perm.READ | Perm.WRITE)) throw badRequest(broker.noRoomFor(retryTopic), "BAD_DESTINATION");
  const appended = broker.store.append({
    topic: retryTopic,
    queueId: 0,
    flag: m.flag,
    sysFlag: m.sysFlag,
    bornTimestamp: m.bornTimestamp,
    bornHost: m.bornHost,
    storeTimestamp: Date.now(),
    reconsumeTimes: 0,
    properties: formatProperties(props),
    body: m.body,
  });
  const status = await broker.awaitPolicy([appended.durable]);
  if (typeof status === "object") throw new AdminError(500, "INTERNAL", `resent message not stored durably: ${status.error}`);
  return {
    brokerName: broker.settings.brokerName,
    group: body.group,
    originalTopic: props.get("RETRY_TOPIC") ?? m.topic,
    fromDlq: m.topic.startsWith(DLQ_PREFIX),
    topic: retryTopic,
    msgId: offsetMessageId(broker.storeHost, appended.position),
    queueOffset: appended.queueOffset,
    replicated: status === "ok",
  };
}
