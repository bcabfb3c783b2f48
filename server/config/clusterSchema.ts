// The cluster file: one YAML document describing groups, nodes, listeners, sync policy and
// broker policy. Field names follow the seeds (brokerName, replicas, zkPath, sync,
// transportConnectors, maximumConnections, wireFormat.maxFrameSize …) so an operator who wrote
// ActiveMQ's activemq.xml recognises every line.
import { z } from "zod";
import { parseByteSize } from "./byteSize";
import { parseDurationMs } from "./durationMs";
import { parseTransportUri, type TransportUri } from "./transportUri";
import { adminListenerSchema, securityFields } from "./securitySchema";
import { networkConnectorSchema } from "./networkConnectorSchema";
import { checkNetworkConnectors } from "./checkNetworkConnectors";
import { checkRocketmq, rocketmqClusterSchema, rocketmqGroupSchema, rocketmqNodeSchema } from "./rocketmqSchema";

const byteSize = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const n = parseByteSize(v);
  if (n === null) {
    ctx.addIssue({ code: "custom", message: `"${v}" is not a byte size (e.g. 64 mb, 1gb, 1048576)` });
    return z.NEVER;
  }
  return n;
});

const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const n = parseDurationMs(v);
  if (n === null) {
    ctx.addIssue({ code: "custom", message: `"${v}" is not a duration (e.g. 500ms, 3s, 2m)` });
    return z.NEVER;
  }
  return n;
});

const transportUri = z.string().transform((v, ctx): TransportUri => {
  const parsed = parseTransportUri(v);
  if (typeof parsed === "string") {
    ctx.addIssue({ code: "custom", message: parsed });
    return z.NEVER;
  }
  return parsed;
});

/** Sync policies of the replicated store (seed 000 `sync=`), plus RocketMQ's broker roles. */
export const SYNC_POLICIES = [
  "local_mem",
  "local_disk",
  "remote_mem",
  "remote_disk",
  "quorum_mem",
  "quorum_disk",
] as const;
export type SyncPolicy = (typeof SYNC_POLICIES)[number];

const name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, '.', '_' and '-' only, starting with a letter or digit");

export const transportConnectorSchema = z.strictObject({
  name: z.string().min(1),
  uri: transportUri,
});

export const brokerPolicySchema = z.strictObject({
  /** Memory for message bodies held in RAM; past it, persistent bodies stay on disk only and non-persistent producers are slowed. */
  memoryLimit: byteSize.default(64 * 1024 * 1024),
  /** Journal bytes beyond which persistent sends are refused (ActiveMQ storeUsage). */
  storeLimit: byteSize.default(10 * 1024 ** 3),
  /**
   * How long a producer may stay paused by flow control (memory, store or journal full) before it
   * gets an ERROR saying which limit and for how long, and is closed (ActiveMQ's
   * sendFailIfNoSpaceAfterTimeout); 0 = wait as long as it takes (ActiveMQ's default).
   */
  sendFailIfNoSpaceAfterTimeout: duration
    .refine((n) => n === 0 || n >= 100, "sendFailIfNoSpaceAfterTimeout must be 0 (wait as long as it takes) or at least 100ms")
    .default(30_000),
  /** Journal segment size (ActiveMQ journalMaxFileLength). */
  journalMaxFileLength: byteSize.default(32 * 1024 * 1024),
  /** Deliveries after the first before a message goes to DLQ.<queue> (ActiveMQ default 6). */
  maxRedeliveries: z.number().int().min(0).max(1000).default(6),
  /** Expired messages: moved to DLQ.<name> (ActiveMQ's default) or dropped. */
  expiredMessages: z.enum(["dlq", "drop"]).default("dlq"),
  /** Destinations are created on first use unless this is false. */
  autoCreateDestinations: z.boolean().default(true),
  /** Queue subscription prefetch when SUBSCRIBE has no activemq.prefetchSize (ActiveMQ: 1000). */
  queuePrefetch: z.number().int().min(1).default(1000),
  /** Topic subscription prefetch (ActiveMQ: 32766). */
  topicPrefetch: z.number().int().min(1).default(32766),
  /** A connection must send CONNECT within this time. */
  connectTimeout: duration.default(30_000),
  /** Heart-beat intervals the server offers: [send, receive] ms (0 = none). */
  heartBeat: z.tuple([z.number().int().min(0), z.number().int().min(0)]).default([10_000, 10_000]),
  /**
   * The shortest heart-beat interval a client may negotiate (ms): shorter wishes than `heartBeat`
   * are granted down to this floor (RabbitMQ's is 1 s); it keeps a client from asking for a beat
   * every millisecond.
   */
  minHeartBeat: z.number().int().min(10, "minHeartBeat below 10 ms would let a client make the node beat constantly").max(60_000).default(1000),
  /**
   * The largest frame accepted before the connection has authenticated, i.e. its CONNECT (a few
   * KiB): an unauthenticated peer cannot make the node buffer more than this.
   */
  maxConnectFrameSize: byteSize
    .refine((n) => n >= 512, "maxConnectFrameSize must be at least 512 bytes (a CONNECT with login, passcode and host needs room)")
    .refine((n) => n <= 1024 * 1024, "maxConnectFrameSize must be at most 1 MiB: it is what an unauthenticated peer may make the node buffer")
    .default(8 * 1024),
  /** A frame whose bytes stop arriving for this long is dropped with an ERROR (its buffer is freed). */
  frameReadTimeout: duration.refine((n) => n >= 100, "frameReadTimeout must be at least 100ms (0 would drop every frame split across reads)").default(30_000),
  /**
   * A connected client that negotiated no heart-beat from its side and sends nothing for this
   * long is closed (ActiveMQ's 30 s inactivity default); 0 turns the check off.
   */
  inactivityTimeout: duration.refine((n) => n === 0 || n >= 100, "inactivityTimeout must be 0 (off) or at least 100ms").default(30_000),
  /** Failed logins one source address may make before it has to wait (then loginBackoff, doubling). */
  loginFailuresPerAddress: z.number().int().min(0).max(1_000_000).default(5),
  /** The first wait imposed on an address past loginFailuresPerAddress; each further failure doubles it. */
  loginBackoff: duration.refine((n) => n >= 1, "loginBackoff must be at least 1ms (0 would never slow a password-guessing client)").default(1000),
  /** The longest wait; an address quiet this long after its wait ends starts afresh. Must be >= loginBackoff. */
  loginBackoffMax: duration.refine((n) => n >= 1, "loginBackoffMax must be at least 1ms").default(60_000),
  /** Margin on the client's heart-beat before the connection is declared dead (ActiveMQ hbGracePeriodMultiplier). */
  heartBeatGraceMultiplier: z.number().min(1).max(10).default(2),
  /** Bytes queued to one connection's socket before dispatch to it pauses. */
  maxPendingBytesPerConnection: byteSize.default(8 * 1024 * 1024),
});
export type BrokerPolicy = z.output<typeof brokerPolicySchema>;

export const nodeSchema = z.strictObject({
  name,
  hostname: z.string().default("127.0.0.1"),
  transportConnectors: z.array(transportConnectorSchema).min(1, "a node needs at least one transport connector"),
  /** Replication listener (seed: bind="tcp://0.0.0.0:62621"). */
  bind: z.string().default("tcp://127.0.0.1:62621"),
  weight: z.number().int().min(0).default(1),
  /** Key and certificate (PEM files) for stomp+ssl:// and wss:// connectors (ActiveMQ's sslContext). */
  sslContext: z.strictObject({ keyFile: z.string().min(1), certFile: z.string().min(1) }).optional(),
  /** Overrides the cluster's data directory for this node. */
  dataDirectory: z.string().optional(),
  broker: brokerPolicySchema.partial().optional(),
  /** The node's admin HTTP API listener (securitySchema.ts). */
  admin: adminListenerSchema.optional(),
  /** RocketMQ listeners of this node: listenPort, brokerId, namesrv / namesrvPort (rocketmqSchema.ts). */
  rocketmq: rocketmqNodeSchema.optional(),
});

export const groupSchema = z.strictObject({
  name,
  zkPath: z.string().regex(/^\/[^\s]*$/, "an absolute ZooKeeper path").optional(),
  replicas: z.number().int().min(1).max(9).default(1),
  sync: z.enum(SYNC_POLICIES).default("quorum_mem"),
  securityToken: z.string().default(""),
  /** RocketMQ-style roles as options of the same group (seed 002 §2.3-2.4); when set they override `sync`. */
  brokerRole: z.enum(["ASYNC_MASTER", "SYNC_MASTER"]).optional(),
  /**
   * Shared-storage master/slave (seed 004, ActiveMQ's shared file system master/slave): every node
   * of the group uses this one data directory; the holder of its OS lock is the master.
   */
  sharedDirectory: z.string().optional(),
  /** How often a waiting slave retries the shared lock (ActiveMQ default 10 s). */
  lockAcquireSleepInterval: duration.default(10_000),
  flushDiskType: z.enum(["ASYNC_FLUSH", "SYNC_FLUSH"]).optional(),
  nodes: z.array(nodeSchema).min(1, "a group needs at least one node"),
  /** Bridges this group's master runs to other groups (network of brokers, brokers.md §c). */
  networkConnectors: z.array(networkConnectorSchema).default([]),
  /** The group as a RocketMQ broker group: brokerName (rocketmqSchema.ts). */
  rocketmq: rocketmqGroupSchema.optional(),
});

export const clusterSchema = z
  .strictObject({
    brokerName: name.default("tandem"),
    dataDirectory: z.string().default("./data"),
    /** ZooKeeper connect string; omitted → the embedded coordinator. */
    zkAddress: z.string().optional(),
    /**
     * Failure detection time of a master (its session must expire before another is elected).
     * Asked of the coordinator, which may grant another value: Tandem's grants 1 s up to 20 x its
     * tickTime; a ZooKeeper server grants no less than its minSessionTimeout (default 2 x tickTime,
     * i.e. 4 s). A node logs a warning when the granted value differs.
     */
    zkSessionTimeout: duration.default(2000),
    broker: brokerPolicySchema.default(brokerPolicySchema.parse({})),
    groups: z.array(groupSchema).min(1, "the cluster needs at least one group"),
    /** users, authorizationEntries, allowAnonymous, adminToken (securitySchema.ts). */
    ...securityFields,
    /** RocketMQ 4.x protocol: NameServer and broker roles (rocketmqSchema.ts, seed 002). */
    rocketmq: rocketmqClusterSchema.optional(),
  })
  .superRefine((cluster, ctx) => {
    checkLoginBackoff(cluster.broker, ["broker"], ctx);
    const nodeNames = new Map<string, string>();
    const groupNames = new Set<string>();
    cluster.groups.forEach((group, gi) => {
      if (groupNames.has(group.name)) {
        ctx.addIssue({ code: "custom", path: ["groups", gi, "name"], message: `duplicate group name "${group.name}"` });
      }
      groupNames.add(group.name);
      if (group.nodes.length > 1 && group.sync.startsWith("local") === false && group.replicas < 2) {
        ctx.addIssue({ code: "custom", path: ["groups", gi, "replicas"], message: `sync "${group.sync}" needs replicas >= 2` });
      }
      group.nodes.forEach((node, ni) => {
        if (node.broker) checkLoginBackoff({ ...cluster.broker, ...node.broker }, ["groups", gi, "nodes", ni, "broker"], ctx);
        node.transportConnectors.forEach((t, ti) => {
          if ((t.uri.scheme === "stomp+ssl" || t.uri.scheme === "wss") && !node.sslContext) {
            ctx.addIssue({
              code: "custom",
              path: ["groups", gi, "nodes", ni, "transportConnectors", ti, "uri"],
              message: `${t.uri.scheme} needs the node's sslContext (keyFile, certFile)`,
            });
          }
        });
        const seen = nodeNames.get(node.name);
        if (seen) {
          ctx.addIssue({
            code: "custom",
            path: ["groups", gi, "nodes", ni, "name"],
            message: `duplicate node name "${node.name}" (already in group ${seen})`,
          });
        }
        nodeNames.set(node.name, group.name);
      });
    });
    for (const issue of checkNetworkConnectors(cluster.groups)) ctx.addIssue({ code: "custom", ...issue });
    for (const issue of checkRocketmq(cluster.rocketmq, cluster.groups)) ctx.addIssue({ code: "custom", ...issue });
  });

/** The back-off must be able to grow: loginBackoffMax below loginBackoff is a typo, not a policy. */
function checkLoginBackoff(policy: Pick<BrokerPolicy, "loginBackoff" | "loginBackoffMax">, path: Array<string | number>, ctx: z.RefinementCtx): void {
  if (policy.loginBackoffMax >= policy.loginBackoff) return;
  ctx.addIssue({
    code: "custom",
    path: [...path, "loginBackoffMax"],
    message: `loginBackoffMax (${policy.loginBackoffMax} ms) is shorter than loginBackoff (${policy.loginBackoff} ms): the back-off could never grow`,
  });
}

export type ClusterConfigInput = z.input<typeof clusterSchema>;
export type ClusterConfig = z.output<typeof clusterSchema>;
export type GroupConfig = ClusterConfig["groups"][number];
export type NodeEntry = GroupConfig["nodes"][number];
