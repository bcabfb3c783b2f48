import type { ClusterFacts, NodeFacts } from "./clusterFacts";
import { readInfo } from "./clusterFacts";
import type { GroupSummary, NodeRole, NodeView, Problem, ProcessView, ReplicationLink } from "./clusterViews.schema";

/** Memory or store use above this share of the limit is reported (the brief's 80 %). */
export const USAGE_WARN_PERCENT = 80;
/** A slave further behind than this is "lagging" (a second of a busy master's journal). */
export const LAG_WARN_BYTES = 1024 * 1024;

const ROLES: readonly NodeRole[] = ["master", "slave", "joining", "standalone", "stopped"];

function roleOf(n: NodeFacts): NodeRole {
  if (!n.info) return "down";
  const r = readInfo(n.info).role;
  return (ROLES as readonly string[]).includes(r) ? (r as NodeRole) : "joining";
}

function processOf(n: NodeFacts): ProcessView | null {
  const p = n.process;
  if (!p) return null;
  return { state: p.state, pid: p.pid, startedAt: p.startedAt, exitedAt: p.exitedAt, exitCode: p.exitCode, signal: p.signal, restarts: p.restarts, failures: p.failures, nextRestartAt: p.nextRestartAt, lastExit: p.lastExit, logFile: p.logFile };
}

/**
 * Master → slave replication links, from each master's own view of its slaves (ackedMem is what
 * the slave confirmed; lag is the master's journal end minus that). Lag in seconds divides by the
 * master's measured write rate: "how long ago the master had written what the slave has".
 */
export function replicationLinks(facts: ClusterFacts): ReplicationLink[] {
  const out: ReplicationLink[] = [];
  for (const n of facts.nodes) {
    if (!n.info) continue;
    const f = readInfo(n.info);
    if (f.role !== "master" || !f.ha) continue;
    for (const s of f.ha.slaves) {
      out.push({
        group: n.group,
        from: n.name,
        to: s.node,
        state: s.state,
        ackedMem: s.ackedMem,
        ackedDisk: s.ackedDisk,
        lagBytes: s.lagBytes,
        lagSeconds: lagSeconds(s.lagBytes, n.writeRate),
        connectedAt: s.connectedAt,
      });
    }
  }
  return out;
}

/** Seconds of the master's writing the slave is behind; 0 when caught up, null when unknowable. */
export function lagSeconds(lagBytes: number, bytesPerSec: number): number | null {
  if (lagBytes <= 0) return 0;
  if (bytesPerSec <= 0) return null;
  return Math.round((lagBytes / bytesPerSec) * 100) / 100;
}

export function nodeViews(facts: ClusterFacts): NodeView[] {
  const lag = new Map<string, number>();
  for (const l of replicationLinks(facts)) lag.set(l.to, l.lagBytes);
  return facts.nodes.map((n) => {
    const f = n.info ? readInfo(n.info) : null;
    const role = roleOf(n);
    return {
      name: n.name,
      group: n.group,
      role,
      up: f !== null,
      serving: f?.serving ?? false,
      error: f ? null : (n.error ?? "not answering"),
      connections: f?.connections ?? 0,
      memoryUsed: f?.memory.used ?? 0,
      memoryPercent: f?.memory.percent ?? 0,
      storeUsed: f?.store.used ?? 0,
      storePercent: f?.store.percent ?? 0,
      depth: f?.serving ? f.depth : 0,
      inPerSec: f?.serving ? n.rates.inPerSec : 0,
      outPerSec: f?.serving ? n.rates.outPerSec : 0,
      uptimeMs: f?.uptimeMs ?? null,
      lagBytes: role === "slave" ? (lag.get(n.name) ?? null) : null,
      zkSession: f?.ha?.zkSession ?? null,
      adminUrl: n.adminUrl,
      stomp: n.stomp,
      process: processOf(n),
    };
  });
}

export function groupSummaries(facts: ClusterFacts): GroupSummary[] {
  return facts.groups.map((g) => ({
    name: g.name,
    master: g.master,
    slaves: g.members.map((m) => m.container ?? "?").filter((c) => c !== g.master),
    members: g.members.length,
    quorum: g.quorum,
    replicas: g.replicas,
    sync: g.sync,
    depth: servingDepth(facts, g.master),
  }));
}

/** The master's depth when it answers and serves; otherwise nobody can say (and 0 would lie). */
function servingDepth(facts: ClusterFacts, master: string | null): number | null {
  const n = master ? facts.nodes.find((x) => x.name === master) : undefined;
  if (!n?.info) return null;
  const f = readInfo(n.info);
  return f.serving ? f.depth : null;
}

/** What an operator must look at now, most severe first. */
export function clusterProblems(facts: ClusterFacts, views: NodeView[], links: ReplicationLink[]): Problem[] {
  const out: Problem[] = [];
  for (const g of facts.groups) {
    if (g.members.length < g.quorum) {
      out.push({ severity: "critical", kind: "below-quorum", group: g.name, node: null, message: `${g.name} has ${g.members.length} of ${g.replicas} members; quorum is ${g.quorum}` });
    }
    if (!g.master) out.push({ severity: "critical", kind: "no-master", group: g.name, node: null, message: `${g.name} has no master` });
  }
  for (const v of views) {
    if (!v.up) {
      const why = v.process && v.process.state !== "running" ? `process ${v.process.state}` : (v.error ?? "not answering");
      out.push({ severity: "warning", kind: "node-down", group: v.group, node: v.name, message: `${v.name} is down (${why})` });
      continue;
    }
    if (v.memoryPercent > USAGE_WARN_PERCENT) out.push({ severity: "warning", kind: "memory-high", group: v.group, node: v.name, message: `${v.name} memory at ${v.memoryPercent}%` });
    if (v.storePercent > USAGE_WARN_PERCENT) out.push({ severity: "warning", kind: "store-high", group: v.group, node: v.name, message: `${v.name} store at ${v.storePercent}%` });
  }
  const linked = new Set(links.map((l) => l.to));
  for (const l of links) {
    if (l.lagBytes > LAG_WARN_BYTES) {
      out.push({ severity: "warning", kind: "slave-lagging", group: l.group, node: l.to, message: `${l.to} is ${l.lagBytes} bytes behind ${l.from}${l.lagSeconds === null ? "" : ` (${l.lagSeconds} s)`}` });
    }
  }
  for (const v of views) {
    const g = facts.groups.find((x) => x.name === v.group);
    if (v.role === "slave" && g?.master && !linked.has(v.name)) {
      out.push({ severity: "warning", kind: "slave-disconnected", group: v.group, node: v.name, message: `${v.name} is a slave but not replicating from ${g.master}` });
    }
  }
  return out.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "critical" ? -1 : 1));
}

export interface NodeQuery {
  offset: number;
  limit: number;
  sort: "name" | "group" | "role" | "connections" | "depth" | "memoryPercent" | "storePercent" | "inPerSec" | "outPerSec" | "uptimeMs";
  order: "asc" | "desc";
  filter?: string;
  role?: NodeRole;
  group?: string;
}

/** Server-side paging for the Nodes table: filter (name, group, role text), then sort, then slice. */
export function pageNodes(views: NodeView[], q: NodeQuery): { total: number; items: NodeView[] } {
  const text = q.filter?.trim().toLowerCase();
  const rows = views.filter(
    (v) =>
      (!q.role || v.role === q.role) &&
      (!q.group || v.group === q.group) &&
      (!text || `${v.name} ${v.group} ${v.role}`.toLowerCase().includes(text)),
  );
  const key = (v: NodeView): string | number => v[q.sort] ?? -1;
  const dir = q.order === "desc" ? -1 : 1;
  rows.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const c = ka < kb ? -1 : ka > kb ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    return c * dir;
  });
  return { total: rows.length, items: rows.slice(q.offset, q.offset + q.limit) };
}

export interface TimelineEntry {
  at: number;
  kind: string;
  node: string | null;
  message: string;
  source: "monitor" | "event-log";
}

/**
 * One election timeline from the monitor's in-memory history (this console run) and the event
 * log (across restarts). The same election appears in both, within the same second: the event
 * log row wins since it survives restarts, and the monitor copy is dropped.
 */
export function electionTimeline(
  history: Array<{ at: number; master: string | null; reason: string }>,
  events: Array<{ time: Date; kind: string; node: string | null; message: string }>,
  limit = 100,
): TimelineEntry[] {
  const fromLog: TimelineEntry[] = events.map((e) => ({ at: e.time.getTime(), kind: e.kind, node: e.node, message: e.message, source: "event-log" }));
  const fromMonitor: TimelineEntry[] = history
    .map((h): TimelineEntry => ({
      at: h.at,
      kind: h.master ? "election" : "master-lost",
      node: h.master,
      message: h.master ? `${h.master} master (${h.reason})` : h.reason,
      source: "monitor",
    }))
    .filter((m) => !fromLog.some((l) => Math.abs(l.at - m.at) < 1000 && (l.kind === m.kind || (m.kind === "master-lost" && l.kind === "quorum-lost"))));
  return [...fromLog, ...fromMonitor].sort((a, b) => b.at - a.at).slice(0, limit);
}
