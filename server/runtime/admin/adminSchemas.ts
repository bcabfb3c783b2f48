// Request schemas of the admin API, one place, so every 400 names the field that was wrong.
import { z } from "zod";

const destinationName = z.string().min(1).max(600);

export const createDestinationBody = z.strictObject({ destination: destinationName });

export const sendMessageBody = z.strictObject({
  headers: z.record(z.string().min(1).max(1024), z.string().max(64 * 1024)).default({}),
  body: z.string().default(""),
  bodyEncoding: z.enum(["text", "base64"]).default("text"),
  /** Admin sends are persistent unless told otherwise (an operator re-injecting data wants it kept). */
  persistent: z.boolean().default(true),
  priority: z.number().int().min(0).max(9).default(4),
  ttlMs: z.number().int().min(0).default(0),
});

export const moveBody = z.strictObject({
  to: destinationName,
  messageIds: z.array(z.string().min(1)).min(1).max(100_000).optional(),
  selector: z.string().max(10_000).optional(),
  all: z.boolean().optional(),
  copy: z.boolean().default(false),
  limit: z.number().int().min(1).max(1_000_000).default(1_000_000),
});

/** Longest a long-poll of GET /api/v1/node may be held (under the kept-alive connection's 30 s). */
export const NODE_MAX_WAIT_MS = 25_000;

/**
 * GET /api/v1/node's query. With `changedFrom` (the `shown` fingerprint of an earlier answer) and
 * `waitMs`, the node answers once what it shows differs from that answer, or after `waitMs` at
 * most (then with the same fingerprint); without them, at once.
 */
export const nodeQuery = z.strictObject({
  changedFrom: z.string().min(1).max(64).optional(),
  waitMs: z.coerce.number().int().min(0).max(NODE_MAX_WAIT_MS).default(0),
});

export const browseExtra = { selector: z.string().max(10_000).optional() };
export const destinationsExtra = { kind: z.enum(["queue", "topic", "temp-queue", "temp-topic"]).optional() };

/** Most rows (changed destinations plus deletions) one GET /destination-changes answers. */
export const MAX_CHANGES_PAGE = 1000;

/**
 * GET /destination-changes: `since` is the cursor the previous answer gave (absent: everything,
 * from the start); `limit` bounds the answer, whose `more` says to call again at once.
 */
export const destinationChangesQuery = z.strictObject({
  since: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_CHANGES_PAGE).default(MAX_CHANGES_PAGE),
});

// ---- RocketMQ ----

const rmqName = z.string().min(1).max(127).regex(/^[%|a-zA-Z0-9_-]+$/, "may contain only %|a-zA-Z0-9_-");

/** UPDATE_AND_CREATE_TOPIC's fields (perm: 2 write, 4 read, 6 both). */
export const rmqCreateTopicBody = z.strictObject({
  topic: rmqName,
  readQueueNums: z.number().int().min(1).max(1024),
  writeQueueNums: z.number().int().min(1).max(1024),
  perm: z.union([z.literal(2), z.literal(4), z.literal(6)]).default(6),
});

/** resetOffsetByTime: `timestamp` in ms since the epoch. */
export const rmqResetOffsetBody = z.strictObject({ topic: rmqName, timestamp: z.number().int().min(0) });

export const rmqResendBody = z.strictObject({ group: rmqName });

export const rmqMessagesQuery = z.strictObject({
  id: z.string().min(1).max(200).optional(),
  key: z.string().min(1).max(1000).optional(),
  topic: rmqName.optional(),
});
