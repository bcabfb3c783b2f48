import type { Logger } from "pino";
import type { ClusterStatus, ConsoleRuntime, ConsoleRuntimeContext } from "../ConsoleRuntime";
import type { ClusterEvent } from "./ClusterMonitor";
import { ClusterRuntime, type ClusterRuntimeOptions } from "./ClusterRuntime";
import { DrainManager } from "./drain/DrainManager";
import { MetricsRecorder } from "./MetricsRecorder";

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
    this.metrics = new MetricsRecorder(ctx.prisma, ctx.logger);
    this.metrics.start();
    this.drains = new DrainManager({ cluster, live: ctx.live, logger: ctx.logger.child({ component: "drain" }) });
    cluster.on("event", (e) => void this.recordEvent(e, ctx.logger));
    cluster.on("group", () => ctx.live.publish({ type: "invalidate", path: ["cluster"] }));
    cluster.on("process", (p) => {
      ctx.live.publish({ type: "invalidate", path: ["cluster"] });
      if (p.state === "crashed") {
        void this.recordEvent(
          { kind: "node-process", group: p.group, node: p.name, message: `${p.name} process exited (${p.signal ?? `code ${p.exitCode}`})`, at: Date.now(), data: { signal: p.signal, exitCode: p.exitCode } },
          ctx.logger,
        );
      }
    });
    cluster.on("node", (s) => {
      this.metrics?.record(s);
      ctx.live.publish({ type: "invalidate", path: ["cluster"] });
    });
  }

  /** Browsers connected → fast polling; none → slow (the console idles cheaply). */
  setWatched(watched: boolean): void {
    this.cluster?.setWatched(watched);
  }

  private async recordEvent(e: ClusterEvent, logger: Logger): Promise<void> {
    try {
      await this.ctx?.events.record({ kind: e.kind, group: e.group, node: e.node, message: e.message, data: (e.data ?? {}) as never, time: new Date(e.at) });
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

  async clusterStatus(): Promise<ClusterStatus> {
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
