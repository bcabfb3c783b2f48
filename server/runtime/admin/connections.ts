import { live, type AdminContext } from "./AdminContext";
import type { ConnectionRow, DurableRow, SubscriptionRow } from "./adminResponses";

export type { ConnectionRow, DurableRow, SubscriptionRow };

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
    const d = c.describe();
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
