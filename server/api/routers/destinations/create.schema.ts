import { z } from "zod";
import { groupName } from "./destination.schema";

export const createInput = z.object({
  group: groupName,
  kind: z.enum(["queue", "topic"]),
  /** "orders" or the full "/queue/orders". */
  name: z.string().trim().min(1).max(600),
});

export const createOutput = z.object({ group: z.string(), node: z.string(), destination: z.string(), created: z.boolean() });
