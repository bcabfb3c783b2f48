import type { EventRepository } from "../../db/eventRepository";
import { AppError } from "../AppError";
import type { ClusterStatus, ConsoleRuntime } from "../ConsoleRuntime";
import type { HistoryScope, MetricHistory, MetricHistoryService } from "../metrics/MetricHistoryService";
import type { ZkExplorer } from "../zk/ZkExplorer";
import { attachedCluster, requireNode } from "./attachedCluster";
import type { ClusterRuntime } from "./ClusterRuntime";
import { readInfo } from "./clusterFacts";
import { clusterProblems, electionTimeline, groupSummaries, nodeViews, pageNodes, replicationLinks, type NodeQuery } from "./clusterViews";
import type { GroupSummary, NodeView } from "./clusterViews.schema";
import { collectFacts } from "./collectFacts";
import { readNodeLogs, type NodeLogsAnswer } from "./logs/readNodeLogs";
import type { NodeLogQuery } from "./logs/queryNodeLog";

/** Destinations shown on the node page (its first page, deepest first). */
const DESTINATIONS_SHOWN = 20;
/** Event-log kinds that belong on a group's election timeline. */
const TIMELINE_KINDS = ["election", "master-lost", "quorum-lost"];

export interface ClusterServiceOptions {
  runtime: ConsoleRuntime;
  /** The event log, for the elections of earlier console runs. */
  events: Pick<EventRepository, "search">;
  metricHistory: Pick<MetricHistoryService, "read">;
  zk: Pick<ZkExplorer, "configured">;
}

/** GET /cluster: the attached cluster, or `attached: false` while the console runs detached. */
export type ClusterStatusView =
  | { attached: false; zkConfigured: boolean }
  | ({ attached: true; zkConfigured: boolean; runtime: string } & ClusterStatus);

/**
 * What the console's cluster pages show — the overview, topology, one group, the nodes, one node,
 * metric history and node logs — read from the live cluster (group states from the coordinator,
 * each node's own admin answer, the supervisor's processes) and shaped by the pure views in
 * clusterViews.ts. Operator actions on nodes are NodeActions.
 */
export class ClusterService {
  constructor(private readonly o: ClusterServiceOptions) {}

  /** The live cluster, or UNAVAILABLE while detached (for services and routers that act on it). */
  attached(): ClusterRuntime {
    return attachedCluster(this.o.runtime);
  }

  /** The named node's spec, or NOT_FOUND; UNAVAILABLE while detached. */
  requireNode(name: string): ReturnType<ClusterRuntime["node"]> {
    return requireNode(this.attached(), name);
  }

  async status(): Promise<ClusterStatusView> {
    const zkConfigured = this.o.zk.configured;
    const s = await this.o.runtime.clusterStatus();
    if (s === null) return { attached: false, zkConfigured };
    return { attached: true, zkConfigured, runtime: this.o.runtime.name, name: s.name, groups: s.groups };
  }

  /** Health at a glance: groups and masters, nodes up/down, traffic, depth, open problems. */
  async overview() {
    const facts = await this.facts();
    const views = nodeViews(facts);
    const up = views.filter((v) => v.up).length;
    const groups = groupSummaries(facts);
    return {
      name: facts.name,
      at: facts.at,
      groups,
      nodes: { total: views.length, up, down: views.length - up },
      rates: { inPerSec: views.reduce((s, v) => s + v.inPerSec, 0), outPerSec: views.reduce((s, v) => s + v.outPerSec, 0) },
      depth: groups.reduce((s, g) => s + (g.depth ?? 0), 0),
      depthUnavailable: groups.filter((g) => g.depth === null).map((g) => g.name),
      connections: views.reduce((s, v) => s + v.connections, 0),
      problems: clusterProblems(facts, views, replicationLinks(facts)),
    };
  }

  /** Groups → nodes with roles, and master → slave replication links with their lag. */
  async topology() {
    const facts = await this.facts();
    const views = nodeViews(facts);
    const links = replicationLinks(facts);
    return {
      at: facts.at,
      groups: facts.groups.map((g) => ({
        name: g.name,
        zkPath: g.zkPath,
        master: g.master,
        quorum: g.quorum,
        replicas: g.replicas,
        members: g.members.length,
        sync: g.sync,
        nodes: views.filter((v) => v.group === g.name),
        links: links.filter((l) => l.group === g.name),
      })),
    };
  }

  /** One group: its master, election timeline, each slave's replicated position and lag, member znodes. */
  async group(name: string) {
    const g = this.attached().monitor.group(name);
    if (!g) throw new AppError("NOT_FOUND", `no group named ${name}`, "NO_GROUP");
    const facts = await this.facts();
    const masterFacts = facts.nodes.find((n) => n.name === g.master);
    const masterInfo = masterFacts?.info ? readInfo(masterFacts.info) : null;
    const events = await this.o.events.search({ kinds: TIMELINE_KINDS, group: g.name, offset: 0, limit: 100 });
    return {
      name: g.name,
      zkPath: g.zkPath,
      master: g.master,
      quorum: g.quorum,
      replicas: g.replicas,
      sync: masterInfo?.ha?.sync ?? g.sync,
      nodes: g.nodes,
      electorEid: g.electorEid,
      electedEid: g.electedEid,
      masterPosition: masterInfo?.ha?.position ?? null,
      writeBytesPerSec: masterFacts?.writeRate ?? 0,
      members: g.members.map((m) => ({
        eid: m.eid, znode: m.znode, session: m.session, container: m.container, address: m.address,
        position: m.position, weight: m.weight, elected: m.elected, ctime: m.ctime,
      })),
      slaves: replicationLinks(facts).filter((l) => l.group === g.name),
      timeline: electionTimeline(g.history, events.items),
    };
  }

  /** Every group's summary (master, slaves, quorum, depth), in the monitor's order. */
  async groups(): Promise<GroupSummary[]> {
    return groupSummaries(await this.facts());
  }

  /** Every node's view, in the cluster file's order. */
  async nodes(): Promise<NodeView[]> {
    return nodeViews(await this.facts());
  }

  /** The Nodes table's page: filtered, sorted and sliced on the server. */
  async nodesTable(q: NodeQuery): Promise<{ total: number; items: NodeView[] }> {
    return pageNodes(await this.nodes(), q);
  }

  /** One node's health: role, memory, store, connections, uptime, close reasons, destinations, process. */
  async node(name: string) {
    this.requireNode(name);
    const facts = await this.facts();
    const view = nodeViews(facts).find((v) => v.name === name)!;
    const f = facts.nodes.find((n) => n.name === name)!;
    const info = f.info ? readInfo(f.info) : null;
    return {
      node: view,
      embedded: facts.embedded,
      memory: info?.memory ?? null,
      store: info?.store ?? null,
      messages: info ? { depth: info.depth, inflight: info.inflight, enqueued: info.enqueued, dequeued: info.dequeued } : null,
      closedConnections: Object.entries(info?.closedConnections ?? {})
        .map(([reason, count]) => ({ reason, count }))
        .sort((a, b) => b.count - a.count),
      ha: info?.ha ? { eid: info.ha.eid, zkSession: info.ha.zkSession, position: info.ha.position, following: info.ha.following, term: info.ha.term } : null,
      destinations: {
        total: f.destinationsTotal,
        items: f.destinations.slice(0, DESTINATIONS_SHOWN).map((d) => ({
          name: d.name, kind: d.kind, depth: d.depth, consumers: d.consumers, producers: d.producers, enqueued: d.enqueued, dequeued: d.dequeued, inflight: d.inflight,
        })),
      },
    };
  }

  /**
   * Node metrics over time for the overview and node charts: in/out rates, depth, connections,
   * memory, store, process memory and replication lag, from the console's recorded samples. One
   * node's series, or (without `node`) the cluster's totals and per-node memory, store and lag.
   */
  async history(q: { node?: string; rangeMs: number; to?: number }): Promise<MetricHistory> {
    const cluster = this.attached();
    if (q.node !== undefined) requireNode(cluster, q.node);
    const now = Date.now();
    const to = Math.min(q.to ?? now, now);
    const scope: HistoryScope = q.node !== undefined ? { kind: "node", node: q.node } : { kind: "cluster", nodes: cluster.nodes.map((n) => n.name) };
    return this.o.metricHistory.read(scope, { from: to - q.rangeMs, to }, now);
  }

  /** The tail of a node's stdout/stderr (embedded mode), filtered by level and text. */
  nodeLogs(name: string, q: NodeLogQuery): NodeLogsAnswer {
    return readNodeLogs(this.attached(), name, q);
  }

  private facts() {
    return collectFacts(this.attached(), this.o.runtime.name);
  }
}
