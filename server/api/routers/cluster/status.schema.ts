import { z } from "zod";

const node = z.object({
  id: z.string(),
  group: z.string(),
  role: z.enum(["master", "slave", "starting", "down"]),
  stompAddress: z.string().optional(),
  adminAddress: z.string().optional(),
});

export const clusterStatusOutput = z.discriminatedUnion("attached", [
  z.object({ attached: z.literal(false), zkConfigured: z.boolean() }),
  z.object({
    attached: z.literal(true),
    zkConfigured: z.boolean(),
    runtime: z.string(),
    name: z.string(),
    groups: z.array(z.object({ name: z.string(), master: z.string().nullable(), nodes: z.array(node) })),
  }),
]);
