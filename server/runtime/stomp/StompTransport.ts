/** The IP part of an "ip:port" remote address: per-address limits and login throttling key on it. */
export function hostOf(remoteAddress: string): string {
  const colon = remoteAddress.lastIndexOf(":");
  return colon > 0 ? remoteAddress.slice(0, colon) : remoteAddress;
}

/**
 * The byte pipe a STOMP connection runs over: a TCP socket or a WebSocket. The connection
 * writes frames and manages flow control; the listener feeds it bytes and lifecycle events.
 */
export interface StompTransport {
  readonly kind: "tcp" | "ws" | "tls" | "wss";
  readonly remoteAddress: string;
  /** Returns false when the outgoing buffer is over the transport's high-water mark. */
  write(data: Buffer): boolean;
  /** Bytes queued and not yet handed to the kernel. */
  pendingBytes(): number;
  /** Stops reading from the peer (producer flow control). */
  pause(): void;
  resume(): void;
  /** Flushes what is queued, then closes. */
  end(): void;
  /** Closes at once. */
  destroy(): void;
}
