import { EventEmitter } from "node:events";
import type { Socket } from "node:net";
import { createClient, type Client, type Event as LibraryEvent, type Stat } from "node-zookeeper-client";
import type { Logger } from "pino";
import { CoordinationError } from "./CoordinationError";
import { connectionManagerOf, LIBRARY_STATES, setTransactionOpVersion } from "./LibraryInternals";
import { createModeFlag, type CreateMode, type MultiOp, type MultiResult } from "./MultiOp";
import { watchEventTypeFromWire, type WatchEvent, type Watcher } from "./WatchEvent";
import { toZnodeStat, type ZnodeStat } from "./ZnodeStat";
import { sessionIdText } from "./sessionIdText";

/**
 * The one door through which all of Tandem reaches coordination: a ZooKeeper-protocol client that
 * works the same against the embedded coordinator and a real ZooKeeper 3.5+ ensemble.
 *
 * Built on node-zookeeper-client 1.1.3 (pure JavaScript, the most used Node client; the
 * `zookeeper` package wraps the C client and needs a native build). What this layer adds, Curator
 * style, because election code must be able to trust these states:
 * - "suspended" as soon as the connection drops, "lost" once the session is gone: when a server
 *   says it expired, or after close(). Not on a local timer: while no server can be reached we
 *   keep offering the same session id and password, as ZooKeeper's own client does, because only
 *   a server knows whether the session ended. A coordinator that was down (kill -9, restart)
 *   restores its sessions from its log and restarts their expiry clocks, so a session that no
 *   server could hear for longer than its timeout is often still alive; declaring it lost here
 *   would throw away its ephemerals and leave the old ones to linger until they expire.
 *   Safety does not need the local timer: a master stops serving as soon as it is "suspended".
 *   The one local verdict: servers that answer but refuse to resume the session for 10 s (a
 *   coordinator restarted without its data) cannot hold it, so it is lost (see startWatchdog).
 * - After a loss a new session is opened automatically; "reconnected" reports it with
 *   newSession=true so recipes re-create their ephemerals and re-arm their watches.
 * - Operations outstanding on a lost session are rejected with SESSION_EXPIRED (the library
 *   would leave them pending forever) and every outstanding watch fires once with "session_lost".
 * - Idempotent reads are retried after a connection loss within the same session.
 *
 * The ConnectRequest the library sends has no trailing readOnly byte. Servers since 3.4 accept
 * that as an "old client" that must not be given a read-only session, which is what we want: a
 * partitioned minority server must never look like a healthy connection to election code.
 */
export type SessionState = "connected" | "suspended" | "lost";

export interface CoordinationClientOptions {
  /** "host:port,host:port[/chroot]" */
  connectString: string;
  /** Requested session timeout; the server clamps it to its [minSessionTimeout, maxSessionTimeout]. */
  sessionTimeoutMs?: number;
  /** connect() rejects with CONNECT_TIMEOUT when no session is established in this time. */
  connectTimeoutMs?: number;
  logger: Logger;
}

export interface ReconnectedEvent {
  sessionIdHex: string;
  /** true: the previous session was lost and this is a fresh one (ephemerals and watches are gone). */
  newSession: boolean;
}

export interface CoordinationClientEvents {
  state: [SessionState];
  reconnected: [ReconnectedEvent];
}

interface PendingWatch {
  path: string;
  fired: boolean;
  fire(event: WatchEvent): void;
}

/** One ZooKeeper session, backed by one library client. */
interface Session {
  readonly zk: Client;
  readonly ordinal: number;
  idHex: string;
  timeoutMs: number;
  connectedOnce: boolean;
  dead: boolean;
  /** Rejecters of operations issued on this session and not answered yet. */
  readonly inflight: Set<(err: CoordinationError) => void>;
  readonly watches: Set<PendingWatch>;
  /** Warns once when no server has been reachable for a whole session timeout. */
  unreachableTimer: NodeJS.Timeout | undefined;
  watchdog: NodeJS.Timeout | undefined;
  lastReceiveAt: number;
}

const DEFAULT_SESSION_TIMEOUT_MS = 10_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;
/** Delay between rounds over all servers after every one of them refused. */
const SPIN_DELAY_MS = 200;
/** A read is retried at most this often after CONNECTION_LOSS (each loss means one reconnect). */
const MAX_READ_RETRIES = 5;
const POLITE_CLOSE_WAIT_MS = 2_000;
/** Handshakes refused this long (at least) mean no server can resume the session (startWatchdog). */
const REFUSED_GIVE_UP_MS = 10_000;

export class CoordinationClient extends EventEmitter<CoordinationClientEvents> {
  private readonly log: Logger;
  private readonly requestedTimeoutMs: number;
  private session: Session | undefined;
  private sessionCount = 0;
  private current: SessionState = "suspended";
  private closed = false;
  private closing: Promise<void> | undefined;

  private constructor(private readonly opts: CoordinationClientOptions) {
    super();
    this.log = opts.logger.child({ component: "zk-client" });
    this.requestedTimeoutMs = opts.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;
  }

  /** Opens a session; rejects with CONNECT_TIMEOUT if none is established in connectTimeoutMs. */
  static async connect(opts: CoordinationClientOptions): Promise<CoordinationClient> {
    const client = new CoordinationClient(opts);
    const limitMs = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const connected = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), limitMs);
      client.once("reconnected", () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    client.openSession();
    if (!(await connected)) {
      await client.close();
      throw new CoordinationError(
        "CONNECT_TIMEOUT",
        `could not establish a coordination session with ${opts.connectString} within ${limitMs} ms`,
      );
    }
    return client;
  }

  /** Current session id as 16 hex digits (as in `ephemeralOwner`); "" while none is established. */
  get sessionIdHex(): string {
    const s = this.session;
    return s !== undefined && s.connectedOnce && !s.dead ? s.idHex : "";
  }

  /**
   * When the server was last heard from on the current session (ms since epoch; 0 if never).
   * The server cannot have expired the session less than (timeout − round trip) after this, which
   * is what a master's write fence relies on.
   */
  get lastHeardAt(): number {
    return this.session?.lastReceiveAt ?? 0;
  }

  get state(): SessionState {
    return this.current;
  }

  /** Negotiated session timeout of the current session. */
  get sessionTimeoutMs(): number {
    return this.session?.timeoutMs ?? this.requestedTimeoutMs;
  }

  /**
   * Session id and password of the current session, as ZooKeeper#getSessionId/getSessionPasswd:
   * for tools that take over or end a session from another connection (e.g. tests forcing expiry).
   */
  sessionCredentials(): { sessionId: Buffer; password: Buffer } {
    const s = this.liveSession("sessionCredentials", "/");
    return { sessionId: s.zk.getSessionId(), password: s.zk.getSessionPassword() };
  }

  async create(path: string, data: Buffer | null, mode: CreateMode): Promise<string> {
    return this.call<string>("create", path, false, (zk, done) => {
      const cb = (err: unknown, created: string): void => done(err, created);
      if (data) zk.create(path, data, createModeFlag(mode), cb);
      else zk.create(path, createModeFlag(mode), cb);
    });
  }

  /** mkdir -p of persistent nodes; tolerant of concurrent creators and of connection loss. */
  async ensurePath(path: string): Promise<void> {
    if ((await this.exists(path)) !== null) return;
    const parts = path.split("/").filter((p) => p.length > 0);
    let prefix = "";
    for (const part of parts) {
      prefix += `/${part}`;
      // Retrying a create after CONNECTION_LOSS is safe here because NODE_EXISTS counts as success.
      await this.call<string>("create", prefix, true, (zk, done) =>
        zk.create(prefix, createModeFlag("persistent"), (err, created) => done(err, created)),
      ).catch((err: unknown) => {
        if (!(err instanceof CoordinationError && err.code === "NODE_EXISTS")) throw err;
      });
    }
  }

  /** Data and stat of a node, or null when it does not exist (then no watch is set: use exists()). */
  async getData(path: string, watch?: Watcher): Promise<{ data: Buffer | null; stat: ZnodeStat } | null> {
    return this.call<{ data: Buffer | null; stat: ZnodeStat } | null>("getData", path, true, (zk, done, wrap) => {
      const w = wrap(watch);
      const cb = (err: unknown, data: Buffer | undefined, stat: Stat): void => {
        if (isWireCode(err, -101)) return done(null, null);
        done(err, err ? undefined : { data: data ?? null, stat: toZnodeStat(stat) }, true);
      };
      if (w) zk.getData(path, w, cb);
      else zk.getData(path, cb);
    });
  }

  async setData(path: string, data: Buffer, version = -1): Promise<ZnodeStat> {
    return this.call<ZnodeStat>("setData", path, false, (zk, done) =>
      zk.setData(path, data, version, (err, stat) => done(err, err ? undefined : toZnodeStat(stat))),
    );
  }

  /** Stat or null. With a watch: fires on creation when absent, on change/deletion when present. */
  async exists(path: string, watch?: Watcher): Promise<ZnodeStat | null> {
    return this.call<ZnodeStat | null>("exists", path, true, (zk, done, wrap) => {
      const w = wrap(watch);
      const cb = (err: unknown, stat: Stat | null): void =>
        // The library registers the watch for both outcomes, so both count as armed.
        done(err, err ? undefined : stat ? toZnodeStat(stat) : null, true);
      if (w) zk.exists(path, w, cb);
      else zk.exists(path, cb);
    });
  }

  /** Child names (unsorted, as the server returns them) or null when the node does not exist. */
  async getChildren(path: string, watch?: Watcher): Promise<string[] | null> {
    return this.call<string[] | null>("getChildren", path, true, (zk, done, wrap) => {
      const w = wrap(watch);
      const cb = (err: unknown, children: string[]): void => {
        if (isWireCode(err, -101)) return done(null, null);
        done(err, err ? undefined : children, true);
      };
      if (w) zk.getChildren(path, w, cb);
      else zk.getChildren(path, cb);
    });
  }

  /**
   * The ACL of a node and its stat, or null when it does not exist. The library's runtime ACL
   * objects carry `permission` (its typings say `perms`), so both spellings are read.
   */
  async getAcl(path: string): Promise<{ acl: ZnodeAcl[]; stat: ZnodeStat } | null> {
    return this.call<{ acl: ZnodeAcl[]; stat: ZnodeStat } | null>("getACL", path, true, (zk, done) =>
      zk.getACL(path, (err, acls, stat) => {
        if (isWireCode(err, -101)) return done(null, null);
        if (err) return done(err);
        const acl = (acls ?? []).map((a) => {
          const r = a as unknown as { perms?: number; permission?: number; id: { scheme: string; id: string } };
          return { perms: r.permission ?? r.perms ?? 0, scheme: r.id.scheme, id: r.id.id };
        });
        done(null, { acl, stat: toZnodeStat(stat) });
      }),
    );
  }

  /**
   * Child names and the node's own stat in one request (getChildren2), or null when the node does
   * not exist. With a watch: fires when a child is created or deleted, or the node is deleted.
   */
  async getChildrenAndStat(path: string, watch?: Watcher): Promise<{ children: string[]; stat: ZnodeStat } | null> {
    return this.call<{ children: string[]; stat: ZnodeStat } | null>("getChildren", path, true, (zk, done, wrap) => {
      const w = wrap(watch);
      const cb = (err: unknown, children: string[], stat: Stat): void => {
        if (isWireCode(err, -101)) return done(null, null);
        done(err, err ? undefined : { children, stat: toZnodeStat(stat) }, true);
      };
      if (w) zk.getChildren(path, w, cb);
      else zk.getChildren(path, cb);
    });
  }

  async delete(path: string, version = -1): Promise<void> {
    return this.call<void>("delete", path, false, (zk, done) => zk.remove(path, version, (err) => done(err)));
  }

  /** Atomic transaction: all operations apply or none; the error names the failing op (`opIndex`). */
  async multi(ops: MultiOp[]): Promise<MultiResult[]> {
    const where = ops[0]?.path ?? "/";
    return this.call<MultiResult[]>("multi", where, false, (zk, done) => {
      const tx = zk.transaction();
      ops.forEach((op, i) => {
        switch (op.op) {
          case "create":
            if (op.data) tx.create(op.path, op.data, createModeFlag(op.mode));
            else tx.create(op.path, createModeFlag(op.mode));
            break;
          case "setData":
            tx.setData(op.path, op.data);
            setTransactionOpVersion(tx, i, op.version ?? -1);
            break;
          case "delete":
            tx.remove(op.path);
            setTransactionOpVersion(tx, i, op.version ?? -1);
            break;
          case "check":
            tx.check(op.path);
            setTransactionOpVersion(tx, i, op.version);
            break;
        }
      });
      tx.commit((err, results: unknown) => {
        const list = Array.isArray(results) ? (results as Array<{ type: number; err?: number; path?: string; stat?: Stat }>) : [];
        if (err) {
          // The failing op carries the real code; ops before it report OK, after it -2.
          const idx = list.findIndex((r) => r.type === -1 && r.err !== 0 && r.err !== -2);
          if (idx >= 0) {
            return done(CoordinationError.fromLibrary(err, `multi op #${idx} (${ops[idx]?.op})`, ops[idx]?.path, idx));
          }
          return done(err);
        }
        const out: MultiResult[] = [];
        for (const [i, op] of ops.entries()) {
          const r = list[i];
          if (op.op === "create") out.push({ op: "create", path: r?.path ?? op.path });
          else if (op.op === "setData" && r?.stat) out.push({ op: "setData", stat: toZnodeStat(r.stat) });
          else if (op.op === "setData") return done(new Error(`multi op #${i}: setData result without stat`));
          else out.push({ op: op.op });
        }
        done(null, out);
      });
    });
  }

  /** Idempotent. Ends the session (the server deletes its ephemerals at once) and stops reconnecting. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closed = true;
    const s = this.session;
    this.closing = (async (): Promise<void> => {
      if (s !== undefined && !s.dead) {
        this.killSession(s, new CoordinationError("CLOSED", "coordination client closed"), false);
        await this.shutdownLibraryClient(s, true);
      }
      this.setState("lost");
      this.log.info({ session: sessionIdText(s?.idHex) }, "coordination client closed");
    })();
    return this.closing;
  }

  // ---- sessions -------------------------------------------------------------------------------

  private openSession(): void {
    this.sessionCount += 1;
    const zk = createClient(this.opts.connectString, {
      sessionTimeout: this.requestedTimeoutMs,
      spinDelay: SPIN_DELAY_MS,
      retries: 0,
    });
    const s: Session = {
      zk,
      ordinal: this.sessionCount,
      idHex: "",
      timeoutMs: this.requestedTimeoutMs,
      connectedOnce: false,
      dead: false,
      inflight: new Set(),
      watches: new Set(),
      unreachableTimer: undefined,
      watchdog: undefined,
      lastReceiveAt: 0,
    };
    this.session = s;
    zk.on("state", (st: { code: number }) => this.onLibraryState(s, st.code));
    zk.connect();
    this.startWatchdog(s);
  }

  private onLibraryState(s: Session, code: number): void {
    if (s.dead || s !== this.session) return;
    switch (code) {
      case 3: {
        // SYNC_CONNECTED: first connect, or the same session resumed on some server.
        if (s.unreachableTimer) clearTimeout(s.unreachableTimer);
        s.unreachableTimer = undefined;
        s.idHex = s.zk.getSessionId().toString("hex");
        s.timeoutMs = s.zk.getSessionTimeout();
        const first = !s.connectedOnce;
        s.connectedOnce = true;
        this.log.info({ session: sessionIdText(s.idHex), timeoutMs: s.timeoutMs, resumed: !first }, "coordination session connected");
        this.setState("connected");
        this.emit("reconnected", { sessionIdHex: s.idHex, newSession: first });
        return;
      }
      case 0: {
        // DISCONNECTED: the library is already trying the next server with the same session.
        if (!s.connectedOnce) return; // still establishing: state stays as it is ("lost" or initial)
        this.setState("suspended");
        if (s.unreachableTimer === undefined) {
          s.unreachableTimer = setTimeout(() => {
            // Still "suspended", not "lost": see the class comment. The server answers
            // SESSION_EXPIRED (-122 below) if it has ended the session meanwhile.
            this.log.warn(
              { session: sessionIdText(s.idHex), timeoutMs: s.timeoutMs },
              "no coordination server reachable for a session timeout; still offering the same session (the server decides whether it expired)",
            );
          }, s.timeoutMs);
          s.unreachableTimer.unref();
        }
        return;
      }
      case -122:
        this.loseSession(s, "expired by the server");
        return;
      case 4:
        this.loseSession(s, "authentication failed");
        return;
      default:
        // CONNECTED_READ_ONLY cannot happen: we never offer the readOnly flag (see class comment).
        this.log.warn({ code }, "unexpected coordination client state");
    }
  }

  /** The session is gone for good: fail its work, fire its watches, and start a fresh one. */
  private loseSession(s: Session, reason: string): void {
    if (s.dead || this.closed) return;
    this.log.warn({ session: sessionIdText(s.idHex), reason }, "coordination session lost");
    const watches = this.killSession(s, new CoordinationError("SESSION_EXPIRED", `coordination session ${s.idHex} lost: ${reason}`), true);
    void this.shutdownLibraryClient(s, false);
    this.setState("lost");
    for (const w of watches) w.fire({ type: "session_lost", path: w.path });
    if (!this.closed) this.openSession();
  }

  /** Marks a session dead, rejects its outstanding operations; returns its unfired watches. */
  private killSession(s: Session, err: CoordinationError, keepWatches: boolean): PendingWatch[] {
    s.dead = true;
    if (s.unreachableTimer) clearTimeout(s.unreachableTimer);
    s.unreachableTimer = undefined;
    this.stopWatchdog(s);
    const rejecters = [...s.inflight];
    s.inflight.clear();
    for (const reject of rejecters) reject(err);
    const watches = keepWatches ? [...s.watches] : [];
    s.watches.clear();
    return watches;
  }

  private async shutdownLibraryClient(s: Session, polite: boolean): Promise<void> {
    const cm = connectionManagerOf(s.zk);
    if (polite && cm.state === LIBRARY_STATES.CONNECTED) {
      // closeSession makes the server delete our ephemerals now instead of after the timeout.
      await new Promise<void>((resolve) => {
        const onState = (st: number): void => {
          if (st === LIBRARY_STATES.CLOSED) finish();
        };
        const timer = setTimeout(() => finish(), POLITE_CLOSE_WAIT_MS);
        const finish = (): void => {
          clearTimeout(timer);
          cm.removeListener("state", onState);
          resolve();
        };
        cm.on("state", onState);
        s.zk.close();
      });
    }
    if (cm.state !== LIBRARY_STATES.CLOSED) {
      // CLOSING makes the library's socket-close handler stop instead of reconnecting.
      cm.setState(LIBRARY_STATES.CLOSING);
      cm.socket?.destroy();
    }
  }

  /**
   * Connection watchdog for the two timeouts the library lacks (see LibraryInternals), running for
   * the whole life of a session:
   * - read timeout: connected but nothing received for 2/3 of the session timeout (as Java);
   * - handshake timeout: TCP connected but no ConnectResponse within sessionTimeout/serverCount
   *   (the library only times out the TCP connect, so a server that accepts and never answers
   *   would hold it forever instead of letting it try the next one).
   * Destroying the socket makes the library move on to the next server.
   *
   * It also watches for servers that answer but refuse the handshake (close the connection before
   * a ConnectResponse): a server does that to a client that has seen a newer zxid than it has
   * (section 1.(a)12), i.e. a coordinator restarted without its data. No server that refuses us
   * can hold our session, so when every attempt for REFUSED_GIVE_UP_MS (or three session timeouts,
   * if longer) ended that way the session is given up and a new one opened. Not sooner: ZooKeeper
   * servers refuse connections the same way while they elect a leader, and the new leader keeps
   * the sessions. A server that is merely down (connection refused) or silent proves nothing and
   * never ends the session (see the class comment).
   */
  private startWatchdog(s: Session): void {
    const cm = connectionManagerOf(s.zk);
    const servers = Math.max(1, this.opts.connectString.split("/")[0]!.split(",").filter((h) => h.length > 0).length);
    let socket: Socket | undefined;
    let since = Date.now();
    const destroyedByUs = new WeakSet<Socket>();
    let previous: number = cm.state;
    let refusedSince = 0;
    let refusals = 0;
    cm.on("state", (st: number) => {
      const before = previous;
      previous = st;
      if (s.dead) return;
      if (st === LIBRARY_STATES.CONNECTED) {
        refusedSince = 0;
        refusals = 0;
        return;
      }
      const sock = cm.socket;
      // A handshake refused: this attempt reached a server (the ConnectRequest was written) and the
      // server closed the connection before answering; not our own handshake timeout.
      if (st !== LIBRARY_STATES.DISCONNECTED || before !== LIBRARY_STATES.CONNECTING) return;
      if (sock === undefined || sock.bytesWritten === 0 || destroyedByUs.has(sock)) return;
      const now = Date.now();
      if (refusals++ === 0) refusedSince = now;
      if (refusals >= 3 && now - refusedSince >= Math.max(REFUSED_GIVE_UP_MS, 3 * s.timeoutMs)) {
        this.log.warn(
          { session: sessionIdText(s.idHex), refusals, forMs: now - refusedSince },
          "every coordination server that answered refused to resume the session (it has seen a newer zxid than they have: their state was lost)",
        );
        // Not from inside the library's close handler: it reconnects right after emitting this
        // state, and would do so on the client being shut down. Once it has, shut that down.
        setImmediate(() => this.loseSession(s, "refused by every server that answered, for longer than a leader election takes"));
      }
    });
    s.watchdog = setInterval(() => {
      const current = cm.socket;
      if (current === undefined || current.destroyed) return;
      const now = Date.now();
      if (current !== socket) {
        socket = current;
        since = now;
        s.lastReceiveAt = now;
        current.on("data", () => {
          s.lastReceiveAt = Date.now();
        });
        return;
      }
      if (cm.state === LIBRARY_STATES.CONNECTED) {
        const silentMs = now - s.lastReceiveAt;
        if (silentMs > Math.floor((s.timeoutMs * 2) / 3)) {
          this.log.warn({ session: sessionIdText(s.idHex), silentMs }, "coordination server silent past the read timeout; reconnecting");
          destroyedByUs.add(current);
          current.destroy();
        }
      } else if (cm.state === LIBRARY_STATES.CONNECTING && !current.connecting && now - since > Math.max(500, s.timeoutMs / servers)) {
        this.log.warn({ session: sessionIdText(s.idHex) }, "coordination server did not answer the handshake; trying the next one");
        destroyedByUs.add(current);
        current.destroy();
      }
    }, Math.max(50, Math.floor(this.requestedTimeoutMs / 10)));
  }

  private stopWatchdog(s: Session): void {
    if (s.watchdog) clearInterval(s.watchdog);
    s.watchdog = undefined;
  }

  private setState(next: SessionState): void {
    if (this.current === next) return;
    this.current = next;
    this.emit("state", next);
  }

  private liveSession(op: string, path: string): Session {
    if (this.closed) throw new CoordinationError("CLOSED", `${op} ${path}: coordination client is closed`, path);
    const s = this.session;
    if (s === undefined || s.dead || !s.connectedOnce) {
      // Between a lost session and its replacement: fail fast so callers re-run on "reconnected".
      throw new CoordinationError("SESSION_EXPIRED", `${op} ${path}: no coordination session (lost, re-establishing)`, path);
    }
    return s;
  }

  /**
   * Runs one library call on the current session. `done(err, value, armed)`: `armed` says the
   * library registered the watch (it does so only on success, and for exists also on NO_NODE).
   */
  private call<T>(
    op: string,
    path: string,
    retryOnConnectionLoss: boolean,
    fn: (
      zk: Client,
      done: (err: unknown, value?: T, armed?: boolean) => void,
      wrap: (watch: Watcher | undefined) => ((e: LibraryEvent) => void) | undefined,
    ) => void,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const attempt = (n: number): void => {
        let s: Session;
        try {
          s = this.liveSession(op, path);
        } catch (err) {
          return reject(err);
        }
        let settled = false;
        let pending: PendingWatch | undefined;
        const fail = (err: CoordinationError): void => {
          if (settled) return;
          settled = true;
          reject(err);
        };
        s.inflight.add(fail);
        const wrap = (watch: Watcher | undefined): ((e: LibraryEvent) => void) | undefined => {
          if (watch === undefined) return undefined;
          const pw: PendingWatch = {
            path,
            fired: false,
            fire: (event) => {
              if (pw.fired) return;
              pw.fired = true;
              s.watches.delete(pw);
              try {
                watch(event);
              } catch (err) {
                this.log.error({ err, path }, "watcher threw");
              }
            },
          };
          pending = pw;
          return (e: LibraryEvent) => {
            const type = watchEventTypeFromWire(e.getType());
            if (type !== undefined) pw.fire({ type, path: e.getPath() });
          };
        };
        const done = (err: unknown, value?: T, armed?: boolean): void => {
          if (settled) return;
          s.inflight.delete(fail);
          if (err) {
            const e = CoordinationError.fromLibrary(err, op, path);
            if (retryOnConnectionLoss && e.code === "CONNECTION_LOSS" && n < MAX_READ_RETRIES && !s.dead && !this.closed) {
              // The library queues the re-issued request until it has reconnected.
              return attempt(n + 1);
            }
            settled = true;
            return reject(e);
          }
          settled = true;
          if (armed && pending !== undefined && !pending.fired) s.watches.add(pending);
          resolve(value as T);
        };
        try {
          fn(s.zk, done, wrap);
        } catch (err) {
          // The library validates paths and sizes with synchronous asserts.
          s.inflight.delete(fail);
          settled = true;
          reject(new CoordinationError("BAD_ARGUMENTS", `${op} ${path}: ${(err as Error).message}`, path, undefined, { cause: err }));
        }
      };
      attempt(0);
    });
  }
}

/** One ACL entry as ZooKeeper stores it: a permission bit set (READ 1, WRITE 2, CREATE 4, DELETE 8, ADMIN 16) for an id of a scheme. */
export interface ZnodeAcl {
  perms: number;
  scheme: string;
  id: string;
}

function isWireCode(err: unknown, code: number): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === code;
}
