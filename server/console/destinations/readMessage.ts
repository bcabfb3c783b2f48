import type { AuditRepository } from "../../db/auditRepository";
import type { Principal } from "../auth/Principal";
import type { DestinationService, MessageView } from "./DestinationService";

/**
 * One message for a person: its body only when they may read bodies (a capability of its own, see
 * Principal.canReadBodies), and every body read is audited like a mutation, since reading what a
 * message carries is what an operator may have to account for. Headers and size stay visible.
 */
export async function readMessage(
  deps: { destinations: DestinationService; audit: AuditRepository },
  who: { principal: Principal; ip: string | null },
  ref: { group: string; name: string; id: string; maxBytes: number },
): Promise<MessageView & { bodyWithheld: boolean }> {
  const m = await deps.destinations.message(ref.group, ref.name, ref.id, ref.maxBytes);
  if (!who.principal.canReadBodies) return { ...m, bodyBase64: "", truncated: m.bodySize > 0, bodyWithheld: true };
  await deps.audit.record({
    actor: who.principal.label,
    ip: who.ip,
    action: "destinations.readBody",
    target: `${ref.group} ${ref.name} ${ref.id}`,
    result: "ok",
    detail: null,
  });
  return { ...m, bodyWithheld: false };
}
