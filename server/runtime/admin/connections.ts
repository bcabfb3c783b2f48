import { live, type AdminContext } from "./AdminContext";
import type { ConnectionRow, SubscriptionRow } from "./adminResponses";

export type { ConnectionRow, SubscriptionRow };

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
