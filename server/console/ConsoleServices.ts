import type { Logger } from "pino";
import type { AuditRepository } from "../db/auditRepository";
import type { AlertService } from "./alerts/AlertService";
import type { AlertConfigService } from "./alerts/AlertConfigService";
import type { EventRepository } from "../db/eventRepository";
import type { AuthService } from "./auth/AuthService";
import type { ClusterService } from "./cluster/ClusterService";
import type { NodeActions } from "./cluster/NodeActions";
import type { DrainService } from "./cluster/drain/DrainService";
import type { ConnectionService } from "./connections/ConnectionService";
import type { ConsoleRuntime } from "./ConsoleRuntime";
import type { DefinitionsService } from "./definitions/DefinitionsService";
import type { BulkDestinationActions } from "./destinations/BulkDestinationActions";
import type { DestinationService } from "./destinations/DestinationService";
import type { LiveEvents } from "./LiveEvents";
import type { RocketMqService } from "./rocketmq/RocketMqService";
import type { MetricHistoryService } from "./metrics/MetricHistoryService";
import type { ZkExplorer } from "./zk/ZkExplorer";

/** Everything a tRPC procedure may use; built once by the composition root (server/main.ts). */
export interface ConsoleServices {
  auth: AuthService;
  audit: AuditRepository;
  events: EventRepository;
  zk: ZkExplorer;
  live: LiveEvents;
  runtime: ConsoleRuntime;
  /** The cluster pages' reads (overview, topology, groups, nodes, history, logs) and the one way to the live cluster. */
  cluster: ClusterService;
  /** Start, stop, kill, restart and hand over a node, behind the guard. */
  nodeActions: NodeActions;
  /** Drain previews and jobs (clients and mastership moved away before maintenance). */
  drains: DrainService;
  destinations: DestinationService;
  /** Node metric history for the overview and node charts. */
  metricHistory: MetricHistoryService;
  connections: ConnectionService;
  rocketmq: RocketMqService;
  bulkDestinations: BulkDestinationActions;
  definitions: DefinitionsService;
  alerts: AlertService;
  alertConfig: AlertConfigService;
  logger: Logger;
}
