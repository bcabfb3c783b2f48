import { z } from "zod";

/** A node name as the cluster file spells it. */
const nodeName = z.string().min(1).max(200);

export const connectionsListInput = z.object({ node: nodeName });

export const subscriptionView = z.object({
  id: z.string(),
  destination: z.string(),
  ackMode: z.string(),
  prefetch: z.number().int(),
  /** Delivered and not acknowledged yet. */
  inflight: z.number().int(),
  dispatched: z.number().int(),
  selector: z.string().nullable(),
});

export const connectionView = z.object({
  id: z.string(),
  remoteAddress: z.string(),
  transport: z.string(),
  /** STOMP protocol version negotiated on CONNECT. */
  version: z.string(),
  user: z.string().nullable(),
  clientId: z.string().nullable(),
  connectedAt: z.string(),
  /** Negotiated heart-beat in ms (0: none); null from a node that does not report it. */
  heartBeat: z.object({ sendEveryMs: z.number().int(), expectEveryMs: z.number().int() }).nullable(),
  lastReadAgoMs: z.number().nullable(),
  paused: z.boolean(),
  messagesIn: z.number().int(),
  messagesOut: z.number().int(),
  bytesIn: z.number().int(),
  bytesOut: z.number().int(),
  /** Messages per second since the previous listing; null on the first one. */
  inPerSec: z.number().nullable(),
  outPerSec: z.number().nullable(),
  unacked: z.number().int(),
  subscriptions: z.array(subscriptionView),
});

export const connectionsListOutput = z.object({ node: z.string(), total: z.number().int(), connections: z.array(connectionView) });

export const durablesInput = z.object({ node: nodeName });

export const durablesOutput = z.object({
  node: z.string(),
  total: z.number().int(),
  durables: z.array(
    z.object({
      clientId: z.string(),
      subscriptionName: z.string(),
      topic: z.string(),
      selector: z.string().nullable(),
      pending: z.number().int(),
      inflight: z.number().int(),
      consumers: z.number().int(),
      enqueued: z.number().int(),
      dequeued: z.number().int(),
    }),
  ),
});

export const closeConnectionInput = z.object({ node: nodeName, id: z.string().min(1).max(200) });
export const closeConnectionOutput = z.object({ node: z.string(), id: z.string() });
