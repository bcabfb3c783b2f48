/**
 * What draining one node would do, from facts the console already has (no side effects): which
 * destinations and clients it serves, the backlog and how long consumers need to empty it at the
 * current out-rate, and which slave would take over. Replication makes a master's drain a
 * handover — the backlog moves with the journal, nothing is copied — so the preview is about who
 * is affected and whether a slave is ready, not about moving messages.
 */
export interface DrainPlanInput {
  node: string;
  group: string;
  up: boolean;
  role: string;
  serving: boolean;
  connections: number;
  outPerSec: number;
  destinations: Array<{ name: string; kind: string; depth: number; consumers: number; producers: number; inflight: number }>;
  destinationsTotal: number;
  /** The node's replication links when it is the master. */
  slaves: Array<{ node: string; state: string; lagBytes: number }>;
  /** Members of the group (container names) and its quorum. */
  members: string[];
  quorum: number;
  /** The group's current master (another node when this one is a slave), or null. */
  master?: string | null;
}

export interface DrainPlan {
  node: string;
  group: string;
  role: string;
  action: "handover" | "none" | "impossible";
  note: string;
  connections: number;
  destinations: Array<{ name: string; kind: string; depth: number; consumers: number; producers: number; inflight: number }>;
  destinationsTotal: number;
  totals: { depth: number; consumers: number; producers: number; inflight: number };
  outPerSec: number;
  /** Backlog ÷ out-rate; null when nothing is being consumed (it would never empty). */
  timeToEmptySec: number | null;
  /** Slaves ordered best first (streaming, least lag): the election's likely winner leads. */
  candidates: Array<{ node: string; state: string; lagBytes: number }>;
  warnings: string[];
}

export function planDrain(i: DrainPlanInput): DrainPlan {
  const totals = i.destinations.reduce(
    (t, d) => ({ depth: t.depth + d.depth, consumers: t.consumers + d.consumers, producers: t.producers + d.producers, inflight: t.inflight + d.inflight }),
    { depth: 0, consumers: 0, producers: 0, inflight: 0 },
  );
  const candidates = [...i.slaves].sort((a, b) => Number(b.state === "streaming") - Number(a.state === "streaming") || a.lagBytes - b.lagBytes);
  const warnings: string[] = [];
  const timeToEmptySec = totals.depth === 0 ? 0 : i.outPerSec > 0 ? Math.round((totals.depth / i.outPerSec) * 10) / 10 : null;
  if (i.destinationsTotal > i.destinations.length) warnings.push(`only the ${i.destinations.length} deepest of ${i.destinationsTotal} destinations are listed; totals cover those`);
  const base = { node: i.node, group: i.group, role: i.role, connections: i.connections, destinations: i.destinations, destinationsTotal: i.destinationsTotal, totals, outPerSec: i.outPerSec, timeToEmptySec, candidates };
  if (!i.up) return { ...base, action: "impossible", note: `${i.node} is not answering: nothing to drain (it serves nobody)`, warnings };
  if (i.role !== "master") {
    // "Safe to stop" only when the group keeps its quorum without this node: the last members of
    // a group are what keeps its master serving, even though they serve nobody themselves.
    const member = i.members.includes(i.node);
    const left = i.members.length - 1;
    const stopping = !member
      ? "It is not a member of the group now; stopping it changes nothing for the group."
      : left >= i.quorum
        ? `It can be stopped: ${i.group} keeps ${left} of its members (quorum ${i.quorum}).`
        : `It cannot be stopped safely: ${i.group} would keep ${left} member${left === 1 ? "" : "s"}, below its quorum of ${i.quorum}, so ${i.master ? `its master ${i.master} would stop serving` : "no master could be elected"}.`;
    if (member && left < i.quorum) warnings.push(`stopping ${i.node} would leave ${i.group} without a master`);
    return { ...base, action: "none", note: `${i.node} is ${i.role === "slave" ? "a slave" : i.role}: it serves no clients and holds no mastership, so nothing moves. ${stopping}`, warnings };
  }
  const ready = candidates.filter((c) => c.state === "streaming");
  if (ready.length === 0) {
    return { ...base, action: "impossible", note: `no slave of ${i.group} is replicating from ${i.node}: a handover would leave the group without an up-to-date master`, warnings };
  }
  // After the handover the node rejoins as a slave, so membership (and quorum) is unchanged.
  if (i.members.length < i.quorum) warnings.push(`${i.group} is below quorum (${i.members.length}/${i.quorum}): no new master can be elected`);
  if (timeToEmptySec === null && totals.depth > 0) warnings.push(`${totals.depth} messages wait and nothing is consuming: the backlog moves to the new master intact`);
  if (ready[0]!.lagBytes > 0) warnings.push(`best slave ${ready[0]!.node} is ${ready[0]!.lagBytes} bytes behind: the handover waits until one slave has acknowledged everything`);
  return {
    ...base,
    action: i.members.length < i.quorum ? "impossible" : "handover",
    note: `${i.node} stops taking clients (${i.connections} connected will reconnect to the new master), waits until a slave acknowledged its whole journal, then rejoins ${i.group} as a slave. Nothing acknowledged is lost.`,
    warnings,
  };
}
