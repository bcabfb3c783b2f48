import type { Logger } from "pino";
import type { DurableRow } from "../../runtime/admin/adminResponses";
import { adminAppError } from "../admin/adminAppError";
import { AppError } from "../AppError";
import type { ConsoleRuntime } from "../ConsoleRuntime";
import { ConnectionRates } from "./connectionRates";

export interface ConnectionView {
  id: string;
  remoteAddress: string;
  transport: string;
  version: string;
  user: string | null;
  clientId: string | null;
  connectedAt: string;
  heartBeat: { sendEveryMs: number; expectEveryMs: number } | null;
  lastReadAgoMs: number | null;
  paused: boolean;
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
  inPerSec: number | null;
  outPerSec: number | null;
  /** Delivered to this connection's subscriptions and not acknowledged yet. */
  unacked: number;
  subscriptions: Array<{ id: string; destination: string; ackMode: string; prefetch: number; inflight: number; dispatched: number; selector: string | null }>;
}

/** The node admin API pages at most this many; a node with more connections says so (`total`). */
const PAGE = 1000;

/**
 * Client connections, their consumers and the durable subscriptions of one node, read from that
 * node's admin API directly (a slave serves no clients: its answer says so), and closing a
 * connection (the node redelivers its unacknowledged messages).
 */
export class ConnectionService {
  private readonly rates = new ConnectionRates();

  constructor(private readonly o: { runtime: ConsoleRuntime; logger: Logger; now?: () => number }) {}

  async list(node: string): Promise<{ node: string; total: number; connections: ConnectionView[] }> {
    const cluster = this.cluster(node);
    const page = await cluster.admin.connections(node, { limit: PAGE }).catch((err: unknown) => {
      throw adminAppError(err, `connections of ${node}`);
    });
    const at = (this.o.now ?? Date.now)();
    const rates = this.rates.update(node, page.items.map((c) => ({ id: c.id, at, messagesIn: c.messagesIn, messagesOut: c.messagesOut })));
    const connections = page.items.map((c): ConnectionView => ({
      id: c.id,
      remoteAddress: c.remoteAddress,
      transport: c.transport,
      version: c.version,
      user: c.user,
      clientId: c.clientId,
      connectedAt: c.connectedAt,
      heartBeat: c.heartBeat,
      lastReadAgoMs: c.lastReadAgoMs,
      paused: c.paused,
      messagesIn: c.messagesIn,
      messagesOut: c.messagesOut,
      bytesIn: c.bytesIn,
      bytesOut: c.bytesOut,
      ...(rates.get(c.id) ?? { inPerSec: null, outPerSec: null }),
      unacked: c.subscriptions.reduce((n, s) => n + s.inflight, 0),
      subscriptions: c.subscriptions.map(({ id, destination, ackMode, prefetch, inflight, dispatched, selector }) => ({ id, destination, ackMode, prefetch, inflight, dispatched, selector })),
    }));
    return { node, total: page.total, connections };
  }

  async durables(node: string): Promise<{ node: string; total: number; durables: DurableRow[] }> {
    const cluster = this.cluster(node);
    const page = await cluster.admin.durables(node, { limit: PAGE }).catch((err: unknown) => {
      throw adminAppError(err, `durable subscriptions of ${node}`);
    });
    return { node, total: page.total, durables: page.items };
  }

  /** Closes one client connection; NOT_FOUND when it is already gone. */
  async close(node: string, id: string): Promise<{ node: string; id: string }> {
    const cluster = this.cluster(node);
    const r = await cluster.admin.closeConnection(node, id).catch((err: unknown) => {
      throw adminAppError(err, `closing connection ${id} on ${node}`);
    });
    if (!r.closed) throw new AppError("NOT_FOUND", `connection ${id} is not open on ${node} (already closed?)`, "NO_CONNECTION");
    this.o.logger.info({ node, connection: id }, "client connection closed from the console");
    return { node, id };
  }

  private cluster(node: string): NonNullable<ConsoleRuntime["cluster"]> {
    const cluster = this.o.runtime.cluster;
    if (!cluster) throw new AppError("PRECONDITION_FAILED", "no cluster attached", "NO_CLUSTER");
    if (!cluster.nodes.some((n) => n.name === node)) throw new AppError("NOT_FOUND", `no node named ${node}`, "NO_NODE");
    return cluster;
  }
}
