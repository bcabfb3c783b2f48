import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { BrokerPolicy } from "../../config/clusterSchema";
import type { MessageStore, RecoveredState } from "../store/MessageStore";
import type { StompHeaders } from "../stomp/StompFrame";
import { compileSelector } from "../selector/compileSelector";
import type { BrokerMessage } from "./BrokerMessage";
import { ownedBody } from "./ownedBody";
import { parseDestination, type ParsedDestination } from "./destinationName";
import { MemoryUsage } from "./MemoryUsage";
import { DestinationChanges } from "./DestinationChanges";
import { Queue, type QueueContext } from "./Queue";
import { selectorField, Subscription, type ConsumerSink, type SubscriptionOptions } from "./Subscription";
import { Topic, type DurableSubscription } from "./Topic";

/** Thrown for a request the broker refuses; the message goes into the client's ERROR frame. */
export class BrokerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BrokerError";
  }
}

export interface NewMessage {
  destination: string;
  headers: StompHeaders;
  body: Buffer;
  persistent: boolean;
  hasContentLength: boolean;
  priority: number;
  expires: number;
}

/** A send or ack held by a transaction until COMMIT. */
export interface TxSend { target: ResolvedTarget; msg: BrokerMessage }
export interface TxAck { sub: Subscription; msg: BrokerMessage }

/** A destination after temp-name scoping: the key the broker stores it under. */
export interface ResolvedTarget extends ParsedDestination {
  key: string;
  /** Connection that owns a temporary destination. */
  owner?: string;
}

const TOPIC_SUBSCRIBER_BUFFER = 10_000;

/**
 * Destinations, routing, transactions and dead-lettering for one node. It knows nothing about
 * sockets: connections reach it through Subscription sinks.
 */
/** Distinct queue/topic names whose resolution is cached before the cache starts over. */
const RESOLVE_CACHE_SIZE = 10_000;

export class Broker {
  readonly queues = new Map<string, Queue>();
  readonly topics = new Map<string, Topic>();
  /** Explicitly created destinations → position of their journal record (re-logged before reclaim). */
  private readonly declared = new Map<string, number>();
  /** resolve() results for /queue/ and /topic/ names (they do not depend on the connection). */
  private readonly resolved = new Map<string, ResolvedTarget>();
  /** Which topic each non-durable subscriber listens to, for UNSUBSCRIBE. */
  private readonly subscriberTopics = new Map<Subscription, Topic>();
  readonly memory: MemoryUsage;
  /** Which destinations changed since a reader's cursor (admin GET /destination-changes). */
  readonly changes = new DestinationChanges();
  private readonly ctx: QueueContext;
  private readonly bootId = `${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  private msgCounter = 0;
  private seq = 0;
  private reclaimTimer: NodeJS.Timeout | null = null;
  private reclaiming = false;
  /** Open connections that have sent to each destination key (the admin API's producer count). */
  readonly producers = new Map<string, Set<string>>();
  /**
   * Called after a consumer was added to or removed from a queue or topic (its key): consumer
   * advisories and network bridges learn demand from it (bridge/ConsumerAdvisory).
   */
  onConsumersChanged: (key: string) => void = () => {};
  /** Called when a slow non-durable topic subscriber must be cut off. */
  onSlowConsumer: (sub: Subscription) => void = () => {};
  readonly startedAt = Date.now();

  constructor(
    readonly nodeName: string,
    readonly policy: BrokerPolicy,
    readonly store: MessageStore,
    private readonly logger: Logger,
  ) {
    this.memory = new MemoryUsage(policy.memoryLimit);
    this.ctx = {
      store,
      memory: this.memory,
      logger,
      maxRedeliveries: policy.maxRedeliveries,
      deadLetter: (msg, from, reason) => this.deadLetter(msg, from, reason),
      slowConsumer: (sub) => this.onSlowConsumer(sub),
      nextSeq: () => ++this.seq,
      expiredMessages: policy.expiredMessages,
      changes: this.changes,
    };
  }

  /** Rebuilds destinations and durable subscriptions from the journal's replay. */
  restore(state: RecoveredState): void {
    for (const name of state.destinations) {
      const parsed = parseDestination(name);
      if (parsed?.kind === "queue") this.queueFor(name, name, true);
      else if (parsed?.kind === "topic") this.topicFor(name, true);
      this.declared.set(name, -1);
    }
    for (const d of state.durableSubs) {
      this.createDurable(d.clientId, d.subName, d.topic, d.selector, -1);
    }
    for (const [key, positions] of state.stores) {
      if (positions.length === 0) continue;
      if (key.startsWith("durable:")) {
        const durable = this.findDurableByKey(key);
        if (durable) durable.queue.restore(positions);
        else this.logger.warn({ key, messages: positions.length }, "messages for an unknown durable subscription dropped");
        continue;
      }
      const parsed = parseDestination(key);
      if (!parsed || parsed.kind !== "queue") {
        this.logger.warn({ key }, "journal holds messages for an unknown store key; ignored");
        continue;
      }
      this.queueFor(key, key, true).restore(positions);
    }
  }

  /** Starts the periodic reclaim of fully-consumed journal segments. */
  startMaintenance(intervalMs = 5000): void {
    this.reclaimTimer = setInterval(() => {
      for (const q of this.queues.values()) q.sweepExpired();
      for (const t of this.topics.values()) for (const d of t.durables.values()) d.queue.sweepExpired();
      void this.reclaim();
    }, intervalMs);
    this.reclaimTimer.unref();
  }

  stop(): void {
    if (this.reclaimTimer) clearInterval(this.reclaimTimer);
    this.reclaimTimer = null;
    for (const q of this.queues.values()) q.close();
  }

  nextMessageId(): string {
    return `ID:${this.nodeName}-${this.bootId}-${++this.msgCounter}`;
  }

  /** Scopes /temp-queue/x of connection C to C's own instance; /remote-temp-* names address it from elsewhere. */
  resolve(destination: string, connectionId: string): ResolvedTarget {
    // Hot path: every SEND resolves its destination. Queue and topic names resolve the same for
    // every connection, so they are cached; the cache is bounded so random names cannot grow it.
    const hit = this.resolved.get(destination);
    if (hit !== undefined) return hit;
    const parsed = parseDestination(destination);
    if (!parsed) {
      throw new BrokerError(
        `Illegal destination name: [${destination}] -- destinations must begin with one of: /queue/ /topic/ /temp-queue/ /temp-topic/`,
      );
    }
    if (parsed.kind === "queue" || parsed.kind === "topic") {
      const target: ResolvedTarget = Object.freeze({ kind: parsed.kind, name: parsed.name, key: `/${parsed.kind}/${parsed.name}` });
      if (this.resolved.size >= RESOLVE_CACHE_SIZE) this.resolved.clear();
      this.resolved.set(destination, target);
      return target;
    }
    const scoped = parsed.remote ? parsed.name : `${connectionId}.${parsed.name}`;
    const owner = scoped.slice(0, scoped.indexOf("."));
    return { kind: parsed.kind, name: scoped, key: `/${parsed.kind}/${scoped}`, owner };
  }

  /** The name other connections use for a connection's temporary destination (reply-to rewriting). */
  remoteName(destination: string, connectionId: string): string {
    const parsed = parseDestination(destination);
    if (!parsed || parsed.remote || (parsed.kind !== "temp-queue" && parsed.kind !== "temp-topic")) return destination;
    return `/remote-${parsed.kind}/${connectionId}.${parsed.name}`;
  }

  createMessage(m: NewMessage): BrokerMessage {
    return {
      id: this.nextMessageId(),
      store: "",
      destination: m.destination,
      headers: m.headers,
      body: m.body,
      bodySize: m.body.length,
      persistent: m.persistent,
      hasContentLength: m.hasContentLength,
      priority: m.priority,
      expires: m.expires,
      timestamp: Date.now(),
      position: -1,
      deliveryCount: 0,
      seq: ++this.seq,
      memSize: 0,
      wire: null,
    };
  }

  private checkCreate(target: ResolvedTarget, exists: boolean): void {
    if (exists || this.policy.autoCreateDestinations || target.kind.startsWith("temp")) return;
    throw new BrokerError(`destination ${target.key} does not exist and automatic creation is disabled`);
  }

  queueFor(key: string, destination: string, create: boolean): Queue {
    let q = this.queues.get(key);
    if (!q) {
      if (!create) throw new BrokerError(`destination ${key} does not exist`);
      const kind = key.startsWith("/temp-queue/") ? "temp-queue" : "queue";
      q = new Queue(key, destination, kind, kind === "queue", this.ctx);
      this.queues.set(key, q);
      this.changes.created(key);
    }
    return q;
  }

  topicFor(key: string, create: boolean): Topic {
    let t = this.topics.get(key);
    if (!t) {
      if (!create) throw new BrokerError(`destination ${key} does not exist`);
      t = new Topic(key);
      this.topics.set(key, t);
      this.changes.touch(t);
      this.changes.created(key);
    }
    return t;
  }

  /** Explicit creation (admin API / config); idempotent; journaled, so the destination outlives restarts and failovers. */
  createDestination(destination: string): ResolvedTarget {
    const target = this.resolve(destination, "admin");
    if (target.kind === "queue") this.queueFor(target.key, target.key, true);
    else if (target.kind === "topic") this.topicFor(target.key, true);
    else throw new BrokerError("temporary destinations belong to a connection and cannot be created here");
    if (!this.declared.has(target.key)) this.declared.set(target.key, this.store.appendDestination(target.key, false));
    return target;
  }

  /** Records an explicit deletion (the admin API removes the destination itself). */
  destinationDeleted(key: string): void {
    this.changes.deleted(key);
    if (this.declared.delete(key) || this.queues.has(key)) this.store.appendDestination(key, true);
  }

  /**
   * Journals (if persistent) and routes a message. Returns the highest journal position written,
   * or -1 when nothing touched the journal; the caller waits for it before a receipt.
   */
  send(target: ResolvedTarget, msg: BrokerMessage, origin?: string): number {
    if (origin !== undefined) this.noteProducer(target.key, origin);
    if (target.kind === "queue" || target.kind === "temp-queue") {
      // A temporary queue comes into being when its owner first uses it; others can only reach a live one.
      if (target.kind === "temp-queue" && !this.queues.has(target.key) && target.owner !== origin) {
        throw new BrokerError(`temporary destination ${target.key} no longer exists`);
      }
      this.checkCreate(target, this.queues.has(target.key));
      const q = this.queueFor(target.key, target.key, true);
      msg.store = q.key;
      // A persistent message an auto-ack consumer takes at once is never journaled (see
      // Queue.deliverUnstored); its body, a view into the socket chunk, was copied into the frame.
      if (msg.persistent && q.journaled && q.deliverUnstored(msg)) return -1;
      // The body may still be a view into a socket chunk: journaling copies it into the record
      // (and the message keeps a view of that), anything else gets a copy of its own.
      if (msg.persistent && q.journaled) msg.position = this.store.appendAdd(msg);
      else if (msg.body) msg.body = ownedBody(msg.body);
      q.enqueue(msg);
      return msg.position;
    }
    if (target.kind === "temp-topic" && !this.topics.has(target.key) && target.owner !== origin) {
      throw new BrokerError(`temporary destination ${target.key} no longer exists`);
    }
    this.checkCreate(target, this.topics.has(target.key));
    return this.publish(this.topicFor(target.key, true), msg, origin);
  }

  private noteProducer(key: string, connectionId: string): void {
    let set = this.producers.get(key);
    if (!set) this.producers.set(key, (set = new Set()));
    if (set.has(connectionId)) return;
    set.add(connectionId);
    this.producerCountChanged(key);
  }

  /** The admin API shows producers per destination: a change of their number is a change of the destination. */
  private producerCountChanged(key: string): void {
    const mark = this.queues.get(key)?.mark ?? this.topics.get(key);
    if (mark) this.changes.touch(mark);
  }

  /** Fans a message out to a topic's subscriptions; durable copies are journaled. */
  private publish(topic: Topic, msg: BrokerMessage, origin?: string): number {
    topic.enqueued++;
    this.changes.touch(topic);
    if (msg.body) msg.body = ownedBody(msg.body); // shared by every subscriber's copy
    let position = -1;
    for (const [sub, q] of topic.subscribers) {
      if (sub.options.noLocal && origin === sub.sink.connectionId) continue;
      if (!sub.matches(msg)) continue;
      q.enqueue({ ...msg, store: q.key, position: -1, memSize: 0 });
    }
    for (const d of topic.durables.values()) {
      if (!d.matches(msg)) continue;
      const copy: BrokerMessage = { ...msg, store: d.queue.key, position: -1, memSize: 0 };
      if (msg.persistent) copy.position = this.store.appendAdd(copy);
      if (copy.position > position) position = copy.position;
      d.queue.enqueue(copy);
    }
    return position;
  }

  /**
   * Applies a committed transaction: every ADD/REMOVE record and then one COMMIT record, so that
   * recovery sees all of it or none of it. Returns the COMMIT record's position (or -1).
   */
  commit(sends: TxSend[], acks: TxAck[]): { position: number; apply: () => void } {
    const txId = this.store.newTxId();
    let journaled = false;
    const topicSends: Array<{ topic: Topic; msg: BrokerMessage; copies: BrokerMessage[] }> = [];
    for (const s of sends) {
      if (s.target.kind === "topic" || s.target.kind === "temp-topic") {
        const topic = this.topicFor(s.target.key, true);
        const copies: BrokerMessage[] = [];
        for (const d of topic.durables.values()) {
          if (!d.matches(s.msg)) continue;
          const copy: BrokerMessage = { ...s.msg, store: d.queue.key, position: -1, memSize: 0 };
          if (copy.persistent) {
            copy.position = this.store.appendAdd(copy, txId);
            journaled = true;
          }
          copies.push(copy);
        }
        topicSends.push({ topic, msg: s.msg, copies });
        continue;
      }
      const q = this.queueFor(s.target.key, s.target.key, true);
      s.msg.store = q.key;
      if (s.msg.persistent && q.journaled) {
        s.msg.position = this.store.appendAdd(s.msg, txId);
        journaled = true;
      }
    }
    for (const a of acks) {
      const q = a.sub.source;
      if (q && q.journaled && a.msg.position >= 0) {
        this.store.appendRemove(q.key, a.msg.position, txId);
        journaled = true;
      }
    }
    const position = journaled ? this.store.appendCommit(txId) : -1;
    const apply = (): void => {
      for (const s of sends) {
        if (s.target.kind === "queue" || s.target.kind === "temp-queue") this.queues.get(s.target.key)?.enqueue(s.msg);
      }
      for (const t of topicSends) {
        t.topic.enqueued++;
        this.changes.touch(t.topic);
        for (const [sub, q] of t.topic.subscribers) {
          if (sub.matches(t.msg)) q.enqueue({ ...t.msg, store: q.key, position: -1, memSize: 0 });
        }
        for (const c of t.copies) this.findDurableByKey(c.store)?.queue.enqueue(c);
      }
      for (const a of acks) a.sub.source?.acknowledge(a.msg, false);
    };
    return { position, apply };
  }

  /** Registers a consumer on a destination; durable topic subscriptions are created or resumed. */
  subscribe(
    sink: ConsumerSink,
    target: ResolvedTarget,
    options: SubscriptionOptions,
    durable?: { clientId: string; subName: string },
  ): Subscription {
    const sub = new Subscription(sink, options);
    if (target.kind === "queue" || target.kind === "temp-queue") {
      if (durable) throw new BrokerError("cannot durably subscribe to a Queue destination!");
      if (target.kind === "temp-queue" && target.owner !== sink.connectionId && !this.queues.has(target.key)) {
        throw new BrokerError(`temporary destination ${target.key} no longer exists`);
      }
      this.checkCreate(target, this.queues.has(target.key));
      this.queueFor(target.key, target.key, true).addConsumer(sub);
      this.onConsumersChanged(target.key);
      return sub;
    }
    this.checkCreate(target, this.topics.has(target.key));
    const topic = this.topicFor(target.key, true);
    if (durable) {
      const key = `durable:${durable.clientId}:${durable.subName}`;
      let d = topic.durables.get(key) ?? this.findDurableByKey(key);
      if (d && d.topic !== topic.destination) {
        // Same name on another topic: JMS says the old subscription is replaced.
        this.destroyDurable(d);
        d = undefined;
      }
      if (d && d.queue.consumers.length > 0) {
        throw new BrokerError(`durable subscription ${durable.subName} of client ${durable.clientId} is already active`);
      }
      if (!d) {
        const selectorText = options.selectorText ?? "";
        const position = this.store.appendDurableSub({ ...durable, topic: topic.destination, selector: selectorText });
        d = this.createDurable(durable.clientId, durable.subName, topic.destination, selectorText, position);
      }
      d.queue.addConsumer(sub);
      this.onConsumersChanged(topic.destination);
      return sub;
    }
    const q = new Queue(`topic-sub:${sub.key}`, options.destination, "topic-subscription", false, this.ctx);
    q.maxPending = TOPIC_SUBSCRIBER_BUFFER;
    q.mark = topic;
    topic.subscribers.set(sub, q);
    this.subscriberTopics.set(sub, topic);
    q.addConsumer(sub);
    this.onConsumersChanged(topic.destination);
    return sub;
  }

  /** Ends a consumer; `destroyDurable` also deletes its durable subscription (UNSUBSCRIBE with the name). */
  unsubscribe(sub: Subscription, destroyDurable = false): void {
    const q = sub.source;
    if (!q) return;
    q.removeConsumer(sub);
    let key = q.key;
    if (q.kind === "topic-subscription") {
      const topic = this.subscriberTopics.get(sub);
      topic?.subscribers.delete(sub);
      this.subscriberTopics.delete(sub);
      q.close();
      if (topic) key = topic.destination;
    } else if (q.kind === "durable") {
      const d = this.findDurableByKey(q.key);
      if (d) key = d.topic;
      if (d && destroyDurable) this.destroyDurable(d);
    }
    this.onConsumersChanged(key);
  }

  /** Temporary destinations live as long as the connection that created them. */
  connectionClosed(connectionId: string): void {
    for (const [key, set] of this.producers) {
      if (!set.delete(connectionId)) continue;
      if (set.size === 0) this.producers.delete(key);
      this.producerCountChanged(key);
    }
    const prefix = `${connectionId}.`;
    for (const [key, q] of this.queues) {
      if (q.kind === "temp-queue" && key.startsWith(`/temp-queue/${prefix}`)) {
        q.close();
        this.queues.delete(key);
        this.changes.deleted(key);
      }
    }
    for (const key of this.topics.keys()) {
      if (key.startsWith(`/temp-topic/${prefix}`)) {
        this.topics.delete(key);
        this.changes.deleted(key);
      }
    }
  }

  private createDurable(clientId: string, subName: string, topicKey: string, selectorText: string, position: number): DurableSubscription {
    const key = `durable:${clientId}:${subName}`;
    const compiled = selectorText ? compileSelector(selectorText) : null;
    const selector = compiled && compiled.ok ? compiled.selector : null;
    const d: DurableSubscription = {
      clientId,
      subName,
      topic: topicKey,
      selectorText,
      matches: selector ? (m) => selector((n) => selectorField(m, n)) : () => true,
      queue: new Queue(key, topicKey, "durable", true, this.ctx),
      recordPosition: position,
    };
    const topic = this.topicFor(topicKey, true);
    d.queue.mark = topic;
    topic.durables.set(key, d);
    this.changes.touch(topic);
    return d;
  }

  /**
   * Deletes an inactive durable subscription and what it stores (a bridge's durable network
   * subscription whose remote subscriber is gone). False when it does not exist or is in use.
   */
  dropDurable(clientId: string, subName: string): boolean {
    const d = this.findDurableByKey(`durable:${clientId}:${subName}`);
    if (!d || d.queue.consumers.length > 0) return false;
    this.destroyDurable(d);
    this.onConsumersChanged(d.topic);
    return true;
  }

  /**
   * Removes a temporary destination that stands in for another group's (a bridge made it when that
   * group advertised a consumer of it): its owner connection is not on this node, so
   * connectionClosed never ends it. Only when nothing consumes it any more.
   */
  removeTemporary(key: string): void {
    const q = this.queues.get(key);
    if (q && q.kind === "temp-queue" && q.consumers.length === 0) {
      q.close();
      this.queues.delete(key);
      this.changes.deleted(key);
    }
    const t = this.topics.get(key);
    if (t && key.startsWith("/temp-topic/") && t.subscribers.size === 0) {
      this.topics.delete(key);
      this.changes.deleted(key);
    }
  }

  private destroyDurable(d: DurableSubscription): void {
    this.store.appendDurableUnsub(d.clientId, d.subName);
    d.queue.purge();
    d.queue.close();
    const topic = this.topics.get(d.topic);
    topic?.durables.delete(d.queue.key);
    if (topic) this.changes.touch(topic);
  }

  /**
   * Frees memory held by journaled persistent messages waiting in RAM (their bodies are on disk:
   * they page back in when consumers reach them) until usage is under the resume mark. Called when
   * a non-persistent producer would otherwise be paused, so a persistent backlog nobody consumes
   * never pins the memory limit. Returns true when usage is then below the limit.
   */
  reclaimMemory(): boolean {
    const target = Math.floor(this.memory.limit * 0.8);
    const evictFrom = (q: Queue): void => {
      const over = this.memory.usage - target;
      if (over > 0) q.evictToDisk(over);
    };
    for (const q of this.queues.values()) {
      if (this.memory.usage <= target) break;
      evictFrom(q);
    }
    for (const t of this.topics.values()) {
      for (const d of t.durables.values()) {
        if (this.memory.usage <= target) break;
        evictFrom(d.queue);
      }
    }
    return !this.memory.isFull();
  }

  findDurableByKey(key: string): DurableSubscription | undefined {
    for (const t of this.topics.values()) {
      const d = t.durables.get(key);
      if (d) return d;
    }
    return undefined;
  }

  /** DLQ.<name> per destination (ActiveMQ's individualDeadLetterStrategy). */
  deadLetterQueueName(destination: string): string {
    const parsed = parseDestination(destination);
    return `/queue/DLQ.${parsed ? parsed.name : destination.replace(/^\//, "")}`;
  }

  private deadLetter(msg: BrokerMessage, from: Queue, reason: string): void {
    const dlqKey = this.deadLetterQueueName(from.destination);
    if (from.key === dlqKey) {
      // A message that keeps failing in its own DLQ is dropped rather than looped forever.
      from.acknowledge(msg, true, true);
      this.logger.warn({ id: msg.id, queue: from.key }, "message dropped: it exhausted its redeliveries in a dead-letter queue");
      return;
    }
    const dlq = this.queueFor(dlqKey, dlqKey, true);
    const copy: BrokerMessage = {
      ...msg,
      store: dlq.key,
      headers: [...msg.headers.filter(([k]) => k !== "original-destination" && k !== "dlq-reason"), ["original-destination", from.destination], ["dlq-reason", reason]],
      position: -1,
      deliveryCount: 0,
      memSize: 0,
      wire: null,
      // A dead letter does not expire again (it would just be dropped from the DLQ).
      expires: 0,
    };
    if (copy.body === null) copy.body = Buffer.alloc(0);
    if (msg.persistent && (from.journaled || dlq.journaled)) {
      const txId = this.store.newTxId();
      copy.position = this.store.appendAdd(copy, txId);
      if (from.journaled && msg.position >= 0) this.store.appendRemove(from.key, msg.position, txId);
      this.store.appendCommit(txId);
    }
    // The original leaves `from` without another REMOVE record: the transaction above holds it.
    from.acknowledge(msg, false, true);
    dlq.enqueue(copy);
    this.logger.info({ id: msg.id, from: from.key, to: dlq.key, reason }, "message dead-lettered");
  }

  /** Deletes journal segments that no live message needs any more. */
  /** Smallest journal position another user of the journal (the RocketMQ store) still needs. */
  retainFloor: () => number = () => Infinity;

  async reclaim(): Promise<number> {
    if (this.reclaiming) return 0;
    this.reclaiming = true;
    try {
      let min = Math.min(this.store.journal.endPosition, this.retainFloor());
      for (const q of this.queues.values()) if (q.journaled) min = Math.min(min, q.minLivePosition());
      const durables: DurableSubscription[] = [];
      for (const t of this.topics.values()) for (const d of t.durables.values()) durables.push(d);
      for (const d of durables) min = Math.min(min, d.queue.minLivePosition());
      if (min <= this.store.journal.startPosition) return 0;
      // Durable subscription and destination records must outlive the segments they sit in: re-log them first.
      let relogged = false;
      for (const [name, position] of this.declared) {
        if (position < min) {
          this.declared.set(name, this.store.appendDestination(name, false));
          relogged = true;
        }
      }
      for (const d of durables) {
        if (d.recordPosition < min) {
          d.recordPosition = this.store.appendDurableSub({ clientId: d.clientId, subName: d.subName, topic: d.topic, selector: d.selectorText });
          relogged = true;
        }
      }
      if (relogged) await this.store.journal.sync();
      return await this.store.journal.reclaim(min);
    } catch (err) {
      this.logger.error({ err }, "journal reclaim failed");
      return 0;
    } finally {
      this.reclaiming = false;
    }
  }
}
