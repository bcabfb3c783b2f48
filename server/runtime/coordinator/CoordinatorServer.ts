// Tandem's embedded coordinator: a ZooKeeper-protocol server (standalone mode).
// Composition root of the coordinator: recovery, the request pipeline
// (PrepStage → SyncStage → FinalStage, after ZooKeeper's request processors), sessions,
// connections and the client port.
//
// Zxids: epoch in the high 32 bits, counter in the low 32. Every start bumps the epoch
// (persisted in dataDir/currentEpoch before the port opens), as a ZooKeeper leader election
// would, so zxids never go backwards across restarts, even after kill -9 (pitfall Z1).
//
// Sessions are durable (createSession/closeSession are logged txns). After a restart every
// recovered session gets a fresh deadline of its timeout: its client may reconnect with the
// same id and password and keep its ephemerals; otherwise it expires and they are deleted.
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { hostname } from "node:os";
import { join } from "node:path";
import type { Logger } from "pino";
import { authenticate } from "./acl";
import { DataTree } from "./DataTree";
import { FinalStage } from "./FinalStage";
import { dirSize, fileDescriptors } from "./processInfo";
import { isWhitelisted, prometheusText, renderFourLetterWord, type ServerSnapshot } from "./fourLetterWords";
import { PrepStage } from "./PrepStage";
import { OpCode, type ConnectRequest, type Id } from "./protocol";
import type { CloseReason, Request } from "./Request";
import { ServerCnxn, type CnxnHost } from "./ServerCnxn";
import { ServerStats } from "./ServerStats";
import { SessionTracker } from "./SessionTracker";
import { SyncStage } from "./SyncStage";
import { purgeOld, recoverState, TxnLog, writeSnapshot } from "./TxnLog";
import { WatchManager } from "./WatchManager";

export interface CoordinatorOptions {
  host?: string;
  port?: number;
  dataDir: string;
  /** ZooKeeper's tickTime (default 2000 ms): the unit of the default maximum session timeout. */
  tickTime?: number;
  /**
   * Shortest session a client is granted (default DEFAULT_MIN_SESSION_TIMEOUT_MS). ZooKeeper's
   * default is 2 x tickTime (4 s at tickTime 2000), which silently doubled Tandem's default
   * zkSessionTimeout of 2 s; a real ZooKeeper needs `minSessionTimeout` in zoo.cfg for the same.
   */
  minSessionTimeout?: number;
  /** Longest session a client is granted (default 20 x tickTime, as ZooKeeper). */
  maxSessionTimeout?: number;
  maxClientCnxns?: number;
  maxBuffer?: number;
  fourLetterWords?: string[];
  /**
   * "user:base64(sha1(user:password))" of a superuser who passes every ACL check, so an operator
   * can always repair a mis-set ACL (ZooKeeper's zookeeper.DigestAuthenticationProvider.superDigest).
   * Unset by default: there is no superuser.
   */
  superDigest?: string;
  /**
   * ZooKeeper's reconfigEnabled. This server is standalone, so it can never reconfigure: off (the
   * default) answers ReconfigDisabled (-123), on answers Unimplemented — both as a standalone ZooKeeper 3.8.
   */
  reconfigEnabled?: boolean;
  /** zookeeper.extendedTypesEnabled: offer TTL nodes (CreateMode *_WITH_TTL, createTTL). Default off, as ZooKeeper. */
  extendedTypesEnabled?: boolean;
  /** Take a snapshot after this many txns (default 10000). */
  snapshotEvery?: number;
  logger: Logger;
}

/** Default minSessionTimeout: grants Tandem's default zkSessionTimeout (2 s) and anything above 1 s. */
export const DEFAULT_MIN_SESSION_TIMEOUT_MS = 1000;
const TWO_32 = 4294967296;
/** Timer lateness (ms) below which the event loop counts as merely busy, not stalled. */
const STALL_TOLERANCE_MS = 100;
/** Znodes encoded per turn of the event loop while a snapshot is written (~5 ms each). */
const SNAPSHOT_SLICE = 2000;

async function writeDurably(path: string, data: Buffer): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, "w");
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

async function readOrCreateSecret(dir: string): Promise<Buffer> {
  const path = join(dir, "session.secret");
  try {
    const b = await readFile(path);
    if (b.length === 32) return b;
  } catch {
    // first start
  }
  const s = randomBytes(32);
  await writeDurably(path, s);
  return s;
}

async function bumpEpoch(dir: string, lastZxid: number): Promise<number> {
  const path = join(dir, "currentEpoch");
  let stored = 0;
  try {
    stored = parseInt((await readFile(path, "utf8")).trim(), 10) || 0;
  } catch {
    // first start
  }
  const epoch = Math.max(stored, Math.floor(lastZxid / TWO_32)) + 1;
  await writeDurably(path, Buffer.from(`${epoch}\n`));
  return epoch;
}

export class CoordinatorServer implements CnxnHost {
  private readonly cnxns = new Set<ServerCnxn>();
  private readonly perAddress = new Map<string, number>();
  private readonly bySession = new Map<bigint, ServerCnxn>();
  private readonly timers: NodeJS.Timeout[] = [];
  private stopping: Promise<void> | null = null;
  private txnsSinceSnapshot = 0;
  private snapshotting: Promise<void> | null = null;
  private readonly stats = new ServerStats();
  private readonly tickTime: number;
  /**
   * Expiry is checked when the earliest session deadline falls due, and at least once per minimum
   * session timeout (a session created or renegotiated meanwhile cannot be due sooner than that),
   * so a session ends at its deadline; a check that finds a deadline already past (its expiry
   * still on its way through the pipeline) looks again after this interval
   * (min(tickTime, minSessionTimeout) / 2). One timer, re-armed per check rather than per ping:
   * an idle ensemble whose clients ping every third of their timeout wakes it about once per
   * session timeout instead of twice per tick (ZooKeeper's ExpiryQueue buckets serve the same end).
   */
  private readonly expiryInterval: number;
  private expiryTimer: NodeJS.Timeout | null = null;
  /** When the armed expiry check was due (its lateness tells a stalled event loop). */
  private expiryDueAt = 0;
  private readonly minTimeout: number;
  private readonly maxTimeout: number;
  private readonly whitelist: string[];
  private server!: Server;
  private prep!: PrepStage;
  private sync!: SyncStage;
  private bound = { host: "", port: 0 };

  private constructor(
    private readonly opts: CoordinatorOptions,
    private readonly committed: DataTree,
    private readonly prepared: DataTree,
    private readonly watches: WatchManager,
    private readonly sessions: SessionTracker,
    private readonly log: TxnLog,
    private readonly logger: Logger,
  ) {
    this.tickTime = opts.tickTime ?? 2000;
    this.minTimeout = opts.minSessionTimeout ?? DEFAULT_MIN_SESSION_TIMEOUT_MS;
    this.maxTimeout = Math.max(this.minTimeout, opts.maxSessionTimeout ?? 20 * this.tickTime);
    this.expiryInterval = Math.max(50, Math.min(this.tickTime, this.minTimeout) / 2);
    this.whitelist = opts.fourLetterWords ?? ["*"];
  }

  static async start(opts: CoordinatorOptions): Promise<CoordinatorServer> {
    const logger = opts.logger;
    if (opts.superDigest !== undefined && !/^[^:]+:[A-Za-z0-9+/]{27}=$/.test(opts.superDigest)) {
      throw new Error("superDigest must be user:base64(sha1(user:password)), e.g. the output of DigestAuthenticationProvider.generateDigest");
    }
    await mkdir(opts.dataDir, { recursive: true });
    const secret = await readOrCreateSecret(opts.dataDir);
    const state = await recoverState(opts.dataDir);
    const build = (): DataTree => {
      const t = state.snapshot ? DataTree.deserialize(state.snapshot) : new DataTree();
      for (const txn of state.txns) t.apply(txn);
      return t;
    };
    const committed = build();
    const prepared = build();
    const epoch = await bumpEpoch(opts.dataDir, committed.lastZxid);
    const log = await TxnLog.open(opts.dataDir, epoch * TWO_32 + 1);
    const now = Date.now();
    const sessions = new SessionTracker(secret, now);
    for (const [id, timeout] of committed.sessions) sessions.add(id, timeout, now);
    logger.info(
      { dataDir: opts.dataDir, snapshotZxid: state.snapshotZxid, replayed: state.txns.length, lastZxid: committed.lastZxid, epoch, sessions: committed.sessions.size },
      "recovered",
    );
    const srv = new CoordinatorServer(opts, committed, prepared, new WatchManager(), sessions, log, logger);
    await srv.listen(epoch);
    return srv;
  }

  private async listen(epoch: number): Promise<void> {
    const final = new FinalStage(this.committed, this.watches, this.opts.reconfigEnabled ?? false, {
      sessionClosed: (id, expired) => this.onSessionClosed(id, expired),
      txnApplied: () => this.onTxnApplied(),
    });
    this.sync = new SyncStage(this.log, final, (err) => {
      this.logger.fatal({ err: err.message }, "transaction log write failed; stopping (nothing more can be acknowledged)");
      void this.stop();
    }, this.stats.fsyncTime);
    this.prep = new PrepStage(this.prepared, epoch, this.sessions, this.sync, Date.now, this.opts.extendedTypesEnabled ?? false);
    this.server = createServer((s) => this.accept(s));
    const host = this.opts.host ?? "127.0.0.1";
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.opts.port ?? 2181, host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    const addr = this.server.address();
    this.bound = { host, port: typeof addr === "object" && addr ? addr.port : 0 };
    this.armExpiry(Date.now());
    this.timers.push(setInterval(() => this.cleanContainers(), Math.max(1000, 5 * this.tickTime)));
    this.logger.info({ service: "coordinator", host, port: this.bound.port }, "listening");
  }

  address(): { host: string; port: number } {
    return { ...this.bound };
  }

  // ------------------------------------------------------------ connections

  private accept(socket: Socket): void {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    const addr = socket.remoteAddress ?? "unknown";
    const limit = this.opts.maxClientCnxns ?? 60;
    const count = this.perAddress.get(addr) ?? 0;
    this.stats.connectionRequests++;
    if (limit > 0 && count >= limit) {
      this.stats.connectionsRejected++;
      this.logger.warn({ remote: addr, limit }, "too many connections from this address; closing (maxClientCnxns)");
      socket.destroy();
      return;
    }
    this.perAddress.set(addr, count + 1);
    const cnxn = new ServerCnxn(socket, this, this.opts.maxBuffer ?? 1048575, this.logger, this.stats);
    this.cnxns.add(cnxn);
  }

  closed(cnxn: ServerCnxn, reason: CloseReason): void {
    if (!this.cnxns.delete(cnxn)) return;
    const addr = cnxn.remoteAddress();
    const n = (this.perAddress.get(addr) ?? 1) - 1;
    if (n <= 0) this.perAddress.delete(addr);
    else this.perAddress.set(addr, n);
    // Watches die with the connection; the session (and its ephemerals) does not (pitfall Z3).
    this.watches.removeWatcher(cnxn);
    if (cnxn.sessionId !== 0n && this.bySession.get(cnxn.sessionId) === cnxn) this.bySession.delete(cnxn.sessionId);
    if (reason !== "clientClosed" && reason !== "fourLetterWord") {
      this.logger.debug({ remote: cnxn.remoteLabel(), sessionId: `0x${BigInt.asUintN(64, BigInt(cnxn.sessionId)).toString(16)}`, reason }, "connection closed");
    }
  }

  lastZxid(): number {
    return this.committed.lastZxid;
  }

  connect(cnxn: ServerCnxn, req: ConnectRequest): void {
    if (req.lastZxidSeen > this.committed.lastZxid) {
      // Section 1.(a)12: the client has seen a newer state than ours; it must try another server.
      this.logger.warn({ remote: cnxn.remoteLabel(), clientZxid: req.lastZxidSeen, ourZxid: this.committed.lastZxid }, "refusing session: client zxid ahead");
      cnxn.close("zxidAhead");
      return;
    }
    const timeout = Math.min(this.maxTimeout, Math.max(this.minTimeout, req.timeOut));
    if (req.sessionId === 0n) {
      const id = this.sessions.newSessionId();
      this.bySession.set(id, cnxn);
      this.submit({
        origin: cnxn, sessionId: id, xid: 0, type: OpCode.createSession,
        body: { op: "createSession", timeout, connect: req }, ids: cnxn.ids,
        receivedAt: Date.now(), txn: null, err: 0, multiErrors: null,
      });
      return;
    }
    const id = req.sessionId;
    const ok = this.sessions.isActive(id) && req.passwd.length === 16 && req.passwd.equals(this.sessions.passwordFor(id));
    if (!ok) {
      cnxn.sessionRejected("sessionExpired");
      return;
    }
    const old = this.bySession.get(id);
    // Section 1.(a)14: the session moved here; the old connection must go.
    if (old && old !== cnxn) old.closeGracefully("sessionMoved");
    this.bySession.set(id, cnxn);
    this.sessions.setTimeout(id, timeout, Date.now());
    cnxn.sessionEstablished(id, timeout);
  }

  touch(sessionId: bigint): void {
    if (sessionId !== 0n) this.sessions.touch(sessionId, Date.now());
  }

  submit(req: Request): void {
    if (this.stopping) return;
    this.prep.submit(req);
  }

  authenticate(scheme: string, auth: Buffer, remoteAddress: string): Id[] | null {
    const ids = authenticate(scheme, auth, { remoteAddress, superDigest: this.opts.superDigest });
    if (!ids) this.stats.authFailures++;
    else if (ids.some((i) => i.scheme === "super")) this.logger.info({ remote: remoteAddress }, "superuser authenticated (superDigest)");
    return ids;
  }

  passwordFor(sessionId: bigint): Buffer {
    return this.sessions.passwordFor(sessionId);
  }

  // ------------------------------------------------------------ sessions, containers, snapshots

  private internalRequest(sessionId: bigint, body: Request["body"], type: number): Request {
    return {
      origin: null, sessionId, xid: 0, type, body, ids: [{ scheme: "super", id: "coordinator" }],
      receivedAt: Date.now(), txn: null, err: 0, multiErrors: null,
    };
  }

  private expireSessions(): void {
    const now = Date.now();
    // A timer that fires late means this process's event loop was stalled (GC, or whatever shares
    // it — the console embeds the coordinator next to Next.js). The pings clients sent meanwhile
    // wait unread in the socket buffers and timers run before sockets are read, so expiring now
    // would blame clients for the server's own deafness: push every deadline back by the stall
    // first. A ZooKeeper server has the same blind spot; its threads just make it rarer.
    this.expiryTimer = null;
    const late = now - this.expiryDueAt;
    if (late > STALL_TOLERANCE_MS) {
      this.sessions.extendAll(late);
      if (late > 500) this.logger.warn({ stalledMs: late }, "event loop stalled: session deadlines extended by the stall");
    } else {
      for (const id of this.sessions.expired(now)) {
        this.logger.info({ sessionId: `0x${BigInt.asUintN(64, id).toString(16)}`, timeout: this.sessions.timeoutOf(id) }, "session expired");
        this.submit(this.internalRequest(id, { op: "expireSession" }, OpCode.closeSession));
      }
    }
    this.armExpiry(now);
  }

  /** Arms the next expiry check: at the earliest deadline, within one minimum session timeout at most. */
  private armExpiry(now: number): void {
    if (this.stopping) return;
    const next = this.sessions.nextDeadline();
    const delay = next === null ? this.minTimeout : next <= now ? this.expiryInterval : Math.min(next - now, this.minTimeout);
    this.expiryDueAt = now + delay;
    this.expiryTimer = setTimeout(() => this.expireSessions(), delay);
  }

  /** ContainerManager: empty containers and expired TTL nodes are deleted by the server itself. */
  private cleanContainers(): void {
    for (const path of [...this.prepared.emptyContainers(), ...this.prepared.expiredTtlNodes(Date.now())]) {
      this.submit(this.internalRequest(0n, { op: "deleteContainer", path }, OpCode.deleteContainer));
    }
  }

  private onSessionClosed(id: bigint, expired: boolean): void {
    this.sessions.remove(id);
    const cnxn = this.bySession.get(id);
    this.bySession.delete(id);
    if (expired && cnxn) cnxn.closeGracefully("sessionExpired");
  }

  private onTxnApplied(): void {
    this.txnsSinceSnapshot++;
    if (this.txnsSinceSnapshot >= (this.opts.snapshotEvery ?? 10000) && !this.snapshotting) void this.snapshot();
  }

  /**
   * Snapshot of the committed tree as of now: captured synchronously so it is consistent, then
   * encoded a slice at a time with the event loop free in between (encoding 100,000 znodes in
   * one go held every client's requests for 0.2–0.45 s: the coordinator bench's p99 tail).
   */
  private snapshot(): Promise<void> {
    if (this.snapshotting) return this.snapshotting;
    this.txnsSinceSnapshot = 0;
    const image = this.committed.capture();
    const zxid = image.lastZxid;
    this.snapshotting = (async () => {
      try {
        const chunks = [image.header()];
        let bytes = chunks[0]!.length;
        for (let from = 0; from < image.size; from += SNAPSHOT_SLICE) {
          if (from > 0) await new Promise<void>((r) => setImmediate(r));
          const chunk = image.encode(from, from + SNAPSHOT_SLICE);
          chunks.push(chunk);
          bytes += chunk.length;
        }
        await writeSnapshot(this.opts.dataDir, zxid, chunks);
        this.sync.requestRoll();
        await purgeOld(this.opts.dataDir, 2, this.sync.activeLogFile());
        this.logger.info({ zxid: `0x${zxid.toString(16)}`, bytes, znodes: image.size }, "snapshot written");
      } catch (e) {
        this.logger.error({ err: String(e) }, "snapshot failed; the log still holds every txn");
      } finally {
        this.snapshotting = null;
      }
    })();
    return this.snapshotting;
  }

  // ------------------------------------------------------------ 4lw

  async fourLetterWord(word: string): Promise<string> {
    if (isWhitelisted(word, this.whitelist)) {
      if (word === "crst") for (const c of this.cnxns) c.resetStats();
      if (word === "srst") this.stats.reset();
    }
    const needsDisk = word === "dirs" && isWhitelisted(word, this.whitelist);
    return renderFourLetterWord(word, await this.statsSnapshot(needsDisk), this.whitelist);
  }

  /** The mntr numbers in Prometheus' text format (ZooKeeper's metric names). */
  async prometheusMetrics(): Promise<string> {
    return prometheusText(await this.statsSnapshot(false));
  }

  private async statsSnapshot(withDirSize: boolean): Promise<ServerSnapshot> {
    const st = this.stats;
    const connections = [...this.cnxns].filter((c) => c.isEstablished()).map((c) => ({
      remote: c.remoteLabel(), queued: 0, received: c.packetsReceived, sent: c.packetsSent,
      sessionId: c.sessionId, lastOp: c.lastOp, established: c.established, timeout: c.timeout,
      lastCxid: c.lastCxid, lastZxid: c.lastZxidSent, lastResponse: c.lastResponseTime,
      lastLatency: c.lastLatency, minLatency: c.latencyCount ? c.minLatency : 0,
      avgLatency: c.latencyCount ? Math.round(c.totalLatency / c.latencyCount) : 0, maxLatency: c.maxLatency,
    }));
    const fds = await fileDescriptors();
    return {
      lastZxid: this.committed.lastZxid,
      uptime: Date.now() - st.startedAt,
      nodeCount: this.committed.nodeCount(),
      watchCount: this.watches.count(),
      watchPaths: this.watches.pathCount(),
      watchers: this.watches.watcherCount(),
      ephemerals: this.committed.ephemeralCount(),
      dataSize: this.committed.approximateDataSize(),
      sessions: this.sessions.size(),
      outstanding: this.sync.outstanding(),
      received: st.packetsReceived,
      sent: st.packetsSent,
      minLatency: st.latency.min,
      avgLatency: st.latency.avg(),
      maxLatency: st.latency.max,
      bytesReceived: st.bytesReceived,
      authFailures: st.authFailures,
      connectionRequests: st.connectionRequests,
      connectionsRejected: st.connectionsRejected,
      fsync: { min: st.fsyncTime.min, avg: st.fsyncTime.avg(), max: st.fsyncTime.max, count: st.fsyncTime.count, sum: st.fsyncTime.sum },
      openFds: fds.open,
      maxFds: fds.max,
      dataDirSize: withDirSize ? await dirSize(this.opts.dataDir) : 0,
      connections,
      env: {
        "host.name": hostname(),
        "java.version": `node-${process.versions.node}`,
        "os.name": process.platform,
        "user.dir": process.cwd(),
      },
      conf: {
        clientPort: this.bound.port,
        dataDir: this.opts.dataDir,
        tickTime: this.tickTime,
        maxClientCnxns: this.opts.maxClientCnxns ?? 60,
        minSessionTimeout: this.minTimeout,
        maxSessionTimeout: this.maxTimeout,
        serverId: 0,
      },
    };
  }

  // ------------------------------------------------------------ stop

  /** Stops accepting, closes every connection, drains the pipeline, snapshots, closes the log. Idempotent. */
  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    this.stopping = (async () => {
      for (const t of this.timers) clearInterval(t);
      if (this.expiryTimer) clearTimeout(this.expiryTimer);
      this.expiryTimer = null;
      const closedServer = new Promise<void>((resolve) => this.server.close(() => resolve()));
      for (const c of [...this.cnxns]) c.close("serverStopping");
      await this.sync.idle();
      if (this.snapshotting) await this.snapshotting;
      if (this.txnsSinceSnapshot > 0) await this.snapshot();
      await this.log.close().catch(() => undefined);
      await closedServer;
      this.logger.info({ service: "coordinator" }, "stopped");
    })();
    return this.stopping;
  }
}
