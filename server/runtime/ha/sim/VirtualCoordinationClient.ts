import { EventEmitter } from "node:events";
import type { CoordinationApi } from "../../zk/CoordinationApi";
import type { CoordinationClientEvents, SessionState } from "../../zk/CoordinationClient";
import { CoordinationError } from "../../zk/CoordinationError";
import type { CreateMode, MultiOp, MultiResult } from "../../zk/MultiOp";
import type { WatchEvent, Watcher } from "../../zk/WatchEvent";
import type { ZnodeStat } from "../../zk/ZnodeStat";
import { FifoChannel, type SimNetwork } from "./SimNetwork";
import type { EventOwner, SimScheduler } from "./SimScheduler";
import type { ServerWatch, VirtualCoordinator } from "./VirtualCoordinator";

interface PendingWatch {
  path: string;
  fired: boolean;
  watcher: Watcher;
}

interface ClientSession {
  id: string;
  dead: boolean;
  watches: Set<PendingWatch>;
  /** Watch notifications the server could not send while the link was down (setWatches replay). */
  held: Array<() => void>;
}

interface Request {
  read: boolean;
  send: () => void;
  resolve: (v: unknown) => void;
  reject: (err: CoordinationError) => void;
}

/**
 * CoordinationClient's contract (see its class comment) over the virtual coordinator and network,
 * for one node process: "suspended" when nothing was heard for 2/3 of the session timeout,
 * "lost" when the server says the session expired or none could be reached for a whole timeout,
 * then a new session and "reconnected" (newSession=true); every watch fires exactly once
 * (session_lost when its session goes); reads retry across a connection loss, writes fail with
 * CONNECTION_LOSS (they may have applied). All of it runs on virtual time as events of the node.
 */
export class VirtualCoordinationClient extends EventEmitter<CoordinationClientEvents> implements CoordinationApi {
  state: SessionState = "lost";
  lastHeardAt = 0;
  private session: ClientSession | undefined;
  private readonly inflight = new Map<number, Request>();
  private queued: Request[] = [];
  private nextId = 1;
  private suspendedAt = 0;
  private connecting = false;
  private connectingSince = 0;
  private closed = false;
  private toServer: FifoChannel;
  private toClient: FifoChannel;
  /** One per TCP connection: messages of a connection declared dead are never delivered. */
  private epoch = 0;
  /** Messages of the current connection held up by a partition; TCP delivers them once it heals. */
  private stalled: Array<{ toServer: boolean; fn: () => void; onDrop?: () => void }> = [];

  constructor(
    private readonly sched: SimScheduler,
    private readonly net: SimNetwork,
    private readonly server: VirtualCoordinator,
    private readonly node: string,
    private readonly owner: EventOwner,
    readonly sessionTimeoutMs: number,
  ) {
    super();
    this.toServer = new FifoChannel(() => sched.now);
    this.toClient = new FifoChannel(() => sched.now);
    this.tick();
  }

  get sessionIdHex(): string {
    return this.session && !this.session.dead && this.state !== "lost" ? this.session.id : "";
  }

  /** The process is gone: nothing more happens on this client (its events are dropped too). */
  close(): void {
    this.closed = true;
  }

  // ---- CoordinationApi ------------------------------------------------------------------------

  async ensurePath(path: string): Promise<void> {
    let prefix = "";
    for (const part of path.split("/").filter((p) => p.length > 0)) {
      prefix += `/${part}`;
      await this.create(prefix, null, "persistent").catch((err: unknown) => {
        if (!(err instanceof CoordinationError && err.code === "NODE_EXISTS")) throw err;
      });
    }
  }

  create(path: string, data: Buffer | null, mode: CreateMode): Promise<string> {
    return this.request(false, (sid) => this.server.create(sid, path, data, mode));
  }

  getData(path: string, watch?: Watcher): Promise<{ data: Buffer | null; stat: ZnodeStat } | null> {
    return this.request(true, (sid) => {
      const got = this.server.getData(path);
      // As the real client: no watch is left on a node that does not exist.
      return got ? this.server.getData(path, this.arm(sid, path, watch)) : null;
    });
  }

  setData(path: string, data: Buffer, version = -1): Promise<ZnodeStat> {
    return this.request(false, () => this.server.setData(path, data, version));
  }

  exists(path: string, watch?: Watcher): Promise<ZnodeStat | null> {
    return this.request(true, (sid) => this.server.exists(path, this.arm(sid, path, watch)));
  }

  getChildren(path: string, watch?: Watcher): Promise<string[] | null> {
    return this.request(true, (sid) => {
      if (this.server.getChildren(path) === null) return null;
      return this.server.getChildren(path, this.arm(sid, path, watch));
    });
  }

  delete(path: string, version = -1): Promise<void> {
    return this.request(false, () => this.server.delete(path, version));
  }

  multi(ops: MultiOp[]): Promise<MultiResult[]> {
    return this.request(false, (sid) => this.server.multi(sid, ops));
  }

  // ---- requests -------------------------------------------------------------------------------

  private request<T>(read: boolean, apply: (sid: string) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.closed) return reject(new CoordinationError("CLOSED", "closed"));
      const s = this.session;
      if (!s || s.dead || this.state === "lost") {
        return reject(new CoordinationError("SESSION_EXPIRED", "no coordination session (lost, re-establishing)"));
      }
      const id = this.nextId++;
      const req: Request = {
        read,
        resolve: resolve as (v: unknown) => void,
        reject,
        send: () => {
          this.inflight.set(id, req);
          const sid = s.id;
          this.up(() => {
            let reply: () => void;
            if (!this.server.touch(sid)) {
              reply = () => this.lose(s, "expired by the server");
            } else {
              try {
                const v = apply(sid);
                reply = () => this.answer(id, s, (r) => r.resolve(v));
              } catch (err) {
                reply = () => this.answer(id, s, (r) => r.reject(err as CoordinationError));
              }
            }
            this.down(reply);
          });
        },
      };
      if (this.state === "connected") req.send();
      else this.queued.push(req);
    });
  }

  private answer(id: number, s: ClientSession, settle: (r: Request) => void): void {
    const r = this.inflight.get(id);
    if (!r || s !== this.session) return;
    this.inflight.delete(id);
    settle(r);
  }

  /** Client → server on the current connection (FIFO; a partition holds it up, as TCP would). */
  private up(fn: () => void): void {
    const epoch = this.epoch;
    if (!this.net.zkUp(this.node)) {
      this.stalled.push({ toServer: true, fn });
      return;
    }
    this.sched.at(this.toServer.deliverAt(this.net.delay()), () => {
      if (epoch !== this.epoch) return;
      if (!this.net.zkUp(this.node)) this.stalled.push({ toServer: true, fn });
      else fn();
    });
  }

  /**
   * Server → client on the current connection: FIFO, an event of the node, "heard" on arrival.
   * `onDrop` runs instead if the connection is declared dead before it arrives.
   */
  private down(fn: () => void, onDrop?: () => void): void {
    const epoch = this.epoch;
    if (!this.net.zkUp(this.node)) {
      this.stalled.push({ toServer: false, fn, onDrop });
      return;
    }
    this.sched.at(
      this.toClient.deliverAt(this.net.delay()),
      () => {
        if (this.closed) return;
        if (epoch !== this.epoch) return onDrop?.();
        this.lastHeardAt = this.sched.now;
        fn();
      },
      this.owner,
    );
  }

  /** Ends the current connection: what it still carried is lost (watch notifications: replayed on resume). */
  private newConnection(): void {
    this.epoch++;
    this.toServer = new FifoChannel(() => this.sched.now);
    this.toClient = new FifoChannel(() => this.sched.now);
    const dropped = this.stalled;
    this.stalled = [];
    for (const m of dropped) m.onDrop?.();
  }

  private arm(sid: string, path: string, watcher: Watcher | undefined): ServerWatch | undefined {
    const s = this.session;
    if (!watcher || !s || s.id !== sid) return undefined;
    const pw: PendingWatch = { path, fired: false, watcher };
    s.watches.add(pw);
    const deliver = (ev: WatchEvent): void => {
      if (pw.fired || s !== this.session || s.dead) return;
      pw.fired = true;
      s.watches.delete(pw);
      pw.watcher(ev);
    };
    return {
      session: sid,
      path,
      // Lost with a dead connection, a notification comes again once the session resumes
      // (ZooKeeper's setWatches replay): held until then, or re-sent now if it already has.
      notify: (ev) => {
        const send = (): void =>
          this.down(
            () => deliver(ev),
            () => (this.session === s && this.state === "connected" ? send() : s.held.push(() => deliver(ev))),
          );
        send();
      },
    };
  }

  // ---- connection and session life -----------------------------------------------------------

  private tick(): void {
    if (this.closed) return;
    this.sched.after(this.sessionTimeoutMs / 3, () => this.tick(), this.owner);
    if (this.stalled.length > 0 && this.net.zkUp(this.node)) {
      const resend = this.stalled;
      this.stalled = [];
      for (const m of resend) {
        if (m.toServer) this.up(m.fn);
        else this.down(m.fn, m.onDrop);
      }
    }
    // A connect attempt whose answer was lost in a partition times out, as a real one would.
    if (this.connecting && this.sched.now - this.connectingSince > this.sessionTimeoutMs / 3) this.connecting = false;
    const s = this.session;
    if (this.state === "connected" && s) {
      if (this.sched.now - this.lastHeardAt > (this.sessionTimeoutMs * 2) / 3) {
        this.disconnect();
      } else {
        const sid = s.id;
        this.up(() => {
          if (this.server.touch(sid)) this.down(() => {});
        });
      }
      return;
    }
    if (this.state === "suspended" && s && this.sched.now - this.suspendedAt >= this.sessionTimeoutMs) {
      this.lose(s, "not reconnected within the session timeout");
      return;
    }
    this.connect();
  }

  /** Connects: resumes the current session, or opens a new one when there is none. */
  private connect(): void {
    if (this.connecting || !this.net.zkUp(this.node)) return;
    this.connecting = true;
    this.connectingSince = this.sched.now;
    const s = this.session && !this.session.dead ? this.session : undefined;
    this.newConnection();
    this.up(() => {
      if (s) {
        const ok = this.server.touch(s.id);
        this.down(() => {
          this.connecting = false;
          if (s !== this.session || s.dead) return;
          if (!ok) return this.lose(s, "expired by the server");
          this.connected(false);
        });
      } else {
        const fresh: ClientSession = { id: "", dead: false, watches: new Set(), held: [] };
        fresh.id = this.server.openSession(this.sessionTimeoutMs, () => {
          this.down(() => this.lose(fresh, "expired by the server"));
        });
        this.down(() => {
          this.connecting = false;
          if (this.session && !this.session.dead) return;
          this.session = fresh;
          this.connected(true);
        });
      }
    });
  }

  private connected(newSession: boolean): void {
    const s = this.session!;
    this.lastHeardAt = this.sched.now;
    for (const deliver of s.held.splice(0)) deliver();
    this.setState("connected");
    this.emit("reconnected", { sessionIdHex: s.id, newSession });
    const q = this.queued;
    this.queued = [];
    for (const r of q) r.send();
  }

  /** Nothing heard for the read timeout: the connection is dead; the session may still live. */
  private disconnect(): void {
    this.newConnection();
    this.suspendedAt = this.sched.now;
    this.setState("suspended");
    const failed = [...this.inflight.values()];
    this.inflight.clear();
    for (const r of failed) {
      if (r.read) this.queued.push(r);
      else r.reject(new CoordinationError("CONNECTION_LOSS", "connection lost with the request in flight"));
    }
    this.connect();
  }

  private lose(s: ClientSession, reason: string): void {
    if (s.dead || s !== this.session || this.closed) return;
    void reason;
    s.dead = true;
    const err = new CoordinationError("SESSION_EXPIRED", `coordination session ${s.id} lost`);
    const failed = [...this.inflight.values(), ...this.queued];
    this.inflight.clear();
    this.queued = [];
    for (const r of failed) r.reject(err);
    this.setState("lost");
    for (const pw of [...s.watches]) {
      if (pw.fired) continue;
      pw.fired = true;
      pw.watcher({ type: "session_lost", path: pw.path });
    }
    s.watches.clear();
    this.connect();
  }

  private setState(next: SessionState): void {
    if (this.state === next) return;
    this.state = next;
    this.emit("state", next);
  }
}
