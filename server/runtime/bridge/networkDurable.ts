// The durable network subscription a bridge keeps on its own group for a remote durable topic
// subscriber (ActiveMQ's "NC-DS_" durables, brokers.md §c.15). Its name says which remote group it
// serves, because it outlives the bridge session that made it: while the bridge is down it is an
// inactive durable like any other, and this group's own advisory must still describe it as demand
// that came from that group (else a duplex peer would take it for a local consumer and forward to it).
import { formatBrokerPath } from "./brokerPath";

const PREFIX = "NC-DS|";

/** Client id of the bridge's durable network subscriptions (one per topic; subName = the topic key). */
export function networkDurableClientId(remoteGroup: string, bridgeName: string): string {
  // Bridge names cannot contain "|" (networkConnectorSchema), so the last "|" ends the group name.
  return `${PREFIX}${remoteGroup}|${bridgeName}`;
}

/** The remote group a durable network subscription serves, or null for a client's own durable. */
export function networkDurableGroup(clientId: string): string | null {
  if (!clientId.startsWith(PREFIX)) return null;
  const end = clientId.lastIndexOf("|");
  return end > PREFIX.length - 1 ? clientId.slice(PREFIX.length, end) : null;
}

/** A LIKE pattern literal matching `,<group>,` anywhere in a broker path ('!' escapes the wildcards). */
function containsGroup(group: string): string {
  const escaped = formatBrokerPath([group]).replace(/[!%_]/g, (c) => `!${c}`).replace(/'/g, "''");
  return `TandemBrokerPath LIKE '%${escaped}%' ESCAPE '!'`;
}

/**
 * What the durable network subscription stores while nobody takes from it, as selector text (the
 * only form a durable keeps in the journal, so a new master recovers the same filter). It must admit
 * exactly what BridgeSession.admits forwards on a topic, or messages would sit in it for ever:
 * nothing that already visited the remote group (loop), nothing that made messageTTL hops (a path
 * of n groups has n+1 commas), nothing relayed from a group that bridges to the remote directly.
 * Topic messages are never replayed, so the loop rule has no exception here.
 */
export function networkDurableSelector(remoteGroup: string, messageTTL: number, directOfRemote: readonly string[]): string {
  const banned = [remoteGroup, ...directOfRemote.filter((g) => g !== remoteGroup)];
  const ttl = `TandemBrokerPath LIKE '${"%,".repeat(messageTTL + 1)}%'`;
  const loops = banned.map((g) => `NOT (${containsGroup(g)})`).join(" AND ");
  return `TandemBrokerPath IS NULL OR (${loops} AND NOT (${ttl}))`;
}
