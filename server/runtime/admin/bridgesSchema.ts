// The node admin API's GET /api/v1/bridges response: the contract between a master's network
// bridges (bridge/NetworkBridge.ts, BridgeView) and the console, which parses it with this schema.
import { z } from "zod";

export const bridgeStateSchema = z.enum(["connecting", "running", "error", "stopped"]);

export const bridgeViewSchema = z.object({
  name: z.string(),
  localGroup: z.string(),
  localNode: z.string(),
  remoteGroup: z.string().nullable(),
  remoteEndpoints: z.array(z.string()),
  remoteZkPath: z.string().nullable(),
  remoteMaster: z.string().nullable(),
  state: bridgeStateSchema,
  stateText: z.string(),
  lastStateChange: z.number(),
  nextAttemptAt: z.number().nullable(),
  counters: z.object({
    forwarded: z.number(),
    forwardedBytes: z.number(),
    inFlight: z.number(),
    replayed: z.number(),
    rejected: z.number(),
    dropped: z.number(),
    connects: z.number(),
    failures: z.number(),
  }),
  networkSubscriptions: z.number(),
  demand: z.array(z.object({ destination: z.string(), consumers: z.number() })),
  settings: z.object({
    duplex: z.boolean(),
    messageTTL: z.number(),
    consumerTTL: z.number(),
    conduitSubscriptions: z.boolean(),
    prefetchSize: z.number(),
    decreaseNetworkConsumerPriority: z.boolean(),
    replayWhenNoConsumers: z.boolean(),
  }),
});

export const bridgesResponseSchema = z.object({ role: z.string(), bridges: z.array(bridgeViewSchema) });

export type BridgeViewDto = z.infer<typeof bridgeViewSchema>;
