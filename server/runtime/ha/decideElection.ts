import type { MemberData } from "./memberData";

export interface ElectionInput {
  eid: string;
  data: MemberData;
}

export interface ElectionDecision {
  elected: string | null;
  reason: string;
}

/**
 * The master elector's rule (brokers.md §b1.4), run by the lowest member only:
 * - fewer members than the quorum → nobody ("Not enough cluster members connected to elect a master.");
 * - a sitting master stays while it is a member, even if another reports a newer position;
 * - otherwise wait until every member has reported its log (position >= 0), then pick the most
 *   up-to-date log by Raft's rule: the higher last term wins; position only breaks ties within a
 *   term; then the higher weight, then the older (lower) member id.
 *
 * Why term first: a log that is longer but ends in an older term holds a tail that its master
 * wrote after losing its slaves — never acknowledged — while a later term's master acknowledged
 * writes on a quorum. Any quorum of members includes a holder of every acknowledged write, and a
 * holder's last term is at least the term of that write; the log with the highest last term
 * extends the log of that term's master, so it has them all. Position alone let the stale, longer
 * log win and made the others truncate acknowledged writes (issue #9, defect 1).
 * `members` must be sorted by eid.
 */
export function decideElection(members: ElectionInput[], quorum: number, current: string | null): ElectionDecision {
  if (members.length < quorum) {
    return { elected: null, reason: `Not enough cluster members connected to elect a master (${members.length} of quorum ${quorum})` };
  }
  if (current && members.some((m) => m.eid === current)) return { elected: current, reason: "sitting master is still a member" };
  if (members.some((m) => m.data.position < 0)) return { elected: null, reason: "waiting for every member to report its position" };
  let best = members[0]!;
  for (const m of members) if (moreUpToDate(m.data, best.data)) best = m;
  const d = best.data;
  return { elected: best.eid, reason: `most up-to-date log: last term ${d.term ?? 0}, position ${d.position} (weight ${d.weight})` };
}

/** a beats b: higher last term, then longer log, then higher weight (ties: the earlier member stays). */
function moreUpToDate(a: MemberData, b: MemberData): boolean {
  const at = a.term ?? 0;
  const bt = b.term ?? 0;
  if (at !== bt) return at > bt;
  if (a.position !== b.position) return a.position > b.position;
  return a.weight > b.weight;
}
