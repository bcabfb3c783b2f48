/** What the HA load generator saw of one message (all times from the test process's clock). */
export interface HaLoadRecord {
  sentAt: number;
  /** When its RECEIPT arrived (possibly after a re-send on another master), or null. */
  receiptedAt: number | null;
  /** Every delivery to any consumer, in order. */
  deliveries: number[];
  /** Which consumer (index) got each delivery, when recorded. */
  consumers?: number[];
}

export interface HaLoadVerdict {
  sent: number;
  receipted: number;
  consumed: number;
  /** Receipted but never consumed: a broken at-least-once promise. */
  lost: string[];
  /** Messages delivered more than once, and the extra deliveries in total. */
  duplicatedMessages: number;
  extraDeliveries: number;
  /** Duplicates whose life did not straddle any kill: not explained by failover. */
  unexplainedDuplicates: string[];
  /** Deliveries of bodies no producer sent. */
  unknown: string[];
}

/**
 * Judges an HA run. At-least-once means every receipted message is consumed. A duplicate is
 * explained by failover only if a kill fell inside its life: between its SEND and its RECEIPT (the
 * receipt was lost with the master and the client re-sent it), or between its first and last
 * delivery (the ACK died with the master, so the new master redelivered it).
 *
 * The last case is also judged by the consumer that got the first delivery (`interruptions`: when
 * each consumer's connection was lost, by index): a MESSAGE the dying master wrote just before the
 * kill can be read by the test process only after the kill was timed (its event loop was busy), and
 * its ACK then goes to a dead socket. The client reads a socket's data before its close, so "that
 * consumer's connection was lost between the first and the last delivery" is exact where comparing
 * with the kill's timestamp is not.
 */
export function checkHaLoad(
  records: ReadonlyMap<string, HaLoadRecord>,
  unknown: readonly string[],
  kills: readonly number[],
  interruptions: ReadonlyArray<readonly number[]> = [],
): HaLoadVerdict {
  const lost: string[] = [];
  const unexplained: string[] = [];
  let receipted = 0;
  let consumed = 0;
  let duplicatedMessages = 0;
  let extraDeliveries = 0;
  const straddles = (from: number, to: number): boolean => kills.some((k) => from <= k && k <= to);
  for (const [id, r] of records) {
    if (r.receiptedAt !== null) receipted++;
    if (r.deliveries.length > 0) consumed++;
    else if (r.receiptedAt !== null) lost.push(id);
    if (r.deliveries.length > 1) {
      duplicatedMessages++;
      extraDeliveries += r.deliveries.length - 1;
      const first = r.deliveries[0]!;
      const last = r.deliveries[r.deliveries.length - 1]!;
      const firstConsumer = r.consumers?.[0];
      const lostAck = firstConsumer !== undefined && (interruptions[firstConsumer] ?? []).some((t) => first <= t && t <= last);
      const explained = straddles(r.sentAt, r.receiptedAt ?? last) || straddles(first, last) || lostAck;
      if (!explained) unexplained.push(id);
    }
  }
  return {
    sent: records.size,
    receipted,
    consumed,
    lost,
    duplicatedMessages,
    extraDeliveries,
    unexplainedDuplicates: unexplained,
    unknown: [...unknown],
  };
}
