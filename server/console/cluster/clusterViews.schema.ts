import { z } from "zod";

/** What the console knows of a node's role: the node's own answer, or why it has none. */
export const nodeRole = z.enum(["master", "slave", "joining", "standalone", "stopped", "down"]);

export const processView = z.object({
  state: z.enum(["starting", "running", "stopping", "stopped", "crashed"]),
  pid: z.number().nullable(),
  startedAt: z.number().nullable(),
  exitedAt: z.number().nullable(),
  exitCode: z.number().nullable(),
  signal: z.string().nullable(),
  /** Automatic restarts after failures (systemd's NRestarts). */
  restarts: z.number(),
  /** Failures in a row: the restart back-off grows with it. */
  failures: z.number(),
  /** When the supervisor starts the node again; null when no restart is planned. */
  nextRestartAt: z.number().nullable(),
  lastExit: z
    .object({
      at: z.number(),
      code: z.number().nullable(),
      signal: z.string().nullable(),
      byOperator: z.boolean(),
      /** The line that says why, shown first. */
      fatal: z.string().nullable(),
      lines: z.array(z.string()),
    })
    .nullable(),
  logFile: z.string(),
});

export const nodeView = z.object({
  name: z.string(),
  group: z.string(),
  role: nodeRole,
  /** Answered GET /api/v1/node. */
  up: z.boolean(),
  /** Takes STOMP clients (a master between terms and every slave do not). */
  serving: z.boolean(),
  error: z.string().nullable(),
  connections: z.number(),
  memoryUsed: z.number(),
  memoryPercent: z.number(),
  storeUsed: z.number(),
  storePercent: z.number(),
  depth: z.number(),
  inPerSec: z.number(),
  outPerSec: z.number(),
  uptimeMs: z.number().nullable(),
  /** A slave's distance behind its master, from the master's replication links. */
  lagBytes: z.number().nullable(),
  zkSession: z.string().nullable(),
  adminUrl: z.string(),
  stomp: z.array(z.string()),
  /** Embedded mode: the OS process the console runs for this node. */
  process: processView.nullable(),
});

export const problem = z.object({
  severity: z.enum(["critical", "warning"]),
  kind: z.enum(["no-master", "below-quorum", "node-down", "slave-lagging", "slave-disconnected", "memory-high", "store-high"]),
  group: z.string(),
  node: z.string().nullable(),
  message: z.string(),
});

export const replicationLink = z.object({
  group: z.string(),
  from: z.string(),
  to: z.string(),
  state: z.string(),
  ackedMem: z.number(),
  ackedDisk: z.number(),
  lagBytes: z.number(),
  /** lagBytes over the master's journal write rate; null when the master writes nothing and lag > 0. */
  lagSeconds: z.number().nullable(),
  connectedAt: z.number().nullable(),
});

export const groupSummary = z.object({
  name: z.string(),
  master: z.string().nullable(),
  slaves: z.array(z.string()),
  members: z.number(),
  quorum: z.number(),
  replicas: z.number(),
  sync: z.string(),
  /** Messages held by the group's serving master; null while no master serves (unavailable, not 0). */
  depth: z.number().nullable(),
});

export type NodeRole = z.infer<typeof nodeRole>;
export type NodeView = z.infer<typeof nodeView>;
export type Problem = z.infer<typeof problem>;
export type ReplicationLink = z.infer<typeof replicationLink>;
export type GroupSummary = z.infer<typeof groupSummary>;
export type ProcessView = z.infer<typeof processView>;
