/**
 * What an operator's node action will do to its group, said before it is done — computed from the
 * live cluster (group membership from the coordinator, the master's own depth and replication
 * links), never from the browser's possibly stale page. An action that breaks the group's quorum
 * or takes its last master needs the node's name typed back: two clicks once took group1 offline.
 */
export type GuardedAction = "stop" | "kill" | "restart" | "drain" | "handover";

export interface ActionImpactInput {
  action: GuardedAction;
  node: string;
  /** The node answered its admin API. */
  up: boolean;
  /** The node's own role ("master", "slave", …; "down" when it does not answer). */
  role: string;
  group: {
    name: string;
    quorum: number;
    replicas: number;
    /** The elected, serving master per the coordinator; null while the group has none. */
    master: string | null;
    /** Containers with a live member znode (the coordinator's view of who takes part). */
    members: string[];
  };
  /** The master's depth and connected clients; null when no master answers. */
  masterDepth: number | null;
  masterConnections: number | null;
  /** The master's replication links (which slaves stream its journal, how far behind). */
  slaves: Array<{ node: string; state: string; lagBytes: number }>;
}

export type ImpactSeverity = "safe" | "disruptive" | "dangerous";

export interface ActionImpact {
  action: GuardedAction;
  node: string;
  group: string;
  severity: ImpactSeverity;
  /** One sentence: the consequence that matters most. */
  summary: string;
  /** Every consequence, as sentences, most important first. */
  effects: string[];
  breaksQuorum: boolean;
  takesLastMaster: boolean;
  /** What the operator must type to confirm (the node's name), or null when a click suffices. */
  confirmText: string | null;
}

const VERB: Record<GuardedAction, string> = { stop: "Stopping", kill: "Killing", restart: "Restarting", drain: "Draining", handover: "Handing over" };

function messages(n: number): string {
  return `${n.toLocaleString("en-US")} message${n === 1 ? "" : "s"}`;
}

/** The likely election winner: a streaming slave with the least lag (the most up-to-date log). */
function bestSlave(slaves: ActionImpactInput["slaves"], except: string): { node: string; lagBytes: number } | null {
  const ready = slaves.filter((s) => s.state === "streaming" && s.node !== except).sort((a, b) => a.lagBytes - b.lagBytes);
  return ready[0] ?? null;
}

export function assessNodeAction(i: ActionImpactInput): ActionImpact {
  const g = i.group;
  const verb = VERB[i.action];
  const isMember = g.members.includes(i.node);
  const isMaster = g.master === i.node;
  // stop/kill/restart take the node out of the group (a restart for a while); a drain or handover
  // keeps it as a member (it rejoins as a slave), so membership is unchanged.
  const leaves = i.action === "stop" || i.action === "kill" || i.action === "restart";
  const membersAfter = leaves && isMember ? g.members.length - 1 : g.members.length;
  const hasQuorum = g.members.length >= g.quorum;
  const breaksQuorum = leaves && isMember && hasQuorum && membersAfter < g.quorum;
  const unavailable = i.masterDepth === null ? "its messages become unavailable" : `${messages(i.masterDepth)} become unavailable`;
  const clients = i.masterConnections === null ? "" : ` ${i.masterConnections} connected client${i.masterConnections === 1 ? "" : "s"} lose their broker.`;
  const effects: string[] = [];
  let takesLastMaster = false;
  let summary: string;

  if (!i.up && !isMember) {
    summary = `${i.node} is not running as a member of ${g.name}: ${verb.toLowerCase()} it changes nothing for the group.`;
    effects.push(summary);
  } else if (i.action === "drain" || i.action === "handover") {
    if (!isMaster) {
      summary = `${i.node} is ${i.role === "slave" ? "a slave" : i.role}: it holds no mastership, so nothing is handed over.`;
      effects.push(summary);
      if (isMember && g.members.length - 1 < g.quorum) {
        effects.push(`Stopping it afterwards would leave ${g.name} with ${g.members.length - 1} of ${g.replicas} members (quorum ${g.quorum}): ${g.master ? `${g.master} would stop serving` : "no master could be elected"}. It cannot be stopped safely.`);
      } else if (isMember) {
        effects.push(`Stopping it afterwards leaves ${g.name} with ${g.members.length - 1} of ${g.replicas} members (quorum ${g.quorum}).`);
      }
    } else {
      const next = bestSlave(i.slaves, i.node);
      if (!next) {
        takesLastMaster = true;
        summary = `${g.name} will have no master: no slave replicates from ${i.node}, so none is up to date to take over; ${unavailable} until ${i.node} is elected again.`;
        effects.push(summary);
      } else {
        summary = `${i.node} hands ${g.name} over to ${next.node}${next.lagBytes > 0 ? ` (${next.lagBytes} bytes behind; the handover waits for it)` : ""} and rejoins as a slave; nothing acknowledged is lost.`;
        effects.push(summary);
        if (i.masterConnections) effects.push(`${i.masterConnections} connected client${i.masterConnections === 1 ? "" : "s"} reconnect to the new master.`);
      }
    }
  } else if (isMaster) {
    const next = bestSlave(i.slaves, i.node);
    if (membersAfter < g.quorum) {
      takesLastMaster = true;
      summary = `${g.name} will have no master: ${membersAfter} of ${g.replicas} members remain and quorum is ${g.quorum}; ${unavailable}.`;
      effects.push(summary);
      if (clients) effects.push(clients.trim());
    } else if (!next) {
      takesLastMaster = true;
      summary = `${g.name} will have no master: no slave streams from ${i.node}, so no up-to-date member can take over; ${unavailable} until one catches up or ${i.node} returns.`;
      effects.push(summary);
    } else {
      summary = `${g.name} fails over: ${next.node} (${next.lagBytes} bytes behind) is the likely new master; ${i.masterDepth === null ? "the backlog" : messages(i.masterDepth)} stay${i.masterDepth === 1 ? "s" : ""} available after the election.`;
      effects.push(summary);
      if (clients) effects.push(`${clients.trim()} Failover clients reconnect to the new master.`);
    }
    if (i.action === "kill") effects.push(`A kill is a crash (SIGKILL): ${i.node} gets no chance to leave its group cleanly; sends not yet acknowledged are retried by their clients.`);
    if (i.action === "restart") effects.push(`${i.node} rejoins ${g.name} as a slave when it is back.`);
  } else if (breaksQuorum) {
    summary = `${g.name} falls below quorum: ${membersAfter} of ${g.replicas} members remain, quorum is ${g.quorum}; ${g.master ? `its master ${g.master} stops serving, so ${g.name} will have no master and ${unavailable}` : "no master can be elected"}.`;
    takesLastMaster = g.master !== null;
    effects.push(summary);
    if (clients && g.master) effects.push(clients.trim());
  } else if (isMember) {
    summary = `${g.name} keeps ${g.master ? `its master ${g.master}` : "its members"}: ${membersAfter} of ${g.replicas} members remain (quorum ${g.quorum}).`;
    effects.push(summary);
    if (!g.master) effects.push(`${g.name} has no master now; ${hasQuorum ? "an election is in progress" : "it stays without one until a quorum of members runs"}.`);
  } else {
    summary = `${i.node} is not a member of ${g.name} now: ${verb.toLowerCase()} it changes nothing for the group.`;
    effects.push(summary);
  }
  if (i.action === "restart" && !isMaster && isMember) effects.push(`${i.node} rejoins ${g.name} as a slave and catches up.`);

  const dangerous = breaksQuorum || takesLastMaster;
  const severity: ImpactSeverity = dangerous ? "dangerous" : isMaster ? "disruptive" : "safe";
  return { action: i.action, node: i.node, group: g.name, severity, summary, effects, breaksQuorum, takesLastMaster, confirmText: dangerous ? i.node : null };
}
