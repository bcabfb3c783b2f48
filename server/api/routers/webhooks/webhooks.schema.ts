import { z } from "zod";
import { strictBoolean } from "../../rest/strictBoolean";

export const webhookInput = z.object({
  name: z.string().trim().min(1).max(100),
  kind: z.enum(["webhook", "alertmanager"]).default("webhook"),
  url: z.string().url().max(2000),
  enabled: strictBoolean.default(true),
  rules: z.array(z.string().max(100)).max(200).default(["*"]),
  severities: z.array(z.enum(["*", "critical", "warning", "info"])).default(["*"]),
  allowLinkLocal: strictBoolean.default(false),
});

export const webhookView = webhookInput.required().extend({
  severities: z.array(z.string()),
  id: z.number().int(),
  signed: z.boolean(),
  lastStatus: z.number().int().nullable(),
  lastSentAt: z.date().nullable(),
});

export const attemptView = z.object({
  httpStatus: z.number().int().nullable(),
  detail: z.string().nullable(),
  durationMs: z.number(),
  ok: z.boolean(),
  retryable: z.boolean(),
  retryAfterMs: z.number().nullable(),
});

export const deliveryView = z.object({
  id: z.number().int(),
  webhookId: z.number().int(),
  messageId: z.string(),
  attempt: z.number().int(),
  time: z.date(),
  status: z.string(),
  httpStatus: z.number().int().nullable(),
  detail: z.string().nullable(),
  durationMs: z.number().int(),
  payload: z.string(),
});

export const webhookId = z.object({ id: z.number().int().positive() });
