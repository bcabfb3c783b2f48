import type { AlertFacts } from "./alertFacts";
import { rocketmqLagCondition } from "./rocketmqLagCondition";

/** One thing a rule can watch; `instances` yields a value per labelled subject (group, node, queue…). */
export interface AlertCondition {
  kind: string;
  /** What the value means, for the UI and the alert's summary. */
  describe: string;
  unit: "" | "bytes" | "seconds" | "ratio" | "messages" | "changes";
  instances(facts: AlertFacts, filter: AlertFilter): AlertInstance[];
}

export interface AlertFilter {
  group: string | null;
  node: string | null;
  /** A destination pattern: exact, or with ActiveMQ wildcards (`*` one segment, `>` the rest). */
  destination: string | null;
}

export interface AlertInstance {
  labels: Record<string, string>;
  value: number;
}

/**
 * The conditions the console can alert on, each computed only from what the monitor and the
 * pollers really measured (a node that is down reports no memory ratio, so no memory alert
 * fires for it — the node_down rule covers it).
 */
export const ALERT_CONDITIONS: readonly AlertCondition[] = [
  {
    kind: "group_without_master",
    describe: "1 while the group has no elected master",
    unit: "",
    instances: (f, flt) => f.groups.filter((g) => matches(flt.group, g.name)).map((g) => ({ labels: { group: g.name }, value: g.master === null ? 1 : 0 })),
  },
  {
    kind: "quorum_lost",
    describe: "1 while fewer members than the quorum are registered",
    unit: "",
    instances: (f, flt) => f.groups.filter((g) => matches(flt.group, g.name)).map((g) => ({ labels: { group: g.name }, value: g.members < g.quorum ? 1 : 0 })),
  },
  {
    kind: "node_down",
    describe: "1 while the node's admin API does not answer",
    unit: "",
    instances: (f, flt) => nodes(f, flt).map((n) => ({ labels: { group: n.group, node: n.name }, value: n.up ? 0 : 1 })),
  },
  {
    kind: "replication_lag_bytes",
    describe: "bytes a slave is behind its master's journal",
    unit: "bytes",
    instances: (f, flt) =>
      f.nodes.flatMap((m) => m.slaves.filter((s) => matches(flt.group, m.group) && matches(flt.node, s.node)).map((s) => ({ labels: { group: m.group, node: s.node, master: m.name }, value: s.lagBytes }))),
  },
  {
    kind: "queue_depth",
    describe: "messages waiting in a destination",
    unit: "messages",
    instances: (f, flt) => dests(f, flt).map((d) => ({ labels: { group: d.group, node: d.node, destination: d.name }, value: d.depth })),
  },
  {
    kind: "oldest_message_age_seconds",
    describe: "age of the oldest waiting message",
    unit: "seconds",
    instances: (f, flt) =>
      dests(f, flt)
        .filter((d) => d.oldestMessageAgeSeconds !== null)
        .map((d) => ({ labels: { group: d.group, node: d.node, destination: d.name }, value: d.oldestMessageAgeSeconds! })),
  },
  {
    kind: "dlq_depth",
    describe: "messages in a dead-letter queue (DLQ.*)",
    unit: "messages",
    instances: (f, flt) =>
      dests(f, flt)
        .filter((d) => /^\/queue\/DLQ\./.test(d.name))
        .map((d) => ({ labels: { group: d.group, node: d.node, destination: d.name }, value: d.depth })),
  },
  {
    kind: "memory_usage_ratio",
    describe: "fraction of the node's memory limit in use",
    unit: "ratio",
    instances: (f, flt) => nodes(f, flt).filter((n) => n.memoryRatio !== null).map((n) => ({ labels: { group: n.group, node: n.name }, value: n.memoryRatio! })),
  },
  {
    kind: "store_usage_ratio",
    describe: "fraction of the node's store limit in use",
    unit: "ratio",
    instances: (f, flt) => nodes(f, flt).filter((n) => n.storeRatio !== null).map((n) => ({ labels: { group: n.group, node: n.name }, value: n.storeRatio! })),
  },
  {
    kind: "coordinator_session_flapping",
    describe: "coordinator session state changes in the last 10 minutes",
    unit: "changes",
    instances: (f) => [{ labels: {}, value: f.coordinatorSessionChanges }],
  },
  rocketmqLagCondition,
];

export const CONDITION_KINDS = ALERT_CONDITIONS.map((c) => c.kind);

export function conditionOf(kind: string): AlertCondition | undefined {
  return ALERT_CONDITIONS.find((c) => c.kind === kind);
}

function nodes(f: AlertFacts, flt: AlertFilter): AlertFacts["nodes"] {
  return f.nodes.filter((n) => matches(flt.group, n.group) && matches(flt.node, n.name));
}

function dests(f: AlertFacts, flt: AlertFilter): AlertFacts["destinations"] {
  return f.destinations.filter((d) => matches(flt.group, d.group) && matches(flt.node, d.node) && destinationMatches(flt.destination, d.name));
}

function matches(filter: string | null, value: string): boolean {
  return filter === null || filter === "" || filter === value;
}

/** ActiveMQ wildcards over `.`-separated segments after the /queue/ or /topic/ prefix. */
export function destinationMatches(pattern: string | null, name: string): boolean {
  if (pattern === null || pattern === "") return true;
  if (pattern === name) return true;
  const split = (s: string): [string, string[]] => {
    const m = /^(\/(?:queue|topic)\/)(.*)$/.exec(s);
    return m ? [m[1]!, m[2]!.split(".")] : ["", s.split(".")];
  };
  const [pp, ps] = split(pattern);
  const [np, ns] = split(name);
  if (pp !== "" && pp !== np) return false;
  for (let i = 0; i < ps.length; i++) {
    if (ps[i] === ">") return i < ns.length;
    if (i >= ns.length) return false;
    if (ps[i] !== "*" && ps[i] !== ns[i]) return false;
  }
  return ps.length === ns.length;
}
