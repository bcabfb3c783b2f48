import { z } from "zod";
import { destinationRef, messageSummary } from "./destination.schema";

export const messageInput = destinationRef.extend({
  id: z.string().min(1).max(1000),
  /** Body bytes sent to the browser; `truncated` says when there were more. */
  maxBytes: z.number().int().min(1).max(1024 * 1024).default(64 * 1024),
});

export const messageOutput = messageSummary.extend({
  headerList: z.array(z.tuple([z.string(), z.string()])),
  bodyBase64: z.string(),
  truncated: z.boolean(),
  encoding: z.enum(["utf-8", "binary"]),
  /** true: the caller may not read message bodies (bodyBase64 is empty); an admin can allow it. */
  bodyWithheld: z.boolean(),
});
