// The durability verdict of one crash iteration: what the clients were told before the SIGKILL
// against what the restarted broker delivered. Pure (no I/O) so its rules are unit-tested.

/** What the load generator observed before the broker died. Ids are the producers' own ids. */
export interface PreCrashLog {
  /** Every id a producer started to send (logged before the bytes hit the socket). */
  sent: ReadonlySet<string>;
  /** Ids whose SEND got its RECEIPT: the broker promised they are stored (sync policy met). */
  receipted: ReadonlySet<string>;
  /** Ids a concurrent consumer received as MESSAGE before the crash. */
  delivered: ReadonlySet<string>;
  /** Ids the consumer sent an ACK for (client-individual). */
  ackSent: ReadonlySet<string>;
  /** Ids whose ACK got its RECEIPT: the REMOVE record was durable before the crash. */
  ackReceipted: ReadonlySet<string>;
}

export interface DurabilityCounts {
  sent: number;
  receipted: number;
  drained: number;
  /** Sent without a RECEIPT (never acked): recovered or lost, both allowed. */
  unreceiptedRecovered: number;
  unreceiptedLost: number;
  /** ACK sent but its RECEIPT lost in the crash, and the message came back (allowed, once). */
  ackInDoubtRedelivered: number;
  ackInDoubtGone: number;
}

export interface DurabilityVerdict {
  ok: boolean;
  /** One line per broken rule, with up to a few example ids each. */
  violations: string[];
  counts: DurabilityCounts;
}

const EXAMPLES = 5;

/**
 * Rules (one crash, then one full drain with every delivery acked):
 *  1. No unknown ids: everything drained was sent by this iteration's producers.
 *  2. No duplicates in the drain: a recovered message is delivered once (the drain acks all).
 *  3. None missing: an id that was receipted and never acked before the crash is drained.
 *  4. Durable acks hold: an id whose ACK was receipted before the crash is NOT drained.
 *  Allowed and counted: an id whose ACK was sent without a RECEIPT may come back at most once
 *  (rule 2 bounds it); an id sent without a RECEIPT may be there or not.
 */
export function checkDurability(log: PreCrashLog, drained: readonly string[]): DurabilityVerdict {
  const violations: string[] = [];
  const seen = new Set<string>();
  const duplicates: string[] = [];
  const unknown: string[] = [];
  for (const id of drained) {
    if (seen.has(id)) duplicates.push(id);
    seen.add(id);
    if (!log.sent.has(id)) unknown.push(id);
  }
  const missing: string[] = [];
  for (const id of log.receipted) {
    if (!log.ackSent.has(id) && !seen.has(id)) missing.push(id);
  }
  const resurrected: string[] = [];
  for (const id of log.ackReceipted) if (seen.has(id)) resurrected.push(id);

  report(violations, unknown, "unknown ids delivered after restart (never sent)");
  report(violations, duplicates, "ids delivered more than once after restart");
  report(violations, missing, "receipted, unacknowledged ids missing after restart");
  report(violations, resurrected, "ids whose ACK was receipted came back after restart");

  let unreceiptedRecovered = 0;
  let unreceiptedLost = 0;
  let ackInDoubtRedelivered = 0;
  let ackInDoubtGone = 0;
  for (const id of log.sent) {
    if (log.ackSent.has(id)) {
      if (log.ackReceipted.has(id)) continue;
      if (seen.has(id)) ackInDoubtRedelivered++;
      else ackInDoubtGone++;
    } else if (!log.receipted.has(id)) {
      if (seen.has(id)) unreceiptedRecovered++;
      else unreceiptedLost++;
    }
  }
  return {
    ok: violations.length === 0,
    violations,
    counts: {
      sent: log.sent.size,
      receipted: log.receipted.size,
      drained: drained.length,
      unreceiptedRecovered,
      unreceiptedLost,
      ackInDoubtRedelivered,
      ackInDoubtGone,
    },
  };
}

function report(out: string[], ids: string[], what: string): void {
  if (ids.length === 0) return;
  out.push(`${ids.length} ${what}, e.g. ${ids.slice(0, EXAMPLES).join(", ")}`);
}
