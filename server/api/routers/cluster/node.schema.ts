import { z } from "zod";
import { nodeView } from "../../../console/cluster/clusterViews.schema";

export const nodeInput = z.object({ name: z.string().min(1).max(128) });

export const nodeOutput = z.object({
  node: nodeView,
  /** The console runs this node's process: stop/kill/start/restart are possible. */
  embedded: z.boolean(),
  memory: z.object({ used: z.number(), limit: z.number(), percent: z.number(), blockedProducers: z.number() }).nullable(),
  store: z.object({ used: z.number(), limit: z.number(), percent: z.number(), syncPolicy: z.string().nullable() }).nullable(),
  messages: z.object({ depth: z.number(), inflight: z.number(), enqueued: z.number(), dequeued: z.number() }).nullable(),
  closedConnections: z.array(z.object({ reason: z.string(), count: z.number() })),
  ha: z
    .object({
      eid: z.string().nullable(),
      zkSession: z.string().nullable(),
      position: z.number(),
      following: z.object({ master: z.string().nullable(), records: z.number() }).nullable(),
      term: z.object({ id: z.string(), start: z.number() }).nullable(),
    })
    .nullable(),
  destinations: z.object({
    total: z.number(),
    items: z.array(
      z.object({
        name: z.string(),
        kind: z.string(),
        depth: z.number(),
        consumers: z.number(),
        producers: z.number(),
        enqueued: z.number(),
        dequeued: z.number(),
        inflight: z.number(),
      }),
    ),
  }),
});
