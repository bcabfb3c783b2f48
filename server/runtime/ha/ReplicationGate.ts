import type { Logger } from "pino";
import type { DurabilityGate } from "../store/DurabilityGate";
import type { Journal } from "../store/Journal";
import { ReplicationTrace } from "./ReplicationTrace";

export interface ReplicationPolicy {
  /** Name shown to operators (quorum_mem, SYNC_MASTER/ASYNC_FLUSH …). */
  name: string;
  local: "mem" | "disk";
  remote: "none" | "mem" | "disk";
  /** Slaves that must have a record before it is acknowledged (replicas/2 for quorum policies). */
  minSlaveAcks: number;
  /**
   * Quorum policies: the master's own durable copy is one vote among the nodes, and a receipt
   * leaves once any quorum (minSlaveAcks + 1 nodes, the master counted when its disk has the
   * record) holds it durably — Raft's commit rule. The master's flush then runs alongside the
   * slaves' instead of every receipt waiting for the slower of the master and the best slave.
   */
  masterVotes?: boolean;
}

/**
 * How far (bytes of log) a connected slave may trail the master and still count as available for
 * a new record: RocketMQ's haSlaveFallbehindMax (256 MiB). A slave further behind would hold the
 * record's receipt for as long as it takes to catch up.
 */
export const SLAVE_FALL_BEHIND_MAX = 256 * 1024 * 1024;

interface Waiter {
  position: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Holds receipts until the group's sync policy is met: the local part (fsync or memory) and
 * `minSlaveAcks` slaves having acknowledged the record (in memory or on disk). Like ActiveMQ's
 * replicated store it has no timeout — it logs while it waits — and it fails every waiter when
 * the node stops being master, so no receipt leaves a node that is no longer entitled to give it.
 */
export class ReplicationGate implements DurabilityGate {
  private readonly slaves = new Map<string, { mem: number; disk: number }>();
  private waiters: Waiter[] = [];
  private failed: Error | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly journal: Journal,
    readonly repl: ReplicationPolicy,
    private readonly logger: Logger,
    /**
     * Write fence: returns null while this master's coordinator session is certainly alive, else
     * why not. A receipt leaves only when it returns null, so a master that has not heard from the
     * coordinator for half its session timeout (and might already have been replaced) holds its
     * receipts instead of acknowledging — the margin does not depend on noticing the disconnect.
     */
    private readonly fence: () => string | null = () => null,
    /** Opt-in phase timing (TANDEM_REPL_TRACE=1): local sync, quorum wait, both. */
    private readonly trace: ReplicationTrace | null = null,
  ) {
    this.timer = setInterval(() => this.logWaiting(), 1000);
    this.timer.unref();
  }

  get policy(): string {
    return this.repl.name;
  }

  awaitDurable(position: number): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.votesLocally()) return this.awaitQuorum(position).then(() => (this.fence() === null ? undefined : this.fenced()));
    const local = this.repl.local === "disk" ? this.journal.sync() : null;
    const remote =
      this.repl.remote === "none" || this.repl.minSlaveAcks === 0 || this.acked(position)
        ? null
        : new Promise<void>((resolve, reject) => this.waiters.push({ position, resolve, reject }));
    const both = local && remote ? Promise.all([local, remote]) : (local ?? remote);
    if (this.trace) this.traceWait(local, remote, both);
    if (!both) return this.fence() === null ? Promise.resolve() : this.fenced();
    return both.then(() => (this.fence() === null ? undefined : this.fenced()));
  }

  private traceWait(local: Promise<void> | null, remote: Promise<void> | null, both: Promise<unknown> | null): void {
    const trace = this.trace!;
    const t0 = ReplicationTrace.now();
    const ignore = (): void => {};
    local?.then(() => trace.since("local sync", t0), ignore);
    remote?.then(() => trace.since("quorum ack", t0), ignore);
    both?.then(() => trace.since("local and quorum", t0), ignore);
    if (remote) trace.count("waited for slaves");
    else trace.count("quorum already acked");
  }

  /** masterVotes with the local part on disk: the master's durable position is one vote. */
  private votesLocally(): boolean {
    return this.repl.masterVotes === true && this.repl.local === "disk" && this.repl.remote === "disk" && this.repl.minSlaveAcks > 0;
  }

  /**
   * Resolves once a quorum of nodes — the master counted once its own flush covers `position` —
   * has the record on disk. The local flush is always asked for (the master's copy must become
   * durable too); a failure of it fails this receipt.
   */
  private awaitQuorum(position: number): Promise<void> {
    const t0 = this.trace ? ReplicationTrace.now() : 0;
    const local = this.journal.sync();
    const done = new Promise<void>((resolve, reject) => {
      const w: Waiter = { position, resolve, reject };
      this.waiters.push(w);
      local.then(
        () => {
          this.trace?.since("local sync", t0);
          this.release();
        },
        (err: Error) => {
          this.waiters = this.waiters.filter((x) => x !== w);
          reject(err);
        },
      );
    });
    if (this.trace) {
      const trace = this.trace;
      done.then(() => trace.since("quorum of nodes durable", t0), () => {});
      trace.count(position < this.threshold() ? "quorum already durable" : "waited for the quorum");
    }
    this.release();
    return done;
  }

  /**
   * Why the slaves this policy waits for cannot confirm a record ending at `position` soon, or null
   * when they can (or the policy waits for none) — RocketMQ's HAService.isSlaveOK: fewer than
   * minSlaveAcks slaves connected within SLAVE_FALL_BEHIND_MAX of it. The receipt itself still
   * waits as always; a protocol that answers at once instead (RocketMQ's SLAVE_NOT_AVAILABLE) asks here.
   */
  slavesUnavailable(position: number): string | null {
    const need = this.repl.remote === "none" ? 0 : this.repl.minSlaveAcks;
    if (need === 0) return null;
    const disk = this.repl.remote === "disk";
    const acked = [...this.slaves.values()].map((p) => (disk ? p.disk : p.mem));
    const near = acked.filter((a) => position - a < SLAVE_FALL_BEHIND_MAX).length;
    if (near >= need) return null;
    const policy = `${this.repl.name} waits for ${need} slave${need === 1 ? "" : "s"}`;
    if (acked.length === 0) return `no slave is connected (${policy})`;
    return `${acked.length} slave${acked.length === 1 ? " is" : "s are"} connected, ${near} within ${SLAVE_FALL_BEHIND_MAX / 1024 / 1024} MiB of the master's log (${policy})`;
  }

  /**
   * Resolves once the master's own part of the policy holds for what is appended so far (the
   * fsync under a disk policy) and the write fence is open; rejects if the node stops being master.
   */
  awaitLocal(): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    const local = this.repl.local === "disk" ? this.journal.sync() : Promise.resolve();
    return local.then(() => (this.fence() === null ? undefined : this.fenced()));
  }

  /** Resolves once the fence opens again; rejects if the node stops being master meanwhile. */
  private fenced(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (this.failed) return reject(this.failed);
        if (this.fence() === null) return resolve();
        setTimeout(check, 20);
      };
      check();
    });
  }

  /** A slave reported how far it has the log in memory and on disk. */
  onAck(slave: string, mem: number, disk: number): void {
    this.slaves.set(slave, { mem, disk });
    this.release();
  }

  /** Resolves every waiter the quorum now covers. */
  private release(): void {
    if (this.waiters.length === 0) return;
    const threshold = this.threshold();
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.position < threshold) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  slaveGone(slave: string): void {
    this.slaves.delete(slave);
  }

  /** The node stopped being master: every held receipt fails (the client will resend elsewhere). */
  fail(err: Error): void {
    this.failed = err;
    clearInterval(this.timer);
    this.trace?.stop();
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w.reject(err);
  }

  snapshot(): Array<{ slave: string; mem: number; disk: number }> {
    return [...this.slaves].map(([slave, p]) => ({ slave, ...p }));
  }

  /** Positions below this are held by at least minSlaveAcks slaves (a quorum of nodes, with masterVotes). */
  private threshold(): number {
    if (this.votesLocally()) {
      const votes = [this.journal.durablePosition, ...[...this.slaves.values()].map((p) => p.disk)].sort((a, b) => b - a);
      const quorum = this.repl.minSlaveAcks + 1;
      return votes.length >= quorum ? votes[quorum - 1]! : -1;
    }
    const acked = [...this.slaves.values()].map((p) => (this.repl.remote === "disk" ? p.disk : p.mem)).sort((a, b) => b - a);
    return acked.length >= this.repl.minSlaveAcks ? acked[this.repl.minSlaveAcks - 1] : -1;
  }

  private acked(position: number): boolean {
    return position < this.threshold();
  }

  private logWaiting(): void {
    if (this.waiters.length === 0) return;
    const oldest = this.waiters[0];
    this.logger.warn(
      { position: oldest.position, waiting: this.waiters.length, slaves: this.snapshot() },
      `Store update waiting on ${this.repl.minSlaveAcks} replica(s) to catch up to log position ${oldest.position}`,
    );
  }
}
