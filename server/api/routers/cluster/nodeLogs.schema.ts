import { z } from "zod";

const level = z.enum(["trace", "debug", "info", "warn", "error", "fatal"]);

export const nodeLogsInput = z.object({
  name: z.string().min(1).max(128),
  /** Lowest severity shown. */
  level: level.optional(),
  /** Case-insensitive text the line contains. */
  search: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(1000).default(200),
  /** Page back: only lines older than this sequence number. */
  beforeSeq: z.number().int().positive().optional(),
});

export const nodeLogsOutput = z.object({
  node: z.string(),
  file: z.string(),
  kept: z.number(),
  matched: z.number(),
  lines: z.array(
    z.object({
      seq: z.number(),
      time: z.number(),
      level,
      stream: z.enum(["stdout", "stderr"]),
      msg: z.string(),
      text: z.string(),
    }),
  ),
});
