import type { Logger } from "pino";
import type { MessageStore } from "../store/MessageStore";
import { Deque } from "./Deque";
import { messageFromEntry, messageMemorySize, type BrokerMessage } from "./BrokerMessage";
import type { ChangeMark, DestinationChanges } from "./DestinationChanges";
import type { MemoryUsage } from "./MemoryUsage";
import type { Subscription } from "./Subscription";

/** What a queue needs from its broker; passed in so a queue holds no global state. */
export interface QueueContext {
  store: MessageStore;
  memory: MemoryUsage;
  logger: Logger;
  maxRedeliveries: number;
  /** Moves a message that can no longer be delivered to the dead-letter queue. */
  deadLetter(msg: BrokerMessage, from: Queue, reason: string): void;
  /** Non-durable topic subscriptions cut their consumer off when its buffer is exceeded. */
  slowConsumer(sub: Subscription, queue: Queue): void;
  /** Arrival order for messages read back from the journal. */
  nextSeq(): number;
  /** What happens to a message found expired: moved to DLQ.<name> or dropped. */
  expiredMessages: "dlq" | "drop";
  /** The node's destination change sequence (what the console's metric recorder reads). */
  changes: DestinationChanges;
}

export type QueueKind = "queue" | "temp-queue" | "durable" | "topic-subscription";

export interface QueueStats {
  enqueued: number;
  dequeued: number;
  dispatched: number;
  expired: number;
  deadLettered: number;
  redelivered: number;
}

/** Spilled messages are paged back in batches of this size when the in-memory backlog runs low. */
const PAGE_IN_BATCH = 256;
/** Keep at least this many messages in memory ahead of dispatch while spilled ones remain. */
const PAGE_IN_LOW_WATER = 128;
/** The message group a message belongs to (ActiveMQ's JMSXGroupID header), if any. */
function groupOf(msg: BrokerMessage): string | undefined {
  for (const [k, v] of msg.headers) if (k === "JMSXGroupID") return v;
  return undefined;
}

/** How far from the head a redelivered message may be placed to restore arrival order. */
const REDELIVERY_SCAN_LIMIT = 10_000;
/** With selectors, how far down the backlog one dispatch pass looks for a match. */
const SELECTOR_SCAN_LIMIT = 2000;

/**
 * A store of messages with competing consumers. It backs /queue/ destinations, durable topic
 * subscriptions, and (without the journal) each non-durable topic subscription's buffer, so the
 * dispatch, ack, redelivery and paging rules exist once.
 *
 * Order: `pending` (in RAM, by priority) comes before `spilled` (journal positions only). A new
 * persistent message is spilled when memory is over the limit or older ones are already spilled,
 * which keeps FIFO order per priority and the node's memory bounded.
 */
export class Queue implements ChangeMark {
  private readonly pending: Array<Deque<BrokerMessage>> = Array.from({ length: 10 }, () => new Deque());
  private pendingCount = 0;
  private readonly spilled = new Deque<number>();
  readonly consumers: Subscription[] = [];
  private rr = 0;
  private dispatching = false;
  private dispatchScheduled = false;
  private paging = false;
  /** Bumped by purge: a page-in that started before it must not bring purged messages back. */
  private pageEpoch = 0;
  private closed = false;
  readonly stats: QueueStats = { enqueued: 0, dequeued: 0, dispatched: 0, expired: 0, deadLettered: 0, redelivered: 0 };
  readonly createdAt = Date.now();
  changeSeq = 0;
  /**
   * Where this queue's changes are marked: itself, or for a topic's subscription buffer and
   * durable subscription the topic (the admin API reports a topic with its subscriptions' sums).
   */
  mark: ChangeMark = this;
  /** Messages delivered and not yet acknowledged, across consumers. */
  inflight = 0;
  /** Bound on buffered messages for topic-subscription queues (slow consumer protection). */
  maxPending = Infinity;
  /** Message groups (JMSXGroupID): each group sticks to the consumer that got its first message. */
  private readonly groupOwners = new Map<string, Subscription>();
  /** Set once a grouped message arrives: dispatch must then look at each message's group. */
  private grouped = false;

  constructor(
    /** Storage key: "/queue/a", "durable:<client>:<sub>", "topic-sub:<conn>/<id>". */
    readonly key: string,
    /** Client-visible destination name. */
    readonly destination: string,
    readonly kind: QueueKind,
    /** Whether persistent messages of this queue are written to the journal. */
    readonly journaled: boolean,
    private readonly ctx: QueueContext,
  ) {
    this.ctx.changes.touch(this);
  }

  /** Counters, depth, in-flight or consumers changed (DestinationChanges). */
  private touched(): void {
    this.ctx.changes.touch(this.mark);
  }

  /** Messages waiting (in RAM or paged out), not counting in-flight ones. */
  get depth(): number {
    return this.pendingCount + this.spilled.length;
  }

  get spilledCount(): number {
    return this.spilled.length;
  }

  /**
   * Adds a message. A persistent message of a journaled queue must already have its ADD record
   * appended (msg.position >= 0).
   */
  enqueue(msg: BrokerMessage): void {
    if (this.closed) return;
    this.stats.enqueued++;
    this.touched();
    if (!this.grouped && groupOf(msg) !== undefined) this.grouped = true;
    // While a page-in is reading older messages back, newer ones must queue behind them on disk.
    const spill =
      this.journaled && msg.position >= 0 && (this.spilled.length > 0 || this.paging || this.ctx.memory.isFull());
    if (spill) {
      this.spilled.push(msg.position);
    } else {
      this.keepInMemory(msg);
      if (this.pendingCount > this.maxPending) {
        const sub = this.consumers[0];
        if (sub) this.ctx.slowConsumer(sub, this);
      }
    }
    this.dispatch();
  }

  /**
   * Store elision, after ActiveMQ's concurrentStoreAndDispatchQueues and RabbitMQ's skipping of
   * messages consumed before they reach disk: a new persistent message that nothing waits ahead
   * of, whose next consumer acknowledges automatically, goes straight out and is never journaled.
   * The disk ends in the same state either way — the ADD and the auto-ack's REMOVE would be
   * appended in this same call, so they reach the OS together and recovery would never bring the
   * message back — but two records, a copy of the body and their checksums are saved. Returns
   * false (and changes nothing) when the message must take the journaled path.
   */
  deliverUnstored(msg: BrokerMessage): boolean {
    if (this.closed || this.dispatching || this.pendingCount > 0 || this.spilled.length > 0 || this.paging) return false;
    if (msg.expires > 0 && msg.expires <= Date.now()) return false;
    // Grouped before choosing, as enqueue does, so a group's first message records its owner.
    if (!this.grouped && groupOf(msg) !== undefined) this.grouped = true;
    const candidate = this.nextConsumer(msg, false);
    if (candidate === null || candidate.options.ackMode !== "auto") return false;
    this.nextConsumer(msg, true); // the same one, now recording the group owner and round-robin turn
    this.stats.enqueued++;
    this.touched();
    this.handOver(candidate, msg);
    return true;
  }

  /** Re-adds recovered messages (journal positions, log order) after a restart; bodies page in on demand. */
  restore(positions: number[]): void {
    for (const p of positions) this.spilled.push(p);
    this.stats.enqueued += positions.length;
    this.touched();
    this.maybePageIn();
  }

  addConsumer(sub: Subscription): void {
    sub.source = this;
    this.consumers.push(sub);
    this.touched();
    this.scheduleDispatch();
  }

  /** Detaches a consumer; its in-flight messages come back at the head, marked redelivered. */
  removeConsumer(sub: Subscription): void {
    const i = this.consumers.indexOf(sub);
    if (i >= 0) this.consumers.splice(i, 1);
    this.touched();
    // Its groups move to whichever consumer gets their next message (JMS message-group semantics).
    for (const [group, owner] of this.groupOwners) if (owner === sub) this.groupOwners.delete(group);
    const back = sub.drainInflight();
    this.inflight -= back.length;
    // Put back in reverse so the oldest ends up first.
    for (let j = back.length - 1; j >= 0; j--) this.redeliver(back[j], false);
    this.scheduleDispatch();
  }

  /** Called by a subscription when a delivered message is acknowledged (or auto-acked). */
  acknowledge(msg: BrokerMessage, writeRecord: boolean, autoAck = false): void {
    if (!autoAck) this.inflight--;
    this.stats.dequeued++;
    this.touched();
    if (writeRecord && this.journaled && msg.position >= 0) this.ctx.store.appendRemove(this.key, msg.position);
    this.release(msg);
    if (!autoAck) this.scheduleDispatch();
  }

  /** Counts a delivery that an auto-ack subscription acknowledged as it went out. */
  noteAutoAck(msg: BrokerMessage): void {
    this.acknowledge(msg, true, true);
  }

  /**
   * Puts a message back for another delivery, or dead-letters it once it has been redelivered
   * maxRedeliveries times.
   */
  redeliver(msg: BrokerMessage, wasInflight = true): void {
    if (wasInflight) this.inflight--;
    this.touched();
    if (msg.deliveryCount > this.ctx.maxRedeliveries) {
      this.stats.deadLettered++;
      this.ctx.deadLetter(msg, this, `delivered ${msg.deliveryCount} times (maxRedeliveries=${this.ctx.maxRedeliveries})`);
      return;
    }
    this.stats.redelivered++;
    // Back in arrival order among the messages still waiting, however the redeliveries interleave
    // (a dropped connection returns its transaction's acks and its in-flight messages separately).
    const dq = this.pending[msg.priority];
    let i = 0;
    while (i < dq.length && i < REDELIVERY_SCAN_LIMIT && (dq.at(i) as BrokerMessage).seq < msg.seq) i++;
    dq.insertAt(i, msg);
    this.pendingCount++;
    this.scheduleDispatch();
  }

  scheduleDispatch(): void {
    if (this.dispatchScheduled || this.closed) return;
    this.dispatchScheduled = true;
    setImmediate(() => {
      this.dispatchScheduled = false;
      this.dispatch();
    });
  }

  /** Hands messages to consumers with credit: round robin, highest priority first. */
  dispatch(): void {
    if (this.dispatching || this.closed) return;
    this.dispatching = true;
    try {
      if (this.consumers.length > 0) {
        if (this.grouped || this.consumers.some((c) => c.options.selector !== null)) this.dispatchScanning();
        else this.dispatchFast();
      }
    } finally {
      this.dispatching = false;
    }
    this.maybePageIn();
  }

  private dispatchFast(): void {
    while (this.pendingCount > 0) {
      const sub = this.nextConsumer(null);
      if (!sub) return;
      const msg = this.takeHead();
      if (!msg) return;
      if (this.expired(msg)) continue;
      this.handOver(sub, msg);
    }
  }

  private dispatchScanning(): void {
    for (let p = 9; p >= 0; p--) {
      const dq = this.pending[p];
      let i = 0;
      let scanned = 0;
      while (i < dq.length && scanned < SELECTOR_SCAN_LIMIT) {
        if (!this.consumers.some((c) => c.hasCredit())) return;
        scanned++;
        const msg = dq.at(i) as BrokerMessage;
        if (msg.expires > 0 && msg.expires <= Date.now()) {
          dq.removeAt(i);
          this.pendingCount--;
          this.expired(msg);
          continue;
        }
        const sub = this.nextConsumer(msg);
        if (!sub) {
          i++;
          continue;
        }
        dq.removeAt(i);
        this.pendingCount--;
        this.handOver(sub, msg);
      }
    }
  }

  private handOver(sub: Subscription, msg: BrokerMessage): void {
    this.stats.dispatched++;
    this.touched();
    if (sub.options.ackMode !== "auto") this.inflight++;
    sub.deliver(msg);
  }

  /**
   * Round robin over consumers with credit (and a matching selector when `msg` is given).
   * `record` false only looks: the group owner and the round-robin turn stay as they were.
   */
  private nextConsumer(msg: BrokerMessage | null, record = true): Subscription | null {
    const n = this.consumers.length;
    const exclusive = this.consumers.find((c) => c.options.exclusive);
    if (exclusive) return exclusive.hasCredit() && (!msg || exclusive.matches(msg)) ? exclusive : null;
    const group = msg && this.grouped ? groupOf(msg) : undefined;
    if (group !== undefined) {
      const owner = this.groupOwners.get(group);
      if (owner) return owner.hasCredit() && owner.matches(msg!) ? owner : null;
      const chosen = this.roundRobin(msg, record);
      if (chosen && record) this.groupOwners.set(group, chosen);
      return chosen;
    }
    return this.roundRobin(msg, record);
  }

  private roundRobin(msg: BrokerMessage | null, record: boolean): Subscription | null {
    const n = this.consumers.length;
    // Consumer priority (activemq.priority; a network bridge's subscription is -5): the highest
    // priority among consumers that can take the message wins, round robin within it. Only
    // queues that have a non-default priority pay for the extra pass.
    let best = 0;
    const prioritised = this.consumers.some((c) => (c.options.priority ?? 0) !== 0);
    if (prioritised) {
      best = -Infinity;
      for (const sub of this.consumers) {
        const p = sub.options.priority ?? 0;
        if (p > best && sub.hasCredit() && (!msg || sub.matches(msg))) best = p;
      }
    }
    for (let k = 0; k < n; k++) {
      const sub = this.consumers[(this.rr + k) % n];
      if (prioritised && (sub.options.priority ?? 0) !== best) continue;
      if (sub.hasCredit() && (!msg || sub.matches(msg))) {
        if (record) this.rr = (this.rr + k + 1) % n;
        return sub;
      }
    }
    return null;
  }

  private takeHead(): BrokerMessage | undefined {
    for (let p = 9; p >= 0; p--) {
      const m = this.pending[p].shift();
      if (m) {
        this.pendingCount--;
        return m;
      }
    }
    return undefined;
  }

  /** Drops an expired message (counted); true when it was expired. */
  private expired(msg: BrokerMessage): boolean {
    if (msg.expires === 0 || msg.expires > Date.now()) return false;
    this.stats.expired++;
    this.touched();
    if (this.ctx.expiredMessages === "dlq" && this.kind !== "topic-subscription") {
      // deadLetter journals the move (ADD to the DLQ + REMOVE here, one transaction) and releases memory.
      this.ctx.deadLetter(msg, this, "expired");
      return true;
    }
    if (this.journaled && msg.position >= 0) this.ctx.store.appendRemove(this.key, msg.position);
    this.release(msg);
    return true;
  }

  /** Removes expired messages still waiting in RAM (a queue nobody consumes must not keep them). */
  sweepExpired(now = Date.now()): number {
    let n = 0;
    for (const dq of this.pending) {
      const gone = dq.filter((m) => m.expires === 0 || m.expires > now);
      this.pendingCount -= gone.length;
      for (const m of gone) if (this.expired(m)) n++;
    }
    return n;
  }

  /**
   * Every waiting message in dispatch order, without consuming: RAM first, then paged-out ones
   * read from the journal (a snapshot taken when browsing starts; nothing is kept in memory).
   */
  async *browse(): AsyncGenerator<BrokerMessage> {
    const inMemory = this.pendingSnapshot();
    const onDisk = this.spilledSnapshot();
    for (const m of inMemory) yield m;
    for (let i = 0; i < onDisk.length; i += PAGE_IN_BATCH) {
      const batch = onDisk.slice(i, i + PAGE_IN_BATCH);
      const entries = await Promise.all(batch.map((p) => this.ctx.store.load(p).catch(() => null)));
      for (let k = 0; k < entries.length; k++) {
        const e = entries[k];
        if (!e) continue; // consumed and reclaimed meanwhile
        yield messageFromEntry(e, this.key, batch[k], 0);
      }
    }
  }

  private keepInMemory(msg: BrokerMessage): void {
    msg.memSize = messageMemorySize(msg);
    this.ctx.memory.increase(msg.memSize);
    this.pending[msg.priority].push(msg);
    this.pendingCount++;
  }

  private release(msg: BrokerMessage): void {
    if (msg.memSize > 0) {
      this.ctx.memory.decrease(msg.memSize);
      msg.memSize = 0;
    }
  }

  /** Reads spilled messages back from the journal while the in-memory backlog is short. */
  private maybePageIn(): void {
    if (this.paging || this.closed || this.spilled.length === 0) return;
    if (this.pendingCount >= PAGE_IN_LOW_WATER) return;
    if (this.ctx.memory.isAbove(0.95) && this.pendingCount > 0) return;
    this.paging = true;
    this.pageIn().then(
      () => {
        this.paging = false;
        if (this.pendingCount > 0) this.dispatch();
        else this.maybePageIn();
      },
      () => {
        // Already logged with the queue's name; the positions are back in `spilled`. Try again
        // later rather than spin on a failing read.
        this.paging = false;
        setTimeout(() => this.maybePageIn(), 1000).unref();
      },
    );
  }

  private async pageIn(): Promise<void> {
    const batch: number[] = [];
    while (batch.length < PAGE_IN_BATCH && this.spilled.length > 0) batch.push(this.spilled.shift() as number);
    const epoch = this.pageEpoch;
    try {
      const entries = await Promise.all(batch.map((p) => this.ctx.store.load(p)));
      if (epoch !== this.pageEpoch) return;
      for (let i = 0; i < entries.length; i++) {
        const msg = messageFromEntry(entries[i], this.key, batch[i], this.ctx.nextSeq());
        if (this.closed) return;
        this.keepInMemory(msg);
      }
      if (entries.length > 0) this.touched(); // paged in: spilled count moved
    } catch (err) {
      // Put the positions back so nothing is lost; a corrupt record is an operator problem, logged loudly.
      for (let i = batch.length - 1; i >= 0; i--) this.spilled.unshift(batch[i]);
      this.ctx.logger.error({ err, queue: this.key }, "page-in from the journal failed");
      throw err;
    }
  }

  /**
   * Pages journaled messages waiting in RAM back out to the journal, the ones dispatched last
   * first (lowest priority, newest), so their bodies leave memory: a persistent backlog with no
   * consumer must not hold the memory limit and pause every non-persistent producer of the node.
   * Only messages whose journal record is their whole state move: persistent, journaled, never
   * delivered (a redelivered message's delivery count lives in RAM). Order is kept — moved
   * messages go to the head of `spilled`, which is dispatched after everything left in RAM.
   * Returns the bytes released.
   */
  evictToDisk(wanted: number): number {
    if (!this.journaled || this.closed || this.paging || wanted <= 0) return 0;
    let freed = 0;
    for (let p = 0; p <= 9 && freed < wanted; p++) {
      const dq = this.pending[p];
      for (let i = dq.length - 1; i >= 0 && freed < wanted; i--) {
        const m = dq.at(i)!;
        if (m.position < 0 || m.deliveryCount > 0) break; // keep order: stop at the first that must stay
        dq.removeAt(i);
        this.pendingCount--;
        freed += m.memSize;
        this.release(m);
        this.spilled.unshift(m.position);
      }
    }
    if (freed > 0) this.touched(); // spilled count moved (the admin fingerprint's long-poll follows the change sequence)
    return freed;
  }

  /** Snapshot of messages waiting in RAM, in dispatch order (for browsing and admin views). */
  pendingSnapshot(): BrokerMessage[] {
    const out: BrokerMessage[] = [];
    for (let p = 9; p >= 0; p--) for (const m of this.pending[p]) out.push(m);
    return out;
  }

  spilledSnapshot(): number[] {
    return [...this.spilled];
  }

  /** Smallest journal position this queue still needs (for segment reclaim); Infinity if none. */
  minLivePosition(): number {
    let min = this.spilled.length > 0 ? (this.spilled.peek() as number) : Infinity;
    for (const dq of this.pending) for (const m of dq) if (m.position >= 0 && m.position < min) min = m.position;
    for (const c of this.consumers) for (const m of c.inflight.values()) if (m.position >= 0 && m.position < min) min = m.position;
    return min;
  }

  /** Removes every waiting message (not in-flight ones); returns how many. */
  purge(): number {
    this.pageEpoch++;
    const removed = this.depth;
    if (this.journaled && removed > 0) this.ctx.store.appendPurge(this.key);
    for (const dq of this.pending) {
      for (const m of dq) this.release(m);
      dq.clear();
    }
    this.pendingCount = 0;
    this.spilled.clear();
    this.stats.dequeued += removed;
    this.touched();
    return removed;
  }

  /** Removes waiting messages the predicate selects (admin move/remove); journals each removal. */
  removeWhere(pred: (m: BrokerMessage) => boolean, limit = Infinity): BrokerMessage[] {
    const out: BrokerMessage[] = [];
    for (const dq of this.pending) {
      const taken = dq.filter((m) => {
        if (out.length >= limit || !pred(m)) return true;
        out.push(m);
        return false;
      });
      this.pendingCount -= taken.length;
    }
    for (const m of out) {
      if (this.journaled && m.position >= 0) this.ctx.store.appendRemove(this.key, m.position);
      this.release(m);
      this.stats.dequeued++;
    }
    if (out.length > 0) this.touched();
    return out;
  }

  /**
   * Removes paged-out messages by journal position (admin move/remove of spilled messages);
   * journals each removal. Returns the positions actually removed (others were paged in or gone).
   */
  removeSpilled(positions: ReadonlySet<number>): number[] {
    const out: number[] = [];
    this.spilled.filter((p) => {
      if (!positions.has(p)) return true;
      out.push(p);
      return false;
    });
    for (const p of out) {
      if (this.journaled) this.ctx.store.appendRemove(this.key, p);
      this.stats.dequeued++;
    }
    if (out.length > 0) this.touched();
    return out;
  }

  /** Arrival time of the oldest message waiting in RAM (each priority lane is FIFO, redeliveries at its head); null if none. */
  oldestPendingTimestamp(): number | null {
    let min: number | null = null;
    for (const dq of this.pending) {
      const head = dq.peek();
      if (head && (min === null || head.timestamp < min)) min = head.timestamp;
    }
    return min;
  }

  close(): void {
    this.closed = true;
    for (const dq of this.pending) {
      for (const m of dq) this.release(m);
      dq.clear();
    }
    this.pendingCount = 0;
  }
}
