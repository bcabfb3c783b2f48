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
 * - otherwise wait until every member has reported its position (>= 0), then pick the newest
 *   position, ties broken by higher weight, then by the older (lower) member id.
 * `members` must be sorted by eid.
 */
export function decideElection(members: ElectionInput[], quorum: number, current: string | null): ElectionDecision {
  if (members.length < quorum) {
    return { elected: null, reason: `Not enough cluster members connected to elect a master (${members.length} of quorum ${quorum})` };
  }
  if (current && members.some((m) => m.eid === current)) return { elected: current, reason: "sitting master is still a member" };
  if (members.some((m) => m.data.position < 0)) return { elected: null, reason: "waiting for every member to report its position" };
  let best = members[0];
  for (const m of members) {
    if (m.data.position > best.data.position || (m.data.position === best.data.position && m.data.weight > best.data.weight)) {
      best = m;
    }
  }
  return { elected: best.eid, reason: `newest position ${best.data.position} (weight ${best.data.weight})` };
}
