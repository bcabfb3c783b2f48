import { z } from "zod";
import { strictBoolean } from "../../rest/strictBoolean";
import { destinationRef } from "./destination.schema";

export const sendInput = destinationRef.extend({
  headers: z.record(z.string().min(1).max(1024), z.string().max(64 * 1024)).default({}),
  body: z.string().max(4 * 1024 * 1024).default(""),
  bodyEncoding: z.enum(["text", "base64"]).default("text"),
  persistent: strictBoolean.default(true),
  priority: z.number().int().min(0).max(9).default(4),
  ttlMs: z.number().int().min(0).default(0),
});

export const sendOutput = z.object({ group: z.string(), node: z.string(), destination: z.string(), id: z.string(), persistent: z.boolean(), sent: z.number().int() });
