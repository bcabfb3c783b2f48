import { live, type AdminContext } from "./AdminContext";

export interface ConnectionRow {
  id: string;
  remoteAddress: string;
  transport: string;
  version: string;
  user: string | null;
  clientId: string | null;
  connectedAt: string;
  subscriptions: SubscriptionRow[];
  [key: string]: unknown;
}

export interface SubscriptionRow {
  connectionId: string;
  id: string;
  destination: string;
  ackMode: string;
  prefetch: number;
  inflight: number;
  dispatched: number;
  selector: string | null;
}

/** A durable topic subscription (STOMP `activemq.subscriptionName` + client-id), connected or not. */
export interface DurableRow {
  clientId: string;
  subscriptionName: string;
  topic: string;
  selector: string | null;
  /** Messages kept for it and not yet delivered (including paged-out ones). */
  pending: number;
  /** Delivered and not acknowledged yet. */
  inflight: number;
  /** Connected consumers (0: offline, messages accumulate). */
  consumers: number;
  enqueued: number;
  dequeued: number;
}

export function listDurables(ctx: AdminContext): DurableRow[] {
  const out: DurableRow[] = [];
  for (const t of live(ctx).broker.topics.values()) {
    for (const d of t.durables.values()) {
      out.push({
        clientId: d.clientId,
        subscriptionName: d.subName,
        topic: d.topic,
        selector: d.selectorText === "" ? null : d.selectorText,
        pending: d.queue.depth,
        inflight: d.queue.inflight,
        consumers: d.queue.consumers.length,
        enqueued: d.queue.stats.enqueued,
        dequeued: d.queue.stats.dequeued,
      });
    }
  }
  return out;
}

export function listConnections(ctx: AdminContext): ConnectionRow[] {
  return [...live(ctx).stomp.connections.values()].map((c) => {
    const d = c.describe() as ConnectionRow;
    return { ...d, subscriptions: d.subscriptions.map((s) => ({ ...s, connectionId: c.id })) };
  });
}

export function listSubscriptions(ctx: AdminContext): SubscriptionRow[] {
  return listConnections(ctx).flatMap((c) => c.subscriptions);
}

/** Closes a client connection with reason admin_close (its unacked messages are redelivered). Idempotent. */
export function closeConnection(ctx: AdminContext, id: string): { id: string; closed: boolean } {
  const conn = live(ctx).stomp.connections.get(id);
  if (!conn) return { id, closed: false };
  conn.fail("admin_close", "Connection closed by an administrator");
  return { id, closed: true };
}
