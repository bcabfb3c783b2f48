import type { Logger } from "pino";
import type { PrismaClient } from "../db/createPrismaClient";
import type { EventRepository } from "../db/eventRepository";
import type { LiveEvents } from "./LiveEvents";
import type { ClusterRuntime } from "./cluster/ClusterRuntime";
import type { DrainManager } from "./cluster/drain/DrainManager";

/**
 * THE SEAM for the cluster. `startConsole({ runtime })` starts the runtime after the database is
 * migrated and before the HTTP server accepts requests, and stops it after the HTTP server has
 * closed (reverse order). Two implementations: ClusterConsoleRuntime (the embedded cluster — the
 * console's coordinator and node processes — or an attached one) and DetachedConsoleRuntime (no
 * cluster: pages say "no cluster attached", the ZooKeeper explorer uses TANDEM_ZK).
 */
export interface ConsoleRuntime {
  /** Shown in logs and on the Overview page. */
  readonly name: string;
  start(ctx: ConsoleRuntimeContext): Promise<void>;
  stop(): Promise<void>;
  /** Connect string of the cluster's coordinator; overrides TANDEM_ZK when it returns a value. */
  zkConnectString(): string | undefined;
  /** Snapshot for the Overview/Topology/Groups/Nodes pages; null when no cluster is attached. */
  clusterStatus(): Promise<ClusterStatus | null>;
  /** Browsers connected (true) or none (false): pollers speed up or slow down. */
  setWatched(watched: boolean): void;
  /** The live cluster (coordinator session, group monitor, node pollers, supervisor, admin client); null while detached or not started. */
  readonly cluster: ClusterRuntime | null;
  /** Node drains (background jobs with live progress); null while detached or not started. */
  readonly drains: DrainManager | null;
}

export interface ConsoleRuntimeContext {
  prisma: PrismaClient;
  events: EventRepository;
  /** Push invalidations/updates to every connected browser. */
  live: LiveEvents;
  logger: Logger;
}

export interface ClusterNodeStatus {
  id: string;
  group: string;
  role: "master" | "slave" | "starting" | "down";
  stompAddress?: string;
  adminAddress?: string;
}

export interface ClusterStatus {
  name: string;
  groups: Array<{ name: string; master: string | null; nodes: ClusterNodeStatus[] }>;
}
