import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import type { NodeConfig } from "../config/resolveNodeConfig";
import { Broker } from "./broker/Broker";
import { GroupMember, type GroupRole } from "./ha/GroupMember";
import { ReplicationGate, type ReplicationPolicy } from "./ha/ReplicationGate";
import { ReplicationTrace } from "./ha/ReplicationTrace";
import { ReplicationMaster } from "./ha/ReplicationMaster";
import { ReplicationSlave } from "./ha/ReplicationSlave";
import { MEM_MASTER_WRITE_BEHIND_MS, replicationPolicyFor } from "./ha/replicationPolicyFor";
import { SharedFileLock } from "./ha/SharedFileLock";
import { TermHistory } from "./ha/TermHistory";
import { lastLogTerm, termNumber } from "./ha/termNumber";
import { localDiskGate, localMemGate, type DurabilityGate } from "./store/DurabilityGate";
import { Journal } from "./store/Journal";
import { standaloneDurability } from "./store/standaloneDurability";
import { MessageStore } from "./store/MessageStore";
import { openAccess } from "./stomp/openAccess";
import { StompServer } from "./stomp/StompServer";
import { WebSocketListener } from "./stomp/WebSocketListener";
import { AdminServer } from "./admin/AdminServer";
import { resolveAdminToken } from "./admin/adminToken";
import { createAccessControl, securityEnabled } from "./security/SecurityAccess";
import { adminListenerSchema } from "../config/securitySchema";
import { DEFAULT_MAXIMUM_CONNECTIONS } from "../config/transportUri";
import { CoordinationClient } from "./zk/CoordinationClient";
import { NetworkBridges } from "./bridge/NetworkBridges";
import { RocketMqNode } from "./rocketmq/RocketMqNode";
import type { HaView } from "./admin/adminResponses";

export interface BrokerNodeOptions {
  config: NodeConfig;
  logger: Logger;
  /** Validate every admin API answer against its schema before sending (tests). */
  checkAdminResponses?: boolean;
}

export type NodeRole = "standalone" | GroupRole;

/**
 * One broker node: the composition root of a `tandem broker` process; it never loads the web
 * stack. Standalone (a group of one): journal → recovery → broker → listeners. In an HA group the
 * journal is opened at once, but the broker and its client listeners exist only while this node
 * is the elected master; as a slave it only replicates the master's journal (brokers.md §b1.5-8:
 * slaves accept no client connections — the port is closed, so every client sees a slave as down).
 */
export class BrokerNode {
  readonly config: NodeConfig;
  private readonly checkAdminResponses: boolean;
  journal!: Journal;
  store!: MessageStore;
  broker: Broker | null = null;
  stomp: StompServer | null = null;
  /** STOMP-over-WebSocket listeners; they live and die with `stomp`. */
  private wsListeners: WebSocketListener[] = [];
  /** The admin HTTP API; it runs in every role (the console polls slaves too). */
  admin: AdminServer | null = null;
  terms!: TermHistory;
  zk: CoordinationClient | null = null;
  group: GroupMember | null = null;
  replicationMaster: ReplicationMaster | null = null;
  replicationSlave: ReplicationSlave | null = null;
  gate: DurabilityGate | null = null;
  /** Consumer advisory + network bridges: they live exactly as long as `broker` serves (masters only). */
  bridges: NetworkBridges | null = null;
  readonly ports = new Map<string, number>();
  private readonly logger: Logger;
  private stopped = false;
  readonly startedAt = Date.now();
  /** Serialises promote/demote/follow so the journal never has two owners. */
  private lane: Promise<void> = Promise.resolve();
  readonly replicationPolicy: ReplicationPolicy;
  /** Fires whenever the role changes (for the admin API / console). */
  onRole: (role: NodeRole) => void = () => {};
  /** RocketMQ NameServer (every role) and broker (master) listeners, when configured. */
  readonly rocketmq: RocketMqNode | null;

  constructor(options: BrokerNodeOptions) {
    this.config = options.config;
    this.logger = options.logger;
    this.checkAdminResponses = options.checkAdminResponses ?? false;
    this.replicationPolicy = replicationPolicyFor(this.config);
    const rmq = this.config.rocketmq;
    this.rocketmq = rmq
      ? new RocketMqNode({ settings: rmq, nodeName: this.config.nodeName, zk: () => this.zk, registryPath: `/tandem/${this.config.brokerName}/rocketmq/brokers`, logger: this.logger })
      : null;
  }

  get role(): NodeRole {
    if (this.sharedLock) return this.sharedLock.held ? "master" : this.stopped ? "stopped" : "slave";
    return this.group ? this.group.role : "standalone";
  }

  get journalDir(): string {
    return this.config.sharedDirectory ? join(this.config.sharedDirectory, "journal") : join(this.config.dataDir, "journal");
  }

  /** Shared-storage group: the OS lock that makes this node master. */
  sharedLock: SharedFileLock | null = null;

  async start(): Promise<void> {
    const c = this.config;
    if (c.sharedDirectory) {
      await this.startShared(c.sharedDirectory);
      return;
    }
    await mkdir(this.journalDir, { recursive: true });
    this.terms = await TermHistory.load(join(c.dataDir, "terms.json"));
    this.journal = await this.openJournal();
    // terms.json is synced before a slave's journal: after a crash it can name terms whose TERM
    // record the journal lost. Those terms are not in this log (the election must not count them,
    // and a master's divergence point must not start beyond our end).
    await this.terms.truncate(this.journal.endPosition);
    if (c.groupNodes.length <= 1) {
      // Nobody to replicate to and no coordinator session to keep alive: a durable chunk is
      // written (O_DSYNC) on the event loop itself, as a slave writes. The thread-pool hop and
      // its wake-up back to the loop cost more than the flush on a fast disk (bench, 1 KiB
      // receipts, same run: 1 producer 2,835 → 4,619 msg/s and 256 → 150 µs CPU per message,
      // 4 producers 7,118 → 9,233); frames arriving during a flush wait in the socket and are
      // committed together by the next one, so group commit is kept. A replicated node keeps
      // the pool: a stalled disk there must not starve its coordinator session's pings.
      this.journal.blockingDurableWrites = true;
      await this.serve(this.standaloneGate());
      await this.startAdmin();
      await this.rocketmq?.startNameServer();
      return;
    }
    if (!c.zkAddress) throw new Error(`group ${c.groupName} has ${c.groupNodes.length} nodes: zkAddress is required for election`);
    await this.startAdmin();
    this.zk = await CoordinationClient.connect({
      connectString: c.zkAddress,
      sessionTimeoutMs: c.zkSessionTimeout,
      logger: this.logger,
    });
    if (this.zk.sessionTimeoutMs !== c.zkSessionTimeout) {
      // The server decides (ZooKeeper clamps to [minSessionTimeout, maxSessionTimeout], by default
      // 2 and 20 x tickTime): failure detection takes what it granted, not what was configured.
      this.logger.warn(
        { zkSessionTimeout: c.zkSessionTimeout, granted: this.zk.sessionTimeoutMs, zkAddress: c.zkAddress },
        "the coordinator granted a different session timeout than zkSessionTimeout (see its minSessionTimeout / maxSessionTimeout)",
      );
    }
    this.group = new GroupMember({
      client: this.zk,
      zkPath: c.zkPath,
      brokerName: c.brokerName,
      groupName: c.groupName,
      nodeName: c.nodeName,
      weight: c.weight,
      replicas: c.replicas,
      admin: this.adminUrl,
      logger: this.logger,
      hooks: {
        position: () => this.journal.endPosition,
        term: () => lastLogTerm(this.terms.list(), this.journal.endPosition),
        promote: (termId) => this.inLane(() => this.promote(termId)),
        demote: (reason) => this.inLane(() => this.unserve(reason)),
        follow: (address, master, term) => this.inLane(() => this.follow(address, master, term)),
        unfollow: () => this.inLane(() => this.unfollow()),
      },
    });
    this.group.on("role", (role) => this.onRole(role));
    await this.group.start();
    this.logger.info({ zkPath: c.zkPath, quorum: this.group.quorum, sync: this.replicationPolicy.name }, "joined HA group");
    await this.rocketmq?.startNameServer();
  }

  /** The admin API's address, published in the member znode so an attached console finds every node. */
  get adminUrl(): string | null {
    return this.admin ? `http://${this.config.admin?.host ?? "127.0.0.1"}:${this.admin.port}` : null;
  }

  /** Replication state for the admin API and the console's group page. */
  haView(): HaView | null {
    if (!this.group) return null;
    const end = this.journal?.endPosition ?? 0;
    return {
      role: this.group.role,
      eid: this.group.eid,
      quorum: this.group.quorum,
      replicas: this.config.replicas,
      sync: this.replicationPolicy.name,
      zkPath: this.config.zkPath,
      zkSession: this.zk?.sessionIdHex ?? null,
      zkState: this.zk?.state ?? null,
      position: end,
      durablePosition: this.journal?.durablePosition ?? 0,
      term: this.terms.last() ?? null,
      slaves: this.replicationMaster?.slaves().map((s) => ({ ...s, lagBytes: Math.max(0, end - s.ackedMem) })) ?? [],
      following: this.replicationSlave ? { master: this.replicationSlave.master, records: this.replicationSlave.records } : null,
      election: this.group.lastDecision,
    };
  }

  /**
   * Shared-storage master/slave: wait for the lock (as a slave: no journal opened, no client
   * port), then open the shared journal, recover and serve. Only the lock holder ever touches
   * the journal files, so recovery cannot cut a live master's tail.
   */
  private async startShared(dir: string): Promise<void> {
    const c = this.config;
    await mkdir(join(dir, "journal"), { recursive: true });
    await mkdir(c.dataDir, { recursive: true });
    await this.startAdmin();
    await this.rocketmq?.startNameServer();
    const lock = new SharedFileLock(join(dir, "lock"), c.lockAcquireSleepInterval, this.logger);
    this.sharedLock = lock;
    lock.onLost = () => {
      // Without the lock another node may already be writing: stop at once and exit, so whatever
      // supervises this process restarts it as a slave.
      this.logger.fatal("shared store lock lost: stopping");
      void this.stop().finally(() => process.exit(3));
    };
    this.logger.info({ sharedDirectory: dir, lockAcquireSleepInterval: c.lockAcquireSleepInterval }, "shared-storage group: acquiring the store lock");
    this.onRole("slave");
    await lock.acquire();
    this.logger.info({ attempts: lock.attempts }, "store lock acquired: this node is master");
    this.terms = await TermHistory.load(join(dir, "terms.json"));
    this.journal = await this.openJournal();
    await this.serve(this.standaloneGate());
    this.onRole("master");
  }

  private inLane<T>(task: () => Promise<T>): Promise<T> {
    const run = this.lane.then(task);
    this.lane = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private openJournal(): Promise<Journal> {
    return Journal.open({
      dir: this.journalDir,
      segmentSize: this.config.policy.journalMaxFileLength,
      logger: this.logger,
    });
  }

  /** Rebuilds the broker from the journal and opens the client listeners. */
  private async serve(gate: DurabilityGate): Promise<void> {
    const c = this.config;
    this.gate = gate;
    this.store = new MessageStore(this.journal, gate, this.logger);
    const recovered = await this.store.recover();
    this.logger.info(
      {
        records: recovered.records,
        messages: recovered.messages,
        durableSubs: recovered.durableSubs.length,
        segments: this.journal.recovery.segments,
        truncatedBytes: this.journal.recovery.truncatedBytes,
      },
      "journal recovered",
    );
    const broker = new Broker(c.nodeName, c.policy, this.store, this.logger);
    broker.restore(recovered);
    broker.startMaintenance();
    this.broker = broker;
    const stomp = new StompServer({
      nodeName: c.nodeName,
      broker,
      policy: c.policy,
      access: createAccessControl(
        {
          config: c.security ?? {},
          logger: this.logger,
          // Using a destination that does not exist creates it, which needs `admin` when security is on.
          exists: (key) => broker.queues.has(key) || broker.topics.has(key),
        },
        openAccess,
      ),
      logger: this.logger,
      serving: () => (this.broker === broker ? null : "This node is not the master of its group"),
    });
    this.stomp = stomp;
    broker.onSlowConsumer = (sub) => {
      const conn = stomp.connections.get(sub.sink.connectionId);
      conn?.fail("slow_consumer", `Slow consumer: subscription ${sub.id} fell too far behind its topic`);
    };
    const tlsMaterial = c.sslContext
      ? { key: await readFile(c.sslContext.keyFile), cert: await readFile(c.sslContext.certFile) }
      : undefined;
    for (const t of c.transports) {
      const secure = t.scheme === "stomp+ssl" || t.scheme === "wss";
      if (secure && !tlsMaterial) throw new Error(`transport ${t.name} (${t.scheme}) needs sslContext with keyFile and certFile`);
      const listener = {
        name: t.name,
        host: t.host,
        port: t.port,
        maximumConnections: t.maximumConnections ?? DEFAULT_MAXIMUM_CONNECTIONS,
        maximumConnectionsPerAddress: t.maximumConnectionsPerAddress,
        maxFrameSize: t.maxFrameSize ?? 10 * 1024 * 1024,
        allowedOrigins: t.allowedOrigins ?? [],
        tls: secure ? tlsMaterial : undefined,
      };
      if (t.scheme === "ws" || t.scheme === "wss") {
        const ws = new WebSocketListener(stomp, listener, this.logger);
        this.wsListeners.push(ws);
        this.ports.set(t.name, await ws.listen());
      } else {
        this.ports.set(t.name, await stomp.listen(listener));
      }
    }
    this.startBridges(broker);
    await this.rocketmq?.serve(this.store, broker);
  }

  /** Stops serving clients at once: receipts held by the gate fail, connections close, state is dropped. */
  private async unserve(reason: string): Promise<void> {
    // Bridges end their sessions at once; waiting for them (bounded) must not delay the rest.
    const bridgesStopped = this.stopBridges(reason).catch((err: unknown) => this.logger.warn({ err, reason }, "stopping the network bridges failed"));
    const broker = this.broker;
    this.broker = null;
    if (this.gate instanceof ReplicationGate) this.gate.fail(new Error(`no longer master: ${reason}`));
    await this.rocketmq?.unserve(reason);
    if (this.stomp) {
      this.stomp.closeAll("not_master", reason);
      await this.stomp.stop();
      await this.stopWebSockets();
      this.stomp = null;
    }
    broker?.stop();
    this.store?.setGate(localMemGate());
    if (this.store) this.store.appendListener = null;
    await this.replicationMaster?.stop();
    this.replicationMaster = null;
    this.journal.writeBehindMs = 0;
    this.ports.clear();
    await bridgesStopped;
    if (broker) this.logger.warn({ reason }, "stopped serving clients");
  }

  private async stopWebSockets(): Promise<void> {
    const listeners = this.wsListeners;
    this.wsListeners = [];
    for (const ws of listeners) await ws.stop();
  }

  /** Starts the admin HTTP API once per process (token: config, else <dataDir>/admin.token). */
  private async startAdmin(): Promise<void> {
    const c = this.config;
    const settings = c.admin ?? adminListenerSchema.parse({});
    if (!settings.enabled || this.admin) {
      if (!settings.enabled) this.logger.warn("admin API disabled by configuration");
      return;
    }
    const token = await resolveAdminToken(c.dataDir, settings.token ?? c.security?.adminToken);
    const admin = new AdminServer({
      host: settings.host,
      port: settings.port,
      token,
      logger: this.logger,
      checkResponses: this.checkAdminResponses,
      context: {
        logger: this.logger,
        broker: () => this.broker,
        stomp: () => this.stomp,
        bridges: () => this.bridges,
        rocketmq: () => this.rocketmq?.broker ?? null,
        journal: () => this.journal ?? null,
        node: {
          version: await packageVersion(),
          brokerName: c.brokerName,
          nodeName: c.nodeName,
          groupName: c.groupName,
          role: () => this.role,
          startedAt: this.startedAt,
          ports: this.ports,
          ha: () => this.haView(),
          handover: () => this.handover(),
          security: {
            enabled: securityEnabled(c.security ?? {}),
            users: c.security?.users?.length ?? 0,
            allowAnonymous: c.security?.allowAnonymous ?? false,
          },
        },
      },
    });
    try {
      await admin.listen();
    } catch (err) {
      // A taken admin port must not keep a broker from serving (or an HA member from joining):
      // clients matter more than the console. Loud, so the operator fixes the port.
      this.logger.error({ err, service: "admin", host: settings.host, port: settings.port }, "admin API not started: cannot listen");
      return;
    }
    this.admin = admin;
  }

  private standaloneGate(): DurabilityGate {
    const d = standaloneDurability(this.config);
    if (d.note) this.logger.warn({ sync: this.config.sync }, d.note);
    return d.local === "disk" ? localDiskGate(this.journal) : localMemGate();
  }

  private async promote(termId: string): Promise<{ replicationAddress: string; clients: string[]; admin: string | null }> {
    await this.unfollow();
    const c = this.config;
    const zk = this.zk;
    const trace = ReplicationTrace.fromEnv(this.logger, "master");
    const gate = new ReplicationGate(this.journal, this.replicationPolicy, this.logger, () => {
      if (!zk) return null;
      if (zk.state !== "connected") return `coordinator session ${zk.state}`;
      const silent = Date.now() - zk.lastHeardAt;
      return silent * 2 > zk.sessionTimeoutMs ? `coordinator silent for ${silent} ms` : null;
    }, trace);
    // The term record starts this tenure in the log: a returning node finds its divergence by it.
    const start = this.journal.endPosition;
    try {
      await this.serveAsMaster(gate, termId, start);
    } catch (err) {
      // A half-built master (e.g. its client port is taken) must not linger: undo everything, so
      // the group can retry or elect another member.
      await this.unserve(`promotion failed: ${(err as Error).message}`);
      throw err;
    }
    const bind = new URL(c.bind.replace(/^tcp:/, "http:"));
    const master = new ReplicationMaster({
      host: bind.hostname,
      port: Number(bind.port || 62621),
      nodeName: c.nodeName,
      securityToken: c.securityToken,
      journal: this.journal,
      terms: () => this.terms.list(),
      term: termNumber(termId) || null,
      gate,
      logger: this.logger,
      trace,
    });
    let port: number;
    try {
      port = await master.start();
    } catch (err) {
      await this.unserve(`replication listener failed: ${(err as Error).message}`);
      throw err;
    }
    this.replicationMaster = master;
    this.journal.writeBehindMs = this.replicationPolicy.local === "mem" ? MEM_MASTER_WRITE_BEHIND_MS : 0;
    this.store.appendListener = () => master.notify();
    master.notify();
    const clients = [...this.ports.entries()].map(([name, p]) => {
      const t = c.transports.find((x) => x.name === name);
      return `${t?.scheme ?? "stomp"}://${t?.host ?? c.hostname}:${p}`;
    });
    this.logger.info({ termId, start, clients }, "promoted to master");
    return { replicationAddress: `tcp://${c.hostname}:${port}`, clients, admin: null };
  }

  private async serveAsMaster(gate: ReplicationGate, termId: string, start: number): Promise<void> {
    this.store = new MessageStore(this.journal, gate, this.logger);
    const pos = this.store.appendTerm(termId);
    await this.terms.add({ id: termId, start: pos });
    await this.journal.sync();
    await this.serve(gate);
    void start;
  }

  private async follow(address: string, masterName: string, masterTerm: number | null): Promise<void> {
    await this.unfollow();
    const url = new URL(address.replace(/^tcp:/, "http:"));
    const slave = new ReplicationSlave({
      host: url.hostname,
      port: Number(url.port),
      nodeName: this.config.nodeName,
      securityToken: this.config.securityToken,
      journal: () => this.journal,
      journalDir: this.journalDir,
      trace: ReplicationTrace.fromEnv(this.logger, "slave"),
      wipeJournal: async () => {
        await this.journal.close();
        for (const f of await readdir(this.journalDir)) await rm(join(this.journalDir, f), { force: true });
      },
      reopenJournal: async () => {
        this.journal = await this.openJournal();
        return this.journal;
      },
      terms: this.terms,
      masterTerm,
      logger: this.logger.child({ master: masterName }),
    });
    slave.on("attached", (a) => this.logger.info({ master: masterName, ...a }, "replicating from master"));
    slave.on("closed", (reason, { refused }) => {
      if (this.replicationSlave !== slave) return;
      this.replicationSlave = null;
      this.logger.info({ master: masterName, reason, refused }, "replication link closed");
      this.group?.followerLost(address, refused);
    });
    this.replicationSlave = slave;
    slave.start();
  }

  private async unfollow(): Promise<void> {
    const slave = this.replicationSlave;
    this.replicationSlave = null;
    if (slave) await slave.stop();
  }

  /**
   * Planned handover (the console's drain uses it): stop taking clients, let the slaves catch up
   * to the end of the journal, then leave and rejoin the group so the most up-to-date slave is
   * elected. Nothing acknowledged can be lost: every record is on a slave before this node steps down.
   */
  async handover(timeoutMs = 10_000): Promise<{ caughtUp: boolean; position: number }> {
    if (!this.group || this.group.role !== "master") throw new Error("this node is not the master of its group");
    return this.inLane(async () => {
      // RocketMQ clients stop sending here too: the slaves then catch up to a final end.
      await this.rocketmq?.unserve("handover");
      if (this.stomp) {
        this.stomp.closeAll("not_master", "handover");
        await this.stomp.stop();
        await this.stopWebSockets();
        this.stomp = null;
        this.ports.clear();
      }
      const end = this.journal.endPosition;
      const deadline = Date.now() + timeoutMs;
      let caughtUp = false;
      while (Date.now() < deadline) {
        const slaves = this.replicationMaster?.slaves() ?? [];
        if (slaves.some((s) => s.ackedMem >= end)) {
          caughtUp = true;
          break;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      await this.unserve("handover");
      await this.group!.rejoin();
      this.logger.info({ position: end, caughtUp }, "handed over mastership");
      return { caughtUp, position: end };
    });
  }

  private startBridges(broker: Broker): void {
    const c = this.config;
    this.bridges = new NetworkBridges({ specs: c.bridges ?? [], groupName: c.groupName, nodeName: c.nodeName, broker, zk: this.zk, logger: this.logger });
    this.bridges.start();
  }

  private async stopBridges(reason: string): Promise<void> {
    const bridges = this.bridges;
    this.bridges = null;
    await bridges?.stop(reason);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.admin?.stop();
    await this.group?.stop();
    await this.inLane(async () => {
      await this.unfollow();
      await this.unserve("shutdown");
    });
    await this.rocketmq?.stop();
    await this.zk?.close();
    await this.journal?.close();
    await this.sharedLock?.release();
  }
}

/** The package version, for the admin API (read when the node starts, not at module load). */
async function packageVersion(): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}
