/** What one bridge has done, for the admin API and the console's Bridges view. */
export interface BridgeCounters {
  /** Messages the remote group receipted (each was then acknowledged here). */
  forwarded: number;
  forwardedBytes: number;
  /** Sent and not receipted yet. */
  inFlight: number;
  /** Forwarded back towards a group on their path because nobody here consumes them (replayWhenNoConsumers). */
  replayed: number;
  /** Refused by the remote (an ERROR naming the send's receipt): redelivered locally, dead-lettered after maxRedeliveries. */
  rejected: number;
  /** Topic copies dropped because the remote fell too far behind (non-durable topic semantics). */
  dropped: number;
  /** Connections established / attempts that failed (handshake, refused, timeout). */
  connects: number;
  failures: number;
}

export function newCounters(): BridgeCounters {
  return { forwarded: 0, forwardedBytes: 0, inFlight: 0, replayed: 0, rejected: 0, dropped: 0, connects: 0, failures: 0 };
}
