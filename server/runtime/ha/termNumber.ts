import type { Term } from "./replicationCodec";

/**
 * Terms are totally ordered numbers, as in Raft: a term id written since this rule is the
 * decimal number claimed from the group's term znode (claimTerm). Journals and terms.json from
 * before keep their ids (`<eid>@<session>`, which carry no order); such a legacy term counts as 0,
 * older than every numbered term — sound because every numbered term was claimed after the
 * upgrade, i.e. after every legacy tenure ended. Between two logs that both end in legacy terms
 * the rule falls back to position, which is all the old elector knew.
 */
export function termNumber(id: string): number {
  return /^[1-9]\d{0,15}$/.test(id) ? Number(id) : 0;
}

/**
 * The number of the last term whose TERM record is in a log ending at `endPosition` (0: none, or
 * a legacy term). terms.json is synced before a slave's journal, so after a crash it may name a
 * term whose record the journal lost; such a term is not in the log.
 */
export function lastLogTerm(terms: readonly Term[], endPosition: number): number {
  for (let i = terms.length - 1; i >= 0; i--) if (terms[i]!.start < endPosition) return termNumber(terms[i]!.id);
  return 0;
}
