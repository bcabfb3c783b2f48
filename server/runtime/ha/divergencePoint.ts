import type { Term } from "./replicationCodec";

/**
 * Where a returning node's log stops agreeing with the master's (leader-epoch truncation, as
 * Kafka does it). Each master tenure ("term") starts at a known journal position; two logs agree
 * up to the end of the last term they both have with the same start — the end being wherever the
 * next term begins (or the log ends) on either side, whichever comes first.
 *
 * Returns null when the logs share no term: the slave must resync from scratch.
 */
export function divergencePoint(
  slave: { terms: Term[]; endPosition: number },
  master: { terms: Term[]; endPosition: number },
): number | null {
  let i = -1;
  while (
    i + 1 < slave.terms.length &&
    i + 1 < master.terms.length &&
    slave.terms[i + 1].id === master.terms[i + 1].id &&
    slave.terms[i + 1].start === master.terms[i + 1].start
  ) {
    i++;
  }
  if (i < 0) {
    // Neither side has a term yet: both logs are from before any election (empty) and agree.
    if (slave.terms.length === 0 && master.terms.length === 0) return Math.min(slave.endPosition, master.endPosition);
    if (slave.terms.length === 0 && slave.endPosition === 0) return 0;
    // A slave with records but no terms predates replication (standalone data); only safe if empty.
    if (slave.terms.length === 0 && master.terms.length > 0 && slave.endPosition <= master.terms[0].start) {
      return slave.endPosition;
    }
    return null;
  }
  const slaveEnd = i + 1 < slave.terms.length ? slave.terms[i + 1].start : slave.endPosition;
  const masterEnd = i + 1 < master.terms.length ? master.terms[i + 1].start : master.endPosition;
  return Math.min(slaveEnd, masterEnd);
}
