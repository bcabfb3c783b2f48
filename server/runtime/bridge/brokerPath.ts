// ActiveMQ's brokerPath (brokers.md §c.10-11) for STOMP: the groups a message has been forwarded
// FROM, in order, carried in a user header so it survives every hop and a selector can read it.
// Written ",group1,group2," — the commas around each name let a LIKE pattern test membership
// ('%,group1,%') and length (a path of n groups has n+1 commas) without a string function.
import type { StompHeaders } from "../stomp/StompFrame";

export const BROKER_PATH_HEADER = "TandemBrokerPath";

export function parseBrokerPath(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value.split(",").filter((s) => s !== "");
}

export function formatBrokerPath(path: readonly string[]): string {
  return path.length === 0 ? "" : `,${path.join(",")},`;
}

export function brokerPathOf(headers: StompHeaders): string[] {
  for (const [k, v] of headers) if (k === BROKER_PATH_HEADER) return parseBrokerPath(v);
  return [];
}

/** The headers a forwarded copy carries: the message's own, with `from` appended to its path. */
export function headersWithHop(headers: StompHeaders, from: string): StompHeaders {
  const out: StompHeaders = [];
  let path: string[] = [];
  for (const h of headers) {
    if (h[0] === BROKER_PATH_HEADER) path = parseBrokerPath(h[1]);
    else out.push(h);
  }
  out.push([BROKER_PATH_HEADER, formatBrokerPath([...path, from])]);
  return out;
}

export type ForwardVerdict = "forward" | "loop" | "ttl";

/**
 * NetworkBridgeFilter: a message is not sent to a group already on its path (that is how A→B→A
 * ping-pong and triangles are cut), nor once it has made messageTTL hops.
 */
export function forwardVerdict(path: readonly string[], target: string | null, messageTTL: number): ForwardVerdict {
  if (target !== null && path.includes(target)) return "loop";
  if (path.length >= messageTTL) return "ttl";
  return "forward";
}
