import type { BrokerMessage } from "../broker/BrokerMessage";
import { assembleFrame } from "./encodeFrame";
import type { StompVersion } from "./StompFrame";
import { escapeHeader, sanitizeUnescapable } from "./headerEscaping";

/** The delivery-specific part of a MESSAGE frame. */
export interface Delivery {
  subscription: string;
  destination: string;
  /** The 1.2 `ack` header value, or null when the subscription does not ack (auto) or the version is older. */
  ack: string | null;
}

/**
 * The message-specific header lines of a MESSAGE frame, escaped for one version. Every field they
 * are built from is kept, so a copy of the message whose headers or properties changed (a DLQ copy
 * with new headers, a priority change) is recognised as stale rather than sent with old headers.
 */
export interface WireHeaders {
  version: StompVersion;
  headers: BrokerMessage["headers"];
  persistent: boolean;
  priority: number;
  expires: number;
  timestamp: number;
  hasContentLength: boolean;
  bodyLength: number;
  /** persistent … timestamp lines. */
  before: string;
  /** User header lines and content-length. */
  after: string;
}

function esc(value: string, version: StompVersion, isName: boolean): string {
  // MESSAGE is never exempt from escaping; 1.0 has none, so unrepresentable characters are replaced.
  return version === "1.0" ? sanitizeUnescapable(value, isName) : escapeHeader(value, version);
}

function wireHeaders(msg: BrokerMessage, version: StompVersion, bodyLength: number): WireHeaders {
  let before = "";
  if (msg.persistent) before += "persistent:true\n";
  before += "priority:" + msg.priority + "\nexpires:" + msg.expires + "\ntimestamp:" + msg.timestamp + "\n";
  let after = "";
  let givenLength = false;
  for (let i = 0; i < msg.headers.length; i++) {
    const [k, v] = msg.headers[i]!;
    // A content-length among the user headers (an admin send) is replaced by the true one below.
    if (k === "content-length") givenLength = true;
    else after += esc(k, version, true) + ":" + esc(v, version, false) + "\n";
  }
  if (msg.hasContentLength || givenLength || bodyLength > 0) after += "content-length:" + bodyLength + "\n";
  return {
    version,
    headers: msg.headers,
    persistent: msg.persistent,
    priority: msg.priority,
    expires: msg.expires,
    timestamp: msg.timestamp,
    hasContentLength: msg.hasContentLength,
    bodyLength,
    before,
    after,
  };
}

function fresh(w: WireHeaders | null, msg: BrokerMessage, version: StompVersion, bodyLength: number): w is WireHeaders {
  return (
    w !== null &&
    w.version === version &&
    w.headers === msg.headers &&
    w.persistent === msg.persistent &&
    w.priority === msg.priority &&
    w.expires === msg.expires &&
    w.timestamp === msg.timestamp &&
    w.hasContentLength === msg.hasContentLength &&
    w.bodyLength === bodyLength
  );
}

/**
 * Serialises a MESSAGE frame — the hot path of every delivery — byte for byte as
 * encodeFrame("MESSAGE", …) would, but escaping and joining the message's own headers only once
 * per message and version (kept in `msg.wire`) instead of on every delivery: a topic fan-out or a
 * redelivery reuses them. Header order: subscription, message-id, destination, ack, persistent,
 * priority, expires, timestamp, redelivered, delivery-count, the producer's headers, content-length.
 */
export function encodeMessage(d: Delivery, msg: BrokerMessage, version: StompVersion): Buffer {
  const body = msg.body;
  const bodyLength = body === null ? 0 : body.length;
  let w = msg.wire;
  if (!fresh(w, msg, version, bodyLength)) {
    w = wireHeaders(msg, version, bodyLength);
    msg.wire = w;
  }
  let head =
    "MESSAGE\nsubscription:" + esc(d.subscription, version, false) +
    "\nmessage-id:" + esc(msg.id, version, false) +
    "\ndestination:" + esc(d.destination, version, false) + "\n";
  if (d.ack !== null) head += "ack:" + esc(d.ack, version, false) + "\n";
  head += w.before;
  if (msg.deliveryCount > 1) head += "redelivered:true\ndelivery-count:" + msg.deliveryCount + "\n";
  head += w.after + "\n";
  return assembleFrame(head, body);
}
