import type { Logger } from "pino";
import { GroupMember, type GroupRoleHooks } from "../GroupMember";
import { divergencePoint } from "../divergencePoint";
import { lastLogTerm, termNumber } from "../termNumber";
import type { ReplicationPolicy } from "../ReplicationGate";
import { MEM_MASTER_WRITE_BEHIND_MS } from "../replicationPolicyFor";
import { MEM_ACK_FLUSH_MS, type Term } from "../replicationCodec";
import { FifoChannel, type SimNetwork } from "./SimNetwork";
import type { SimRandom } from "./SimRandom";
import type { EventOwner, SimScheduler } from "./SimScheduler";
import { VirtualCoordinationClient } from "./VirtualCoordinationClient";
import type { VirtualCoordinator } from "./VirtualCoordinator";

/** One journal record: a master's TERM record or a client write (by its unique id). */
export interface Rec {
  term: string;
  kind: "term" | "write";
  id: number;
}

/** What the node reports to the cluster's checker. */
export interface SimObserver {
  served(node: SimNode, termId: string): void;
  acknowledged(node: SimNode, termId: string, id: number): void;
  truncated(node: SimNode, from: number, end: number): void;
  lost(node: SimNode, recs: Rec[]): void;
}

export interface SimNodeContext {
  sched: SimScheduler;
  net: SimNetwork;
  rnd: SimRandom;
  coordinator: VirtualCoordinator;
  policy: ReplicationPolicy;
  replicas: number;
  sessionTimeoutMs: number;
  zkPath: string;
  logger: Logger;
  observer: SimObserver;
  byAddress(address: string): SimNode | undefined;
}

class Proc implements EventOwner {
  alive = true;
  paused = false;
  readonly deferred: Array<() => void> = [];
}

/** One replication connection (slave → master). */
class Conn {
  closed = false;
  /** A message was dropped by a partition: the connection is dead, its ends learn it on heal. */
  broken = false;
  cursor = 0;
  ackedMem = 0;
  ackedDisk = 0;
  attached = false;
  readonly toMaster: FifoChannel;
  readonly toSlave: FifoChannel;
  constructor(
    readonly slave: SimNode,
    readonly slaveProc: Proc,
    readonly master: SimNode,
    readonly masterProc: Proc,
    readonly address: string,
    clock: () => number,
  ) {
    this.toMaster = new FifoChannel(clock);
    this.toSlave = new FifoChannel(clock);
  }
}

interface Serving {
  termId: string;
  failed: boolean;
  waiters: Array<{ position: number; resolve: () => void }>;
}

/**
 * One broker node process in the simulator: the REAL GroupMember (with its real EphemeralMember
 * and GroupWatcher) over a virtual coordination client, and a model of what node.ts,
 * ReplicationMaster/Slave, ReplicationGate and the journal do with its role hooks:
 * - journal: records at positions; `written` (handed to the OS: survives kill -9) and `durable`
 *   (fsynced: survives power loss) trail the in-memory end;
 * - terms.json: synced on every change, kept across crashes (as TermHistory);
 * - replication: login with the slave's terms and end, the REAL divergencePoint decides
 *   truncate-and-stream or full resync, records stream in order, the slave acks mem and disk in
 *   batches (ReplicationSlave.scheduleAck: one ack per event-loop turn, modelled as one per
 *   simulated instant, sent with the positions of the moment it leaves) — only per flush, none on
 *   arrival, when the policy counts only durable positions (LoginOk `acks: "disk"`); on arrival
 *   with a background flush every MEM_ACK_FLUSH_MS (and writes held back until it) when it counts
 *   only memory (`acks: "mem"`);
 * - the gate: a receipt leaves once the local part of the sync policy holds, minSlaveAcks slaves
 *   acknowledged (mem or disk) — with masterVotes (quorum_disk), once any quorum of nodes has it
 *   durable, the master's own flush one vote — and the write fence (coordinator heard within half the session
 *   timeout) is open; every waiter fails when the node demotes.
 */
export class SimNode {
  log: Rec[] = [];
  written = 0;
  durable = 0;
  /** terms.json: what TermHistory holds (it survives crashes). */
  terms: Term[] = [];
  proc = new Proc();
  client: VirtualCoordinationClient | null = null;
  member: GroupMember | null = null;
  serving: Serving | null = null;
  listening = false;
  private follow: Conn | null = null;
  private readonly links = new Set<Conn>();
  private lane: Promise<void> = Promise.resolve();
  incarnation = 0;
  private readonly log_: Logger;
  private writerPending = false;
  /** Connections with a batched ack due at the end of the current instant. */
  private readonly acksDue = new Set<Conn>();
  private readonly flushDue = new Set<Conn>();

  constructor(
    readonly name: string,
    readonly weight: number,
    private readonly c: SimNodeContext,
  ) {
    this.log_ = c.logger.child({ node: name });
  }

  get address(): string {
    return `tcp://${this.name}:62621`;
  }

  get alive(): boolean {
    return this.proc.alive;
  }

  get role(): string {
    return this.proc.alive ? (this.member?.role ?? "starting") : "down";
  }

  lastTerm(): string | undefined {
    return this.terms[this.terms.length - 1]?.id;
  }

  // ---- process life ---------------------------------------------------------------------------

  /** Starts the process: a coordination session, then the real GroupMember. */
  boot(): void {
    this.incarnation++;
    const proc = new Proc();
    this.proc = proc;
    const { sched } = this.c;
    const client = new VirtualCoordinationClient(sched, this.c.net, this.c.coordinator, this.name, proc, this.c.sessionTimeoutMs);
    this.client = client;
    const logger = this.log_.child({ pid: this.incarnation });
    // node.ts start(): terms the journal lost in the crash are dropped.
    this.terms = this.terms.filter((t) => t.start < this.log.length);
    void (async () => {
      // CoordinationClient.connect: wait for the first session (bounded), else the process exits.
      const connected = await new Promise<boolean>((resolve) => {
        client.once("reconnected", () => resolve(true));
        sched.after(15_000, () => resolve(false), proc);
      });
      if (!connected) throw new Error("could not establish a coordination session");
      const member = new GroupMember({
        client,
        zkPath: this.c.zkPath,
        brokerName: "sim",
        groupName: "g",
        nodeName: this.name,
        weight: this.weight,
        replicas: this.c.replicas,
        hooks: this.hooks(proc),
        logger,
        schedule: (fn, ms) => sched.after(ms, fn, proc),
        now: () => sched.now,
      });
      this.member = member;
      // "Becomes master" is GroupMember's role: the node publishes itself and may acknowledge.
      member.on("role", (role) => {
        if (role === "master" && this.serving && this.proc === proc) this.c.observer.served(this, this.serving.termId);
      });
      await member.start();
    })().catch((err: unknown) => {
      if (this.proc !== proc || !proc.alive) return;
      // node.ts start() failing ends the process; the supervisor starts it again.
      logger.error({ err: (err as Error).message }, "node start failed: exiting");
      this.crash("kill9");
      sched.after(1000, () => {
        if (!this.proc.alive) this.boot();
      });
    });
  }

  /** kill -9 ("kill9": what was written to the OS survives) or power loss (only what was fsynced). */
  crash(kind: "kill9" | "power"): void {
    if (!this.proc.alive) return;
    this.proc.alive = false;
    this.client?.close();
    this.client = null;
    this.member = null;
    this.serving = null;
    this.listening = false;
    this.acksDue.clear(); // the dead process's pending acks (and background flushes) die with it
    this.flushDue.clear();
    // The kernel closes the dead process's sockets: peers see a reset.
    const conns = [...this.links, ...(this.follow ? [this.follow] : [])];
    this.follow = null;
    this.links.clear();
    for (const conn of conns) this.closeConn(conn, "peer process died");
    const keep = kind === "power" ? this.durable : this.written;
    const lost = this.log.slice(keep);
    this.log.length = keep;
    this.written = this.durable = Math.min(this.durable, keep);
    this.written = keep;
    if (lost.length > 0) this.c.observer.lost(this, lost);
    this.lane = Promise.resolve();
    this.writerPending = false;
  }

  pause(): void {
    this.proc.paused = true;
  }

  resume(): void {
    this.proc.paused = false;
    this.c.sched.release(this.proc);
  }

  /** A partition healed: connections that dropped a message in it are reset now. */
  healed(): void {
    for (const conn of [...this.links, ...(this.follow ? [this.follow] : [])]) {
      if (conn.broken) this.closeConn(conn, "connection reset after partition");
    }
  }

  /** "drop": one of this node's replication connections breaks. */
  dropConnection(): void {
    const conns = [...this.links, ...(this.follow ? [this.follow] : [])];
    if (conns.length > 0) this.closeConn(this.c.rnd.pick(conns), "connection dropped");
  }

  // ---- journal --------------------------------------------------------------------------------

  private append(rec: Rec): number {
    const pos = this.log.length;
    this.log.push(rec);
    // The journal's writer hands appends to the OS on the next turn of the event loop — with
    // Journal.writeBehindMs later: a slave with memory acks with its background flush (or after
    // twice its interval), a master whose policy's local part is memory after MEM_MASTER_WRITE_BEHIND_MS.
    if (!this.writerPending) {
      this.writerPending = true;
      const proc = this.proc;
      const delay =
        this.follow && this.memAcks()
          ? 2 * MEM_ACK_FLUSH_MS
          : this.serving && this.c.policy.local === "mem"
            ? MEM_MASTER_WRITE_BEHIND_MS
            : this.c.rnd.next();
      this.c.sched.after(delay, () => {
        this.writerPending = false;
        this.written = this.log.length;
      }, proc);
    }
    return pos;
  }

  private sync(proc: Proc): Promise<void> {
    const target = this.log.length;
    const ms = this.c.rnd.chance(0.05) ? this.c.rnd.int(20, 80) : 1 + this.c.rnd.int(0, 6);
    return new Promise((resolve) =>
      this.c.sched.after(
        ms,
        () => {
          const upTo = Math.min(target, this.log.length);
          this.written = Math.max(this.written, upTo);
          this.durable = Math.max(this.durable, upTo);
          resolve();
        },
        proc,
      ),
    );
  }

  private truncateLog(to: number): void {
    this.log.length = Math.min(this.log.length, to);
    this.written = Math.min(this.written, to);
    this.durable = Math.min(this.durable, to);
  }

  /** TermHistory.add: rejects a term that starts before the last one; the same id twice is a no-op. */
  private addTerm(term: Term): void {
    const last = this.terms[this.terms.length - 1];
    if (last && term.start < last.start) throw new Error(`term ${term.id} starts at ${term.start}, before the last term ${last.id} at ${last.start}`);
    if (last && last.id === term.id) return;
    this.terms.push(term);
  }

  has(id: number): boolean {
    return this.log.some((r) => r.kind === "write" && r.id === id);
  }

  // ---- client writes ---------------------------------------------------------------------------

  /** A client SEND with a receipt; false when this node does not accept clients. */
  write(id: number): boolean {
    const s = this.serving;
    if (!s || !this.listening || !this.proc.alive || this.proc.paused) return false;
    const pos = this.append({ term: s.termId, kind: "write", id });
    for (const conn of this.links) this.pump(conn);
    const proc = this.proc;
    void this.awaitDurable(s, pos, proc).then((ok) => {
      if (ok && proc.alive) this.c.observer.acknowledged(this, s.termId, id);
    });
    return true;
  }

  private async awaitDurable(s: Serving, position: number, proc: Proc): Promise<boolean> {
    const p = this.c.policy;
    if (this.votesLocally()) {
      // ReplicationGate.awaitQuorum: the local flush is one vote; any quorum of nodes releases.
      const quorum = new Promise<void>((resolve) => s.waiters.push({ position, resolve }));
      void this.sync(proc).then(() => this.onAck());
      this.onAck();
      await quorum;
    } else {
      const local = p.local === "disk" ? this.sync(proc) : Promise.resolve();
      const remote =
        p.remote === "none" || p.minSlaveAcks === 0 || position < this.threshold()
          ? Promise.resolve()
          : new Promise<void>((resolve) => s.waiters.push({ position, resolve }));
      await Promise.all([local, remote]);
    }
    // The write fence (ReplicationGate's `fence`, node.ts): hold the receipt while the
    // coordinator has not been heard from within half the session timeout.
    for (;;) {
      if (s.failed || this.serving !== s) return false;
      const client = this.client;
      if (client && client.state === "connected" && (this.c.sched.now - client.lastHeardAt) * 2 <= client.sessionTimeoutMs) return true;
      await this.c.sched.sleep(20, proc);
    }
  }

  private votesLocally(): boolean {
    const p = this.c.policy;
    return p.masterVotes === true && p.local === "disk" && p.remote === "disk" && p.minSlaveAcks > 0;
  }

  private threshold(): number {
    const p = this.c.policy;
    if (this.votesLocally()) {
      const votes = [this.durable, ...[...this.links].filter((l) => l.attached).map((l) => l.ackedDisk)].sort((a, b) => b - a);
      return votes.length > p.minSlaveAcks ? votes[p.minSlaveAcks]! : -1;
    }
    const acked = [...this.links].filter((l) => l.attached).map((l) => (p.remote === "disk" ? l.ackedDisk : l.ackedMem)).sort((a, b) => b - a);
    return acked.length >= p.minSlaveAcks ? acked[p.minSlaveAcks - 1]! : -1;
  }

  private onAck(): void {
    const s = this.serving;
    if (!s || s.waiters.length === 0) return;
    const t = this.threshold();
    const ready = s.waiters.filter((w) => w.position < t);
    s.waiters = s.waiters.filter((w) => w.position >= t);
    for (const w of ready) w.resolve();
  }

  // ---- role hooks (node.ts) --------------------------------------------------------------------

  private inLane<T>(task: () => Promise<T>): Promise<T> {
    const run = this.lane.then(task);
    this.lane = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private hooks(proc: Proc): GroupRoleHooks {
    const { sched } = this.c;
    return {
      position: () => this.log.length,
      term: () => lastLogTerm(this.terms, this.log.length),
      promote: (termId) =>
        this.inLane(async () => {
          this.unfollow();
          const start = this.append({ term: termId, kind: "term", id: -1 });
          this.addTerm({ id: termId, start });
          await this.sync(proc);
          await sched.sleep(1 + this.c.rnd.int(0, 3), proc); // recovery, listeners
          const s: Serving = { termId, failed: false, waiters: [] };
          this.serving = s;
          this.listening = true;
          return { replicationAddress: this.address, clients: [`stomp://${this.name}:61613`], admin: null };
        }),
      demote: (reason) =>
        this.inLane(async () => {
          void reason;
          this.unserve();
          await sched.sleep(this.c.rnd.int(0, 2), proc);
        }),
      follow: (address, _master, term) =>
        this.inLane(async () => {
          this.unfollow();
          this.startFollowing(address, term, proc);
        }),
      unfollow: () =>
        this.inLane(async () => {
          this.unfollow();
        }),
    };
  }

  private unserve(): void {
    const s = this.serving;
    this.serving = null;
    this.listening = false;
    if (s) {
      s.failed = true;
      s.waiters = [];
    }
    for (const conn of [...this.links]) this.closeConn(conn, "master stopped");
  }

  private unfollow(): void {
    const conn = this.follow;
    this.follow = null;
    if (conn) this.closeConn(conn, "unfollow");
  }

  // ---- replication ----------------------------------------------------------------------------

  private startFollowing(address: string, term: number | null, proc: Proc): void {
    const master = this.c.byAddress(address);
    const { sched, net } = this.c;
    if (!master) return;
    const conn = new Conn(this, proc, master, master.proc, address, () => sched.now);
    this.follow = conn;
    const login = { terms: this.terms.map((t) => ({ ...t })), endPosition: this.log.length, term };
    sched.after(net.delay(), () => {
      if (conn.closed) return;
      if (!net.peerUp(this.name, master.name)) {
        // SYN lost: the connect attempt times out.
        sched.after(3000, () => this.closeConn(conn, "connect timed out"), proc);
        return;
      }
      if (!master.proc.alive || !master.listening || master.proc !== conn.masterProc) {
        sched.after(net.delay(), () => this.closeConn(conn, "ECONNREFUSED", true), proc);
        return;
      }
      // Accepted by the kernel; the master process handles the login when it runs.
      master.links.add(conn);
      sched.after(0, () => master.acceptLogin(conn, login), conn.masterProc);
    });
  }

  private acceptLogin(conn: Conn, login: { terms: Term[]; endPosition: number; term: number | null }): void {
    if (conn.closed) return;
    if (!this.serving) return this.closeConn(conn, "not master");
    // ReplicationMaster: a login for another term's address record is refused.
    const serving = termNumber(this.serving.termId) || null;
    if (login.term !== null && serving !== null && login.term !== serving) return this.closeConn(conn, `this master serves term ${serving}, not ${login.term}`);
    const dp = divergencePoint(login, { terms: this.terms, endPosition: this.log.length });
    if (dp !== null) {
      conn.cursor = dp;
      this.toSlave(conn, () => conn.slave.onLoginStream(conn, dp));
    } else {
      const copy = this.log.slice();
      const terms = this.terms.map((t) => ({ ...t }));
      conn.cursor = copy.length;
      this.toSlave(conn, () => conn.slave.onLoginFull(conn, copy, terms));
    }
    conn.attached = true;
    this.pump(conn);
  }

  private pump(conn: Conn): void {
    if (conn.closed || !conn.attached || conn.cursor >= this.log.length) return;
    const from = conn.cursor;
    const batch = this.log.slice(from);
    conn.cursor = this.log.length;
    this.toSlave(conn, () => conn.slave.onRecords(conn, from, batch));
  }

  private toSlave(conn: Conn, fn: () => void): void {
    const { sched, net } = this.c;
    if (!net.peerUp(conn.master.name, conn.slave.name)) {
      conn.broken = true;
      return;
    }
    sched.at(conn.toSlave.deliverAt(net.delay()), () => !conn.closed && fn(), conn.slaveProc);
  }

  private toMaster(conn: Conn, fn: () => void): void {
    const { sched, net } = this.c;
    if (!net.peerUp(conn.master.name, conn.slave.name)) {
      conn.broken = true;
      return;
    }
    sched.at(conn.toMaster.deliverAt(net.delay()), () => !conn.closed && fn(), conn.masterProc);
  }

  private onLoginStream(conn: Conn, truncateTo: number): void {
    if (truncateTo < this.log.length) {
      this.c.observer.truncated(this, truncateTo, this.log.length);
      this.truncateLog(truncateTo);
    }
    this.terms = this.terms.filter((t) => t.start < truncateTo);
    this.ack(conn);
  }

  private onLoginFull(conn: Conn, copy: Rec[], terms: Term[]): void {
    if (this.log.length > 0) this.c.observer.truncated(this, 0, this.log.length);
    this.log = copy.slice();
    this.written = this.durable = copy.length;
    this.terms = terms.filter((t) => t.start < copy.length);
    this.ack(conn);
  }

  private onRecords(conn: Conn, from: number, batch: Rec[]): void {
    // appendReplicated throws if the position is not our end: the link ends loudly.
    if (from !== this.log.length) return this.closeConn(conn, `record at ${from}, journal ends at ${this.log.length}`);
    for (const r of batch) {
      const pos = this.append(r);
      if (r.kind === "term") {
        try {
          this.addTerm({ id: r.term, start: pos });
        } catch (err) {
          return this.closeConn(conn, (err as Error).message);
        }
      }
    }
    // LoginOk `acks: "disk"`: under a policy that counts only durable positions the slave acks per flush, not on arrival.
    if (this.c.policy.remote !== "disk") this.scheduleAck(conn);
    // LoginOk `acks: "mem"`: under one that counts only memory it flushes in the background.
    if (this.memAcks()) this.scheduleFlush(conn);
    else this.syncToDisk(conn);
  }

  private memAcks(): boolean {
    return this.c.policy.remote === "mem";
  }

  /** ReplicationSlave.scheduleFlush: one flush for everything that arrives within MEM_ACK_FLUSH_MS. */
  private scheduleFlush(conn: Conn): void {
    if (this.flushDue.has(conn)) return;
    this.flushDue.add(conn);
    this.c.sched.after(
      MEM_ACK_FLUSH_MS,
      () => {
        this.flushDue.delete(conn);
        if (!conn.closed) this.syncToDisk(conn);
      },
      this.proc,
    );
  }

  /**
   * ReplicationSlave.syncToDisk: every Records frame asks the journal to make the log durable (the
   * journal group-commits: one flush covers what arrived meanwhile); each completion schedules the
   * batched ack, which carries the durable position of the moment it leaves.
   */
  private syncToDisk(conn: Conn): void {
    void this.sync(this.proc).then(() => {
      if (!conn.closed) this.scheduleAck(conn);
    });
  }

  /** ReplicationSlave.scheduleAck: what is due within one instant leaves as one ack, after the rest of it. */
  private scheduleAck(conn: Conn): void {
    if (this.acksDue.has(conn)) return;
    this.acksDue.add(conn);
    this.c.sched.after(
      0,
      () => {
        this.acksDue.delete(conn);
        if (!conn.closed) this.ack(conn);
      },
      this.proc,
    );
  }

  private ack(conn: Conn): void {
    const mem = this.log.length;
    const disk = this.durable;
    this.toMaster(conn, () => {
      conn.ackedMem = mem;
      conn.ackedDisk = disk;
      conn.master.onAck();
    });
  }

  /** Ends a connection at both ends; the slave's GroupMember hears of it (followerLost). */
  private closeConn(conn: Conn, reason: string, refused = false): void {
    if (conn.closed) return;
    conn.closed = true;
    conn.master.links.delete(conn);
    conn.master.onAck();
    const slave = conn.slave;
    if (slave.follow !== conn) return;
    this.c.sched.after(
      this.c.net.delay(),
      () => {
        if (slave.follow !== conn) return;
        slave.follow = null;
        slave.log_.info({ reason, refused }, "replication link closed");
        slave.member?.followerLost(conn.address, refused);
      },
      conn.slaveProc,
    );
  }
}
