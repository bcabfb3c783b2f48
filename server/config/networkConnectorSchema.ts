// `networkConnectors` of a group (brokers.md §c, seeds 000/001/004): the bridges its master runs to
// other groups. Field names and defaults are ActiveMQ's NetworkBridgeConfiguration /
// SimpleDiscoveryAgent ones, so a seed's <networkConnector> line carries over attribute by attribute.
import { z } from "zod";
import { parseDestinationPattern } from "../runtime/security/destinationPattern";
import { parseNetworkConnectorUri, type ParsedConnectorUri } from "../runtime/bridge/networkConnectorUri";
import { parseDurationMs } from "./durationMs";

const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const n = parseDurationMs(v);
  if (n === null) {
    ctx.addIssue({ code: "custom", message: `"${v}" is not a duration (e.g. 500ms, 3s, 2m)` });
    return z.NEVER;
  }
  return n;
});

const connectorUri = z.string().transform((v, ctx): ParsedConnectorUri => {
  const parsed = parseNetworkConnectorUri(v);
  if (typeof parsed === "string") {
    ctx.addIssue({ code: "custom", message: parsed });
    return z.NEVER;
  }
  return parsed;
});

/** "/queue/orders.>" style patterns (ActiveMQ wildcards); a bare name is refused so its kind is never guessed. */
const destinationPatterns = z
  .array(
    z.string().refine((p) => parseDestinationPattern(p) !== null && !p.startsWith("/temp-"), {
      message: "a /queue/… or /topic/… name or wildcard pattern (* one segment, > the rest)",
    }),
  )
  .default([]);

export const networkConnectorSchema = z
  .strictObject({
    /** Unique within the group; it names the bridge in logs, the admin API and network subscriptions. */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, '.', '_' and '-' only"),
    /** masterslave:(tcp://…,…) — one bridge following the listed brokers in order; static:(…) — one bridge per URI. */
    uri: connectorUri.optional(),
    /** Another group of this cluster: the bridge follows its current master through the coordinator. */
    group: z.string().min(1).optional(),
    /** The same connection also carries the reverse bridge (remote → this group). ActiveMQ default false. */
    duplex: z.boolean().default(false),
    /** Sets messageTTL and consumerTTL (ActiveMQ default 1: only direct neighbours exchange messages). */
    networkTTL: z.number().int().min(1).max(64).default(1),
    /** Groups a message may have passed before it is no longer forwarded; default networkTTL. */
    messageTTL: z.number().int().min(1).max(64).optional(),
    /** Hops a consumer's demand travels; default networkTTL. */
    consumerTTL: z.number().int().min(1).max(64).optional(),
    /** One network subscription per destination for all remote consumers (default), or one per remote consumer (queues). */
    conduitSubscriptions: z.boolean().default(true),
    /** When not empty, only demand for these destinations is bridged. */
    dynamicallyIncludedDestinations: destinationPatterns,
    /** Always forwarded, whether or not the remote side has consumers. */
    staticallyIncludedDestinations: destinationPatterns,
    /** Never forwarded (wins over both include lists, AMQ-6331). */
    excludedDestinations: destinationPatterns,
    /** Network subscriptions get priority -5 (and lower per extra hop), so local consumers win. Default true as in 5.18. */
    decreaseNetworkConsumerPriority: z.boolean().default(true),
    /** Messages forwarded and not yet receipted by the remote, per network subscription (must be > 0). */
    prefetchSize: z.number().int().default(1000),
    /** A queue message may go back to a group it came from when nobody consumes it here (stuck messages after a consumer moved). */
    replayWhenNoConsumers: z.boolean().default(false),
    /** How long a message must have had no local consumer before it is replayed (ActiveMQ default 5 s). */
    replayDelay: duration.optional(),
    /** Demand for the remote side's temporary destinations is bridged, so replies reach a requester on another group (ActiveMQ default true). */
    bridgeTempDestinations: z.boolean().default(true),
    /** Only staticallyIncludedDestinations flow; no demand subscription on the remote. */
    staticBridge: z.boolean().default(false),
    initialReconnectDelay: duration.default(1000),
    maxReconnectDelay: duration.default(30_000),
    useExponentialBackOff: z.boolean().default(true),
    backOffMultiplier: z.number().min(1).max(100).default(2),
    /** A connection that fails sooner than this after it came up counts as a connect failure (back-off keeps growing). */
    minConnectTime: duration.default(5000),
    /** TCP connect + STOMP CONNECTED must complete within this, or the attempt fails with a handshake error. */
    handshakeTimeout: duration.default(10_000),
    /** Heart-beat interval both ways; silence for twice this drops the connection. */
    idleTimeout: duration.default(10_000),
    /** STOMP credentials on the remote group when its security is on. */
    login: z.string().optional(),
    passcode: z.string().optional(),
  })
  .superRefine((c, ctx) => {
    if ((c.uri === undefined) === (c.group === undefined)) {
      ctx.addIssue({ code: "custom", path: ["uri"], message: "give exactly one of uri (masterslave:/static:) or group" });
    }
    if (c.prefetchSize <= 0) {
      ctx.addIssue({ code: "custom", path: ["prefetchSize"], message: "must be > 0: a network consumer with prefetch 0 would have to poll (ActiveMQ refuses it too)" });
    }
    if (c.replayDelay !== undefined && !c.replayWhenNoConsumers) {
      ctx.addIssue({ code: "custom", path: ["replayDelay"], message: "has no effect without replayWhenNoConsumers: true" });
    }
    if (c.replayWhenNoConsumers && (c.messageTTL ?? c.networkTTL) < 2) {
      // A replayed message has already made one hop; messageTTL 1 would stop it at the first.
      ctx.addIssue({ code: "custom", path: ["networkTTL"], message: "replayWhenNoConsumers sends a message back over a second hop: needs messageTTL (or networkTTL) >= 2" });
    }
    if (c.maxReconnectDelay < c.initialReconnectDelay) {
      ctx.addIssue({ code: "custom", path: ["maxReconnectDelay"], message: `must be >= initialReconnectDelay (${c.initialReconnectDelay} ms)` });
    }
    if (c.staticBridge && c.staticallyIncludedDestinations.length === 0) {
      ctx.addIssue({ code: "custom", path: ["staticallyIncludedDestinations"], message: "staticBridge forwards only these: an empty list would forward nothing" });
    }
    if (c.staticBridge && c.dynamicallyIncludedDestinations.length > 0) {
      ctx.addIssue({ code: "custom", path: ["dynamicallyIncludedDestinations"], message: "a staticBridge has no demand subscription: dynamic includes would never apply" });
    }
    for (const [i, s] of c.staticallyIncludedDestinations.entries()) {
      if (c.excludedDestinations.includes(s)) {
        ctx.addIssue({ code: "custom", path: ["staticallyIncludedDestinations", i], message: `"${s}" is also in excludedDestinations` });
      }
    }
    if (c.login !== undefined && c.passcode === undefined) {
      ctx.addIssue({ code: "custom", path: ["passcode"], message: "login without passcode" });
    }
  });

export type NetworkConnectorConfig = z.output<typeof networkConnectorSchema>;
