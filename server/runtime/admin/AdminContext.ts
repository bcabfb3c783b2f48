import type { Logger } from "pino";
import type { Broker } from "../broker/Broker";
import type { Journal } from "../store/Journal";
import type { StompServer } from "../stomp/StompServer";
import type { BridgeView } from "../bridge/NetworkBridge";
import { AdminError } from "./AdminError";
import type { RmqBroker } from "../rocketmq/RmqBroker";
import type { HandoverResult, HaView } from "./adminResponses";

/** Who the node is, as the admin API reports it; functions where the HA layer changes the answer. */
export interface NodeIdentity {
  version: string;
  brokerName: string;
  nodeName: string;
  groupName: string;
  role: () => string;
  startedAt: number;
  /** Listener name → bound port (empty while the node serves no clients). */
  ports: ReadonlyMap<string, number>;
  security: { enabled: boolean; users: number; allowAnonymous: boolean };
  /** Replication view (master: slaves and their acknowledged positions; slave: its master and position). */
  ha: () => HaView | null;
  /** Planned handover of mastership (the console's drain); rejects when the node is not a master. */
  handover: () => Promise<HandoverResult>;
}

/**
 * Everything the admin services read or act on. The admin API outlives the broker: in an HA
 * group a slave (or a master between terms) has no broker, and still answers /node.
 */
export interface AdminContext {
  node: NodeIdentity;
  logger: Logger;
  broker: () => Broker | null;
  stomp: () => StompServer | null;
  journal: () => Journal | null;
  /** The master's network bridges (null on a slave); optional for contexts built without them. */
  bridges?: () => { list(): BridgeView[]; restart(name: string): boolean } | null;
  /** The master's RocketMQ broker role, when the node speaks RocketMQ (server/runtime/rocketmq). */
  rocketmq?: () => RmqBroker | null;
}

export interface LiveNode {
  broker: Broker;
  stomp: StompServer;
}

/** The serving broker, or a 503 that says why there is none. */
export function live(ctx: AdminContext): LiveNode {
  const broker = ctx.broker();
  const stomp = ctx.stomp();
  if (!broker || !stomp) {
    throw new AdminError(503, "NOT_SERVING", `node ${ctx.node.nodeName} is not serving clients (role: ${ctx.node.role()}); ask the master of group ${ctx.node.groupName}`);
  }
  return { broker, stomp };
}
