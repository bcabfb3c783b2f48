import type { Logger } from "pino";
import { eventSeverity } from "../events/eventSeverity";
import type { ClusterStatus, ConsoleRuntime, ConsoleRuntimeContext } from "../ConsoleRuntime";
import type { ClusterEvent } from "./ClusterMonitor";
import { ClusterRuntime, type ClusterRuntimeOptions } from "./ClusterRuntime";
import { DrainManager } from "./drain/DrainManager";
import { createMetricSampleRepository } from "../../db/metricSampleRepository";
import { DestinationChangeReader } from "./DestinationChangeReader";
import { MetricsRecorder } from "./MetricsRecorder";
import { destinationCounters, nodeShownState } from "./nodeShownState";
import type { NodeSnapshot } from "./NodePoller";

/** A slave this far behind its master's journal is reported as falling behind. */
const LAG_BYTES = 4 * 1024 * 1024;

/**
 * Plugs the cluster (embedded or attached) into the console: cluster events go to the event log
 * and to every browser, node snapshots become metric history, and polling speeds up while at
 * least one browser is connected.
 */
export class ClusterConsoleRuntime implements ConsoleRuntime {
  readonly name: string;
  cluster: ClusterRuntime | null = null;
  private metrics: MetricsRecorder | null = null;
  private ctx: ConsoleRuntimeContext | null = null;
  /** Node drains (background jobs with live progress); null until started. */
  drains: DrainManager | null = null;

  constructor(private readonly options: Omit<ClusterRuntimeOptions, "logger">) {
    this.name = options.mode === "embedded" ? "embedded cluster" : `attached to ${options.zkAddress ?? "cluster"}`;
  }

  async start(ctx: ConsoleRuntimeContext): Promise<void> {
    this.ctx = ctx;
    const cluster = await ClusterRuntime.start({ ...this.options, logger: ctx.logger });
    this.cluster = cluster;
    this.metrics = new MetricsRecorder(createMetricSampleRepository(ctx.prisma), ctx.logger, { changes: new DestinationChangeReader(cluster.admin) });
    this.metrics.start();
    this.drains = new DrainManager({ cluster, live: ctx.live, logger: ctx.logger.child({ component: "drain" }) });
    cluster.on("event", (e) => void this.recordEvent(e, ctx.logger));
    cluster.on("group", (g) => ctx.live.publish({ type: "patch", path: ["cluster", "group"], group: g.name, master: g.master }));
    // Exits and restarts reach the event log as cluster events (ClusterRuntime's exitEvent).
    cluster.on("process", (p) => ctx.live.publish({ type: "invalidate", path: ["cluster", "node"], node: p.name, group: p.group }));
    cluster.on("node", (s) => {
      void this.metrics?.record(s); // never rejects
      this.watchLag(s, ctx.logger);
      this.watchBridges(s, ctx.logger);
      // A master's message counters moved: its group's destination pages update live (issue #14).
      // One more push when they stop moving, so the rates shown drop to 0 instead of freezing.
      const counters = destinationCounters(s);
      if (counters !== null) {
        const prev = this.counters.get(s.node);
        const moved = prev !== undefined && prev.counters !== counters;
        this.counters.set(s.node, { counters, moved });
        if (moved || prev?.moved === true) ctx.live.publish({ type: "invalidate", path: ["destinations", "counters"], group: s.group });
      } else this.counters.delete(s.node);
      // Pushed only when what the pages show changed: an idle cluster pushes nothing.
      const shown = nodeShownState(s);
      if (this.shown.get(s.node) === shown) return;
      this.shown.set(s.node, shown);
      ctx.live.publish({ type: "invalidate", path: ["cluster", "node"], node: s.node, group: s.group });
    });
  }

  /** Each serving master's message counters at its last poll (destinationCounters). */
  private readonly counters = new Map<string, { counters: string; moved: boolean }>();

  /** What each node's pages last showed (nodeShownState), to push only changes. */
  private readonly shown = new Map<string, string>();

  /** Slaves currently reported as falling behind, by "master→slave". */
  private readonly lagging = new Set<string>();

  /**
   * "Slave falling behind" events: a slave more than LAG_BYTES behind its master's journal raises
   * one event, and one more when it has caught up again (not one per poll).
   */
  private watchLag(s: NodeSnapshot, logger: Logger): void {
    const now = new Set<string>();
    for (const sl of s.info?.ha?.slaves ?? []) {
      const key = `${s.node}→${sl.node}`;
      if (sl.lagBytes > LAG_BYTES) {
        now.add(key);
        if (!this.lagging.has(key)) {
          this.lagging.add(key);
          void this.recordEvent({ kind: "slave-lagging", group: s.group, node: sl.node, message: `${sl.node} is ${sl.lagBytes} bytes behind master ${s.node}`, at: s.at, data: { master: s.node, lagBytes: sl.lagBytes } }, logger);
        }
      }
    }
    for (const key of [...this.lagging]) {
      if (key.startsWith(`${s.node}→`) && !now.has(key)) {
        this.lagging.delete(key);
        const slave = key.split("→")[1];
        void this.recordEvent({ kind: "slave-caught-up", group: s.group, node: slave, message: `${slave} has caught up with master ${s.node}`, at: s.at }, logger);
      }
    }
  }

  /** Last state of each bridge, by "<node>/<bridge>", from the nodes' /node answers. */
  private readonly bridgeStates = new Map<string, string>();

  /**
   * Bridge up / down / error events from the pollers' snapshots: one per change of state (and
   * of error text), not one per poll. A node that stops being master reports no bridges; its
   * bridges' last states are forgotten silently (the election has its own event).
   */
  private watchBridges(s: NodeSnapshot, logger: Logger): void {
    if (!s.up) return;
    const list = s.info?.bridges ?? [];
    const seen = new Set<string>();
    for (const b of list) {
      const key = `${s.node}/${b.name}`;
      seen.add(key);
      const prev = this.bridgeStates.get(key);
      const now = b.state === "error" ? `error:${b.stateText.replace(/\(retry in \d+ ms\)/, "")}` : b.state;
      if (prev === now) continue;
      this.bridgeStates.set(key, now);
      const to = b.remoteGroup ?? "an external broker";
      const data = { bridge: b.name, remoteGroup: b.remoteGroup, state: b.state, reason: b.stateText };
      if (b.state === "running") void this.recordEvent({ kind: "bridge-up", group: s.group, node: s.node, message: `bridge ${b.name} ${s.group} → ${to} is up: ${b.stateText}`, at: s.at, data }, logger);
      else if (b.state === "error" && !prev?.startsWith("error:")) void this.recordEvent({ kind: "bridge-error", group: s.group, node: s.node, message: `bridge ${b.name} ${s.group} → ${to}: ${b.stateText}`, at: s.at, data }, logger);
      else if (prev === "running") void this.recordEvent({ kind: "bridge-down", group: s.group, node: s.node, message: `bridge ${b.name} ${s.group} → ${to} is down: ${b.stateText}`, at: s.at, data }, logger);
    }
    for (const key of [...this.bridgeStates.keys()]) if (key.startsWith(`${s.node}/`) && !seen.has(key)) this.bridgeStates.delete(key);
  }

  /** Browsers connected → fast polling; none → slow (the console idles cheaply). */
  setWatched(watched: boolean): void {
    this.cluster?.setWatched(watched);
  }

  private async recordEvent(e: ClusterEvent, logger: Logger): Promise<void> {
    try {
      const data = { ...e.data, severity: eventSeverity(e.kind, e.data), ...(e.cause ? { cause: e.cause } : {}) };
      await this.ctx?.events.record({ kind: e.kind, group: e.group, node: e.node, message: e.message, data: data as never, time: new Date(e.at) });
    } catch (err) {
      logger.error({ err }, "could not record cluster event");
    }
    this.ctx?.live.publish({ type: "invalidate", path: ["events"] });
  }

  /** The console database (event search, metric history); null before start. */
  get prisma(): ConsoleRuntimeContext["prisma"] | null {
    return this.ctx?.prisma ?? null;
  }

  zkConnectString(): string | undefined {
    return this.cluster?.zkAddress || undefined;
  }

  async clusterStatus(): Promise<ClusterStatus | null> {
    const c = this.cluster;
    if (!c) return { name: this.name, groups: [] };
    return {
      name: this.name,
      groups: c.monitor.snapshot().map((g) => ({
        name: g.name,
        master: g.master,
        nodes: g.nodes.map((n) => {
          const spec = c.node(n);
          const snap = c.pollers.get(n)?.latest;
          const member = g.members.find((m) => m.container === n);
          const role: "master" | "slave" | "starting" | "down" =
            g.master === n ? "master" : member ? "slave" : snap?.up ? "starting" : "down";
          return { id: n, group: g.name, role, stompAddress: spec.stomp[0], adminAddress: spec.adminUrl };
        }),
      })),
    };
  }

  async stop(): Promise<void> {
    this.metrics?.stop();
    await this.cluster?.stop();
  }
}
