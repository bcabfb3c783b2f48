import type { StompHeaders } from "../stomp/StompFrame";
import type { WireHeaders } from "../stomp/encodeMessage";
import type { AddEntry } from "../store/storeEntry";

/** Headers the broker sets itself on MESSAGE; a producer's copies are dropped on SEND. */
export const BROKER_HEADERS: ReadonlySet<string> = new Set([
  "destination", "message-id", "subscription", "ack", "receipt", "transaction", "content-length",
  "redelivered", "delivery-count", "persistent", "priority", "expires", "timestamp",
]);

/**
 * One message as the broker holds it. `body` is null while the message is paged out: then the
 * journal record at `position` is the only copy and is read back before dispatch.
 */
export interface BrokerMessage {
  id: string;
  /** Storage key of the destination that owns this copy ("/queue/a", "durable:<client>:<sub>"). */
  store: string;
  /** Client-visible destination ("/queue/a", "/topic/b"). */
  destination: string;
  /** User headers (content-type, reply-to, correlation-id, custom properties …). */
  headers: StompHeaders;
  body: Buffer | null;
  bodySize: number;
  persistent: boolean;
  /** The producer gave a content-length: a bytes message (ActiveMQ), echoed on delivery. */
  hasContentLength: boolean;
  priority: number;
  /** Absolute epoch ms after which the message must not be delivered; 0 = never. */
  expires: number;
  timestamp: number;
  /** Journal position of the ADD record; -1 for non-persistent messages. */
  position: number;
  /** Deliveries so far (0 before the first). */
  deliveryCount: number;
  /** Arrival order within the node, for stable ordering of redeliveries. */
  seq: number;
  /** Bytes charged to the node's memory budget while the message is held in RAM (0 when paged out). */
  memSize: number;
  /** Its header lines as last encoded for delivery (see encodeMessage); null until first delivered. */
  wire: WireHeaders | null;
}

/**
 * What holding a message in RAM really costs the process, for the node's memory limit. Measured
 * (1 KiB bodies, 150k-message backlog): the object, its header arrays and strings, the deque slot
 * and the GC headroom they cause come to ~1 KiB beyond the body, and the body's own allocation
 * adds a quarter again in allocator overhead. Counting only the body let RSS reach 3.5x the limit.
 */
export function messageMemorySize(m: BrokerMessage): number {
  // What the body keeps alive is its whole backing store: for a persistent message, the journal
  // record it is a view of (see MessageStore.appendAdd), entry fields included.
  let size = 1024 + Math.ceil((m.body ? m.body.buffer.byteLength : 0) * 1.25);
  for (const [k, v] of m.headers) size += 2 * (k.length + v.length) + 64;
  return size;
}

export function headerValue(headers: StompHeaders, name: string): string | undefined {
  for (const [k, v] of headers) if (k === name) return v;
  return undefined;
}

/**
 * A persistent message rebuilt from its journal ADD record at `position` (page-in, browsing):
 * never delivered yet as far as this process knows, charged no memory until it is kept.
 */
export function messageFromEntry(e: AddEntry, store: string, position: number, seq: number): BrokerMessage {
  return {
    id: e.id,
    store,
    destination: e.destination,
    headers: e.headers,
    body: e.body,
    bodySize: e.body.length,
    persistent: true,
    hasContentLength: e.hasContentLength,
    priority: Math.min(9, Math.max(0, e.priority)),
    expires: e.expires,
    timestamp: e.timestamp,
    position,
    deliveryCount: 0,
    seq,
    memSize: 0,
    wire: null,
  };
}
