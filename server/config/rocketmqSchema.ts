// RocketMQ's broker vocabulary in the cluster file (seed 002's broker-a.properties): cluster-wide
// settings under `rocketmq:`, the group's `brokerName`, and per node `listenPort`, `brokerId` and
// the NameServer listener. `brokerRole` and `flushDiskType` stay where they already are (the group).
import { z } from "zod";
import { parseByteSize } from "./byteSize";
import { parseDurationMs } from "./durationMs";
import { DEFAULT_DELAY_LEVELS, parseDelayLevels } from "../runtime/rocketmq/RmqSettings";

const port = z.number().int().min(0, "a port is 0..65535").max(65535, "a port is 0..65535");

export const rocketmqClusterSchema = z.strictObject({
  /** Cluster name in routes and cluster info (RocketMQ's default). */
  brokerClusterName: z.string().regex(/^[A-Za-z0-9_-]+$/, "letters, digits, '_' and '-' only").default("DefaultCluster"),
  /** NameServer addresses given to clients, "host:port;host:port"; each must be a node's namesrv listener. */
  namesrvAddr: z
    .string()
    .regex(/^[^;:\s]+:\d+(;[^;:\s]+:\d+)*$/, 'a list of host:port separated by ";" (e.g. "127.0.0.1:9876;127.0.0.1:9877")')
    .optional(),
  autoCreateTopicEnable: z.boolean().default(true),
  defaultTopicQueueNums: z.number().int().min(1, "defaultTopicQueueNums must be at least 1").max(1024, "defaultTopicQueueNums must be at most 1024").default(8),
  maxMessageSize: z
    .union([z.string(), z.number()])
    .transform((v, ctx) => {
      const n = parseByteSize(v);
      if (n === null || n < 1 || n > 64 * 1024 * 1024) {
        ctx.addIssue({ code: "custom", message: `"${v}" is not a message size between 1 byte and 64 MiB (RocketMQ's default is 4194304)` });
        return z.NEVER;
      }
      return n;
    })
    .default(4 * 1024 * 1024),
  /** "1s 5s 10s 30s 1m …": the retry and delay levels. */
  messageDelayLevel: z
    .string()
    .refine((v) => parseDelayLevels(v) !== null, 'levels are durations like "1s 5s 10s 30s 1m 2m 1h", separated by spaces')
    .default(DEFAULT_DELAY_LEVELS),
  /**
   * Hours of the day expired messages are deleted: "04", or several as "04;05". A number is taken
   * too: the seed's `deleteWhen=04` copied into YAML unquoted reads as 4.
   */
  deleteWhen: z
    .union([z.string(), z.number()])
    .transform((v, ctx) => {
      const text = String(v);
      if (!/^\d{1,2}(;\d{1,2})*$/.test(text)) {
        ctx.addIssue({ code: "custom", message: 'hours of the day separated by ";" (e.g. "04" or "04;05")' });
        return z.NEVER;
      }
      if (text.split(";").some((h) => Number(h) > 23)) {
        ctx.addIssue({ code: "custom", message: "an hour of the day is 00..23" });
        return z.NEVER;
      }
      return text;
    })
    .default("04"),
  /** Hours a message is kept (fractions allowed). */
  fileReservedTime: z.number().positive("fileReservedTime must be a positive number of hours").max(24 * 365 * 10, "fileReservedTime is hours; more than 10 years is a typo").default(72),
  /** Disk usage percent past which deletion runs at any hour. RocketMQ clamps 10..95; Tandem refuses values outside. */
  diskMaxUsedSpaceRatio: z.number().int().min(10, "diskMaxUsedSpaceRatio is a percentage between 10 and 95").max(95, "diskMaxUsedSpaceRatio is a percentage between 10 and 95").default(75),
  /** How long a send waits for the sync policy before FLUSH_SLAVE_TIMEOUT / FLUSH_DISK_TIMEOUT (syncFlushTimeout). */
  syncFlushTimeout: z
    .union([z.string(), z.number()])
    .transform((v, ctx) => {
      const n = parseDurationMs(v);
      if (n === null || n < 100) {
        ctx.addIssue({ code: "custom", message: `"${v}" is not a duration of at least 100ms (e.g. 5s)` });
        return z.NEVER;
      }
      return n;
    })
    .default(5000),
});
export type RocketmqClusterConfig = z.output<typeof rocketmqClusterSchema>;

export const rocketmqGroupSchema = z.strictObject({
  /** The group's name in routes (seed: broker-a); defaults to the group's name. */
  brokerName: z.string().regex(/^[A-Za-z0-9_-]+$/, "letters, digits, '_' and '-' only").optional(),
});

/** RocketMQ's NameServer port (mqnamesrv listens there; seed 002's namesrvAddr names it). */
export const DEFAULT_NAMESRV_PORT = 9876;

export const rocketmqNodeSchema = z
  .strictObject({
    /** The broker listener (RocketMQ's listenPort, 10911 by default there); open while this node is master. */
    listenPort: port.optional(),
    /**
     * Accepted for seed compatibility. In Tandem the elected master is always brokerId 0 in routes
     * and slaves serve no clients, so the value only has to be unique in the group.
     */
    brokerId: z.number().int().min(0, "brokerId is 0 (master) or a positive slave id").optional(),
    /** true: a NameServer listener on this node (every role), on namesrvPort or RocketMQ's 9876. */
    namesrv: z.boolean().optional(),
    /** The NameServer listener's port; given alone it turns the listener on too (0: any free port). */
    namesrvPort: port.optional(),
  })
  .superRefine((n, ctx) => {
    if (n.namesrv === false && n.namesrvPort !== undefined) {
      ctx.addIssue({ code: "custom", path: ["namesrvPort"], message: "namesrvPort is set but namesrv is false: remove namesrvPort, or set namesrv: true" });
    }
  });
export type RocketmqNodeConfig = z.output<typeof rocketmqNodeSchema>;

/** The node's NameServer port: namesrvPort, else 9876 with `namesrv: true`; undefined when it runs no NameServer. */
export function namesrvPortOf(n: RocketmqNodeConfig | undefined): number | undefined {
  if (!n || n.namesrv === false) return undefined;
  return n.namesrvPort ?? (n.namesrv ? DEFAULT_NAMESRV_PORT : undefined);
}

interface GroupLike {
  name: string;
  rocketmq?: z.output<typeof rocketmqGroupSchema>;
  nodes: Array<{ name: string; hostname: string; rocketmq?: z.output<typeof rocketmqNodeSchema> }>;
}

/**
 * Cross-field checks: brokerIds unique per group, brokerNames unique, no NameServer port taken twice
 * on one host (9876 is every `namesrv: true` node's default), namesrvAddr names real listeners.
 */
export function checkRocketmq(rocketmq: RocketmqClusterConfig | undefined, groups: GroupLike[]): Array<{ path: Array<string | number>; message: string }> {
  const issues: Array<{ path: Array<string | number>; message: string }> = [];
  const used = groups.some((g) => g.rocketmq || g.nodes.some((n) => n.rocketmq));
  if (!rocketmq) {
    if (used) issues.push({ path: ["rocketmq"], message: "groups or nodes have rocketmq settings, but the cluster has no rocketmq section" });
    return issues;
  }
  const brokerNames = new Map<string, string>();
  const listeners = new Set<string>();
  // host:port → what listens there (RocketMQ listeners with a fixed port only; 0 is any free port).
  const taken = new Map<string, string>();
  groups.forEach((g) =>
    g.nodes.forEach((n) => {
      if (n.rocketmq?.listenPort) taken.set(`${n.hostname}:${n.rocketmq.listenPort}`, `the broker listener (listenPort) of node ${n.name}`);
    }),
  );
  groups.forEach((g, gi) => {
    const bn = g.rocketmq?.brokerName ?? g.name;
    if (brokerNames.has(bn)) issues.push({ path: ["groups", gi, "rocketmq", "brokerName"], message: `brokerName "${bn}" is already used by group ${brokerNames.get(bn)}` });
    brokerNames.set(bn, g.name);
    const ids = new Map<number, string>();
    g.nodes.forEach((n, ni) => {
      const id = n.rocketmq?.brokerId;
      if (id !== undefined) {
        if (ids.has(id)) issues.push({ path: ["groups", gi, "nodes", ni, "rocketmq", "brokerId"], message: `brokerId ${id} is already used by node ${ids.get(id)} of group ${g.name}` });
        ids.set(id, n.name);
      }
      const ns = namesrvPortOf(n.rocketmq);
      if (ns === undefined) return;
      listeners.add(`${n.hostname}:${ns}`);
      if (ns === 0) return;
      const at = `${n.hostname}:${ns}`;
      const other = taken.get(at);
      if (other) {
        const field = n.rocketmq?.namesrvPort === undefined ? "namesrv" : "namesrvPort";
        const fix = field === "namesrv" ? `set namesrvPort to another port (namesrv: true means ${DEFAULT_NAMESRV_PORT})` : "use another port";
        issues.push({ path: ["groups", gi, "nodes", ni, "rocketmq", field], message: `NameServer port ${ns} on ${n.hostname} is already taken by ${other}: ${fix}` });
      } else taken.set(at, `the NameServer listener of node ${n.name}`);
    });
  });
  if (rocketmq.namesrvAddr) {
    for (const addr of rocketmq.namesrvAddr.split(";")) {
      if (!listeners.has(addr)) {
        issues.push({ path: ["rocketmq", "namesrvAddr"], message: `${addr} is not the NameServer listener of any node (set namesrv: true, or namesrvPort, on the node whose hostname it names)` });
      }
    }
  }
  return issues;
}
