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

export const browseExtra = { selector: z.string().max(10_000).optional() };
export const destinationsExtra = { kind: z.enum(["queue", "topic", "temp-queue", "temp-topic"]).optional() };
