import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Logger } from "pino";
import { stringify } from "yaml";
import { parseClusterConfig } from "../../config/loadClusterFile";
import { resolveNodeConfig } from "../../config/resolveNodeConfig";
import { CoordinatorServer } from "../../runtime/coordinator/CoordinatorServer";
import { CoordinationClient } from "../../runtime/zk/CoordinationClient";
import { ClusterMonitor, type ClusterEvent, type GroupSpec, type GroupState } from "./ClusterMonitor";
import { NodePoller, type NodeSnapshot } from "./NodePoller";
import { NodeSupervisor, type NodeSupervisorOptions, type SupervisedNode, type UnexpectedExit } from "./NodeSupervisor";
import { discoverGroups } from "./discoverGroups";
import type { NodeInfo } from "../../runtime/admin/adminResponses";
import { AdminCallError } from "../admin/AdminCallError";
import { AdminClient } from "../admin/AdminClient";
import { seedTopology } from "./seedTopology";

export interface ClusterRuntimeOptions {
  /** "embedded": start the coordinator and seed 000's six nodes; "attach": watch a running cluster. */
  mode: "embedded" | "attach";
  dataDir: string;
  host?: string;
  /** embedded: the coordinator's client port (default 2181); attach: the connect string. */
  coordinatorPort?: number;
  zkAddress?: string;
  /** attach: the cluster file describing the cluster (groups, nodes, admin ports). */
  clusterFile?: string;
  adminToken?: string;
  /** Embedded mode: added to every seed port (see seedTopology). */
  portOffset?: number;
  /** Embedded mode: restart back-off and log bounds of the node supervisor (defaults: systemd-like). */
  supervisor?: NodeSupervisorOptions;
  logger: Logger;
}

export interface ClusterRuntimeEvents {
  event: [ClusterEvent];
  group: [GroupState];
  node: [NodeSnapshot];
  process: [SupervisedNode];
}

export interface NodeInfoAnswer {
  at: number;
  /** GET /api/v1/node as the node answered it; null when it did not answer. */
  info: NodeInfo | null;
  error: string | null;
}

/** A process exit this recent explains a lost session (a session ends within its timeout, 10 s). */
const PROCESS_CAUSE_WINDOW_MS = 30_000;

interface NodeSpec {
  name: string;
  group: string;
  adminUrl: string;
  stomp: string[];
}

/**
 * The cluster as the console sees and drives it: the embedded coordinator and node processes
 * (embedded mode), a coordination session watching every group's election znodes, and one poller
 * per node talking to that node's admin API directly. Composed by the console's main; stopped in
 * reverse order.
 */
export class ClusterRuntime extends EventEmitter<ClusterRuntimeEvents> {
  coordinator: CoordinatorServer | null = null;
  supervisor: NodeSupervisor | null = null;
  zk!: CoordinationClient;
  monitor!: ClusterMonitor;
  readonly pollers = new Map<string, NodePoller>();
  nodes: NodeSpec[] = [];
  groups: GroupSpec[] = [];
  zkAddress = "";
  adminToken = "";
  /** The one client of the nodes' admin APIs (typed, validated); exists once the nodes are known. */
  admin!: AdminClient;
  readonly startedAt = Date.now();
  /** Direct GET /api/v1/node answers for nodes whose poller snapshot is down (see nodeInfo). */
  private readonly infoCache = new Map<string, { at: number; pending: Promise<NodeInfoAnswer> | null; answer: NodeInfoAnswer | null }>();
  /** Journal bytes appended per second per node, from successive poller snapshots (ha.position). */
  private readonly writeRates = new Map<string, { at: number; position: number; bytesPerSec: number }>();

  private constructor(private readonly o: ClusterRuntimeOptions) {
    super();
  }

  static async start(o: ClusterRuntimeOptions): Promise<ClusterRuntime> {
    const rt = new ClusterRuntime(o);
    await rt.init();
    return rt;
  }

  private async init(): Promise<void> {
    const o = this.o;
    const log = o.logger;
    const host = o.host ?? "127.0.0.1";
    await mkdir(o.dataDir, { recursive: true, mode: 0o700 });
    let clusterFile: string;
    let doc: unknown;
    if (o.mode === "embedded") {
      const secrets = await this.secrets();
      this.adminToken = secrets.adminToken;
      this.coordinator = await CoordinatorServer.start({
        host,
        port: o.coordinatorPort ?? 2181,
        dataDir: join(o.dataDir, "coordinator"),
        tickTime: 500,
        logger: log.child({ component: "coordinator" }),
      });
      const addr = this.coordinator.address();
      this.zkAddress = `${addr.host}:${addr.port}`;
      doc = seedTopology({
        dataDirectory: resolve(o.dataDir, "nodes"),
        zkAddress: this.zkAddress,
        host,
        portOffset: o.portOffset,
        adminToken: secrets.adminToken,
        securityToken: secrets.securityToken,
      });
      clusterFile = join(o.dataDir, "cluster.yaml");
      await writeFile(clusterFile, `# Written by the console for its embedded cluster (seed 000's topology).\n${stringify(doc)}`, { mode: 0o600 });
    } else if (!o.clusterFile) {
      await this.attachByDiscovery();
      return;
    } else {
      clusterFile = o.clusterFile;
      const { parse } = await import("yaml");
      doc = parse(await readFile(clusterFile, "utf8"));
      this.adminToken = o.adminToken ?? "";
    }
    const cluster = parseClusterConfig(doc, clusterFile) as ReturnType<typeof parseClusterConfig> & {
      adminToken?: string;
    };
    if (!this.adminToken && cluster.adminToken) this.adminToken = cluster.adminToken;
    if (o.mode === "attach") this.zkAddress = o.zkAddress ?? cluster.zkAddress ?? "";
    if (!this.zkAddress) throw new Error("no coordinator address: pass --zk or set zkAddress in the cluster file");
    this.groups = cluster.groups.map((g) => ({
      name: g.name,
      zkPath: g.zkPath ?? `/tandem/${cluster.brokerName}/groups/${g.name}`,
      replicas: g.replicas,
      sync: g.brokerRole ? `${g.brokerRole}/${g.flushDiskType ?? "ASYNC_FLUSH"}` : g.sync,
      nodes: g.nodes.map((n) => n.name),
    }));
    this.nodes = cluster.groups.flatMap((g) =>
      g.nodes.map((n) => {
        const admin = (n as { admin?: { host?: string; port?: number } }).admin;
        return {
          name: n.name,
          group: g.name,
          adminUrl: `http://${admin?.host ?? "127.0.0.1"}:${admin?.port ?? 8162}`,
          stomp: n.transportConnectors.map((t) => `${t.uri.scheme}://${t.uri.host}:${t.uri.port}`),
        };
      }),
    );
    if (o.mode === "embedded") {
      const nodeDirs = this.nodes.map((n) => ({ ...n, dataDir: resolveNodeConfig(cluster, n.name).dataDir }));
      this.supervisor = new NodeSupervisor(clusterFile, nodeDirs, log.child({ component: "supervisor" }), o.supervisor);
      this.supervisor.on("node", (n) => this.emit("process", n));
      this.supervisor.on("exit", (x) => this.emit("event", exitEvent(x)));
      this.supervisor.on("restarted", (n) =>
        this.emit("event", {
          kind: "node-restart", group: n.group, node: n.name, at: Date.now(),
          message: `${n.name} restarted by the supervisor (restart #${n.restarts}, after ${n.failures} failure${n.failures === 1 ? "" : "s"} in a row)`,
          data: { restarts: n.restarts, failures: n.failures, pid: n.pid },
        }),
      );
      this.supervisor.startAll();
    }
    this.zk = await CoordinationClient.connect({ connectString: this.zkAddress, sessionTimeoutMs: 10_000, logger: log.child({ component: "console-zk" }) });
    await this.startWatching();
  }

  /** Group monitor on the election znodes and one admin-API poller per node. */
  private async startWatching(): Promise<void> {
    const log = this.o.logger;
    this.admin = new AdminClient({ token: this.adminToken, urlOf: (name) => this.node(name).adminUrl, onMutated: (name) => this.pollers.get(name)?.refresh() });
    this.monitor = new ClusterMonitor(this.zk, this.groups, log.child({ component: "monitor" }));
    this.monitor.on("event", (e) => {
      this.pollNow(e);
      this.emit("event", this.withProcessCause(e));
    });
    this.monitor.on("group", (g) => this.emit("group", g));
    await this.monitor.start();
    for (const n of this.nodes) {
      const p = new NodePoller({ name: n.name, group: n.group }, { admin: this.admin, fastMs: 1000, slowMs: 10_000, logger: log });
      p.on("snapshot", (s) => {
        this.trackWriteRate(s);
        this.emit("node", s);
      });
      p.on("down", (name, error) => this.emit("event", this.withProcessCause({ kind: "node-down", group: n.group, node: name, message: `${name} is not answering: ${error}`, at: Date.now(), cause: `its admin API does not answer: ${error}` })));
      p.on("up", (name) => this.emit("event", { kind: "node-up", group: n.group, node: name, message: `${name} is answering again`, at: Date.now() }));
      p.start();
      this.pollers.set(n.name, p);
    }
  }

  /**
   * `tandem console --zk host:2181` with no cluster file: the groups and their nodes (with the
   * admin URLs they publish) are read from the coordinator. Only nodes registered at start-up are
   * polled; groups keep being watched, so elections and members joining still show.
   */
  private async attachByDiscovery(): Promise<void> {
    const o = this.o;
    const log = o.logger;
    this.zkAddress = o.zkAddress ?? "";
    if (!this.zkAddress) throw new Error("no coordinator address: pass --zk");
    this.adminToken = o.adminToken ?? "";
    this.zk = await CoordinationClient.connect({ connectString: this.zkAddress, sessionTimeoutMs: 10_000, logger: log.child({ component: "console-zk" }) });
    const found = await discoverGroups(this.zk);
    log.info({ groups: found.map((g) => `${g.name}@${g.zkPath}`) }, "groups discovered from the coordinator");
    this.groups = found.map((g) => ({ name: g.name, zkPath: g.zkPath, replicas: Math.max(g.nodes.length, 1), sync: "unknown", nodes: g.nodes.map((n) => n.name) }));
    this.nodes = found.flatMap((g) => g.nodes.map((n) => ({ name: n.name, group: g.name, adminUrl: n.admin ?? "http://127.0.0.1:8162", stomp: n.clients })));
    await this.startWatching();
  }

  /** Tokens the embedded cluster's nodes share; kept across console restarts, readable by the owner only. */
  private async secrets(): Promise<{ adminToken: string; securityToken: string }> {
    const file = join(this.o.dataDir, "secrets.json");
    try {
      const s = JSON.parse(await readFile(file, "utf8")) as { adminToken: string; securityToken: string };
      if (s.adminToken && s.securityToken) return s;
    } catch {
      /* first start */
    }
    const s = { adminToken: randomBytes(24).toString("base64url"), securityToken: randomBytes(24).toString("base64url") };
    await writeFile(file, JSON.stringify(s), { mode: 0o600 });
    return s;
  }

  /**
   * The election znodes say that a master's session ended; the supervisor knows why (an operator
   * stopped or killed it, or it exited on its own with a fatal line): the event's cause says both.
   */
  private withProcessCause(e: ClusterEvent): ClusterEvent {
    if (!["master-lost", "quorum-lost", "member-left", "election", "node-down"].includes(e.kind) || !this.supervisor) return e;
    const subject = e.kind === "election" ? e.data?.previous : e.node;
    if (typeof subject !== "string") return e;
    const p = this.supervisor.list().find((n) => n.name === subject);
    if (!p) return e;
    let why: string | null = null;
    if (p.state === "stopping") why = `an operator is stopping ${subject}`;
    else if (p.lastExit && e.at - p.lastExit.at < PROCESS_CAUSE_WINDOW_MS) {
      const x = p.lastExit;
      why = x.byOperator
        ? `${subject} was ${x.signal === "SIGKILL" ? "killed (SIGKILL)" : "stopped"} by an operator`
        : `${subject}'s process exited on its own (${x.signal ? `killed by ${x.signal}` : `exit code ${x.code}`})${x.fatal ? `: ${x.fatal.slice(0, 200)}` : ""}`;
    }
    return why ? { ...e, cause: e.cause ? `${why}. ${e.cause}` : why } : e;
  }

  /**
   * The coordinator saw a node's session end or start, or a mastership move: its poller asks at
   * once instead of waiting out a long-poll. A stopped (SIGSTOP) node keeps its admin socket
   * open, so only its lost session says it is gone; this keeps its node-down within the session
   * timeout plus one poll timeout.
   */
  private pollNow(e: ClusterEvent): void {
    const previous = e.kind === "election" ? e.data?.previous : undefined;
    for (const name of [e.node, typeof previous === "string" ? previous : undefined]) if (name) this.pollers.get(name)?.refresh();
  }

  /** Polling goes fast while a browser is connected, slow otherwise. */
  setWatched(watched: boolean): void {
    for (const p of this.pollers.values()) p.setWatched(watched);
  }

  node(name: string): NodeSpec {
    const n = this.nodes.find((x) => x.name === name);
    if (!n) throw new Error(`unknown node ${name}`);
    return n;
  }

  /**
   * GET /api/v1/node of one node. The poller's snapshot when it is up; otherwise a direct call,
   * cached for `maxAgeMs`: the poller also lists destinations, which a slave refuses (503), so a
   * healthy slave's snapshot reads "down" — this answers whether the node itself is up.
   * `maxAgeMs` bounds the poller's snapshot too: a drain (maxAgeMs 0) must see a role change the
   * poller has not caught yet (its snapshot is as old as the node's last answer: up to a
   * long-poll's hold on an idle node).
   */
  async nodeInfo(name: string, maxAgeMs = 1500): Promise<NodeInfoAnswer> {
    this.node(name);
    const snap = this.pollers.get(name)?.latest;
    if (snap?.up && snap.info && Date.now() - snap.at < maxAgeMs) return { at: snap.at, info: snap.info, error: null };
    const cached = this.infoCache.get(name);
    if (cached?.answer && Date.now() - cached.answer.at < maxAgeMs) return cached.answer;
    if (cached?.pending) return cached.pending;
    const entry = cached ?? { at: 0, pending: null, answer: null };
    entry.pending = (async (): Promise<NodeInfoAnswer> => {
      const at = Date.now();
      try {
        return { at, info: await this.admin.nodeInfo(name, { timeoutMs: 2000 }), error: null };
      } catch (err) {
        return { at, info: null, error: err instanceof AdminCallError ? err.reason : (err as Error).message };
      }
    })();
    this.infoCache.set(name, entry);
    try {
      entry.answer = await entry.pending;
      return entry.answer;
    } finally {
      entry.pending = null;
    }
  }

  /** Bytes per second the node's journal grew by between its last two snapshots (0 when unknown). */
  writeRate(name: string): number {
    return this.writeRates.get(name)?.bytesPerSec ?? 0;
  }

  private trackWriteRate(s: NodeSnapshot): void {
    const position = s.info?.ha?.position;
    if (!s.up || position === undefined) {
      this.writeRates.delete(s.node);
      return;
    }
    const prev = this.writeRates.get(s.node);
    const bytesPerSec = prev && s.at > prev.at && position >= prev.position ? ((position - prev.position) * 1000) / (s.at - prev.at) : 0;
    this.writeRates.set(s.node, { at: s.at, position, bytesPerSec });
  }

  /** The node currently master of a group, from the election znodes. */
  masterOf(group: string): string | null {
    return this.monitor.group(group)?.master ?? null;
  }

  async stop(): Promise<void> {
    for (const p of this.pollers.values()) p.stop();
    this.monitor?.stop();
    await this.supervisor?.stopAll();
    await this.zk?.close();
    await this.coordinator?.stop();
  }
}

/**
 * The event-log record of a node process that ended on its own: why (the fatal line first), its
 * last lines, and what the supervisor does next.
 */
function exitEvent(x: UnexpectedExit): ClusterEvent {
  const { node: n, exit, restartInMs } = x;
  const how = exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
  const plan = restartInMs === null ? "not restarted (clean exit)" : `restart #${n.restarts + 1} in ${Math.ceil(restartInMs / 1000)} s`;
  return {
    kind: "node-process",
    group: n.group,
    node: n.name,
    at: exit.at,
    message: `${n.name} exited on its own (${how})${exit.fatal ? `: ${exit.fatal.slice(0, 300)}` : ""} — ${plan}`,
    data: {
      exitCode: exit.code,
      signal: exit.signal,
      fatal: exit.fatal,
      // The fatal line first, then the last lines in the order they were written.
      lastLines: exit.fatal ? [exit.fatal, ...exit.lines] : exit.lines,
      restarts: n.restarts,
      failures: n.failures,
      nextRestartAt: n.nextRestartAt,
      logFile: n.logFile,
    },
  };
}
