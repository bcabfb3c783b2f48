import type { Logger } from "pino";
import type { MessageStore } from "../store/MessageStore";
import { decodeEntry, EntryType } from "../store/storeEntry";
import { ConsumeQueue } from "./ConsumeQueue";
import { parseProperties, tagHash } from "./messageCodec";
import { decodeRmqRecord, encodeRmqRecord, RmqRecordKind, rmqRecordSizeHint, writeRmqRecord, type StoredMessage, type TopicConfig } from "./rmqRecord";

const KEY_INDEX_LIMIT = 500_000;
/**
 * Recently appended messages kept encoded in memory (RocketMQ reads fresh messages from the page
 * cache): consumers that keep up are served without a disk read. Bounded by bytes, oldest first out.
 */
const RECENT_CACHE_BYTES = 32 * 1024 * 1024;
const POSITIONS_PER_KEY = 32;

export interface AppendResult {
  position: number;
  queueOffset: number;
  /** Settles when the group's sync policy holds for the record (rejects if it cannot). */
  durable: Promise<void>;
}

/**
 * The RocketMQ broker's state on top of the node's journal: topic configs, consume queues,
 * consumer offsets and a key index. Every change is a journal record (rmqRecord.ts), so replaying
 * the journal — after a restart, or on a slave promoted by a failover — rebuilds the same state.
 */
export class RmqStore {
  readonly topics = new Map<string, { config: TopicConfig; position: number }>();
  readonly queues = new Map<string, ConsumeQueue>();
  readonly offsets = new Map<string, { group: string; topic: string; queueId: number; offset: number; position: number }>();
  /** Queue ranges recorded by retention (kept so a fully deleted queue keeps its offsets). */
  private readonly ranges = new Map<string, number>();
  private readonly keyIndex = new Map<string, number[]>();
  private readonly settled = new Map<ConsumeQueue, Set<number>>();
  private readonly recent = new Map<number, Buffer>();
  /**
   * The cache's positions oldest first, consumed from `recentHead`: evicting through
   * `recent.entries().next()` walked the Map's deleted slots from its start on every send (a
   * third of the send path's CPU in a profile once the cache was full).
   */
  private recentOrder: number[] = [];
  private recentHead = 0;
  private recentBytes = 0;
  onTopicsChanged: () => void = () => {};
  /** Bytes the topic configs take in the master's route registration (JSON), kept as topics come and go. */
  private topicJsonBytes = 0;

  constructor(
    private readonly store: MessageStore,
    private readonly logger: Logger,
  ) {}

  journal(): MessageStore["journal"] {
    return this.store.journal;
  }

  queue(topic: string, queueId: number): ConsumeQueue | undefined {
    return this.queues.get(`${topic}\u0000${queueId}`);
  }

  private queueFor(topic: string, queueId: number): ConsumeQueue {
    const key = `${topic}\u0000${queueId}`;
    let q = this.queues.get(key);
    if (!q) this.queues.set(key, (q = new ConsumeQueue(topic, queueId)));
    return q;
  }

  /** Replays the journal's RocketMQ records (positions only; bodies stay on disk). */
  async recover(): Promise<{ messages: number; topics: number; offsets: number }> {
    let messages = 0;
    const journal = this.store.journal;
    await journal.read(journal.startPosition, (rec) => {
      if (rec.payload[0] !== EntryType.Rmq) return;
      const entry = decodeEntry(rec.payload);
      if (entry.type !== EntryType.Rmq) return;
      const r = decodeRmqRecord(entry.payload);
      switch (r.kind) {
        case RmqRecordKind.Message: {
          const q = this.queueFor(r.topic, r.queueId);
          if (q.positions.length === 0) q.minOffset = r.queueOffset;
          else if (r.queueOffset !== q.maxOffset) {
            this.logger.error({ topic: r.topic, queueId: r.queueId, expected: q.maxOffset, found: r.queueOffset, position: rec.position }, "RocketMQ store: queue offset gap in the journal");
            q.minOffset = r.queueOffset - q.positions.length;
          }
          q.push(rec.position, tagOf(r.properties), r.storeTimestamp);
          this.index(r.properties, rec.position);
          messages++;
          break;
        }
        case RmqRecordKind.Topic:
          if (r.deleted) this.dropTopic(r.topicName);
          else this.setTopic(topicConfigOf(r), rec.position);
          break;
        case RmqRecordKind.ConsumerOffset:
          this.offsets.set(offsetKey(r.group, r.topic, r.queueId), { group: r.group, topic: r.topic, queueId: r.queueId, offset: r.offset, position: rec.position });
          break;
        case RmqRecordKind.QueueRange: {
          const q = this.queueFor(r.topic, r.queueId);
          this.ranges.set(`${r.topic}\u0000${r.queueId}`, rec.position);
          // Retention expired everything below minOffset; messages below it may still sit in a
          // surviving segment (one shared with younger records) and must not come back.
          q.trimTo(r.minOffset);
          if (q.positions.length === 0) q.minOffset = Math.max(q.minOffset, r.minOffset);
          break;
        }
      }
    });
    for (const q of this.queues.values()) q.visible = q.maxOffset;
    return { messages, topics: this.topics.size, offsets: this.offsets.size };
  }

  /** Journals a message into `topic`/`queueId`; it becomes pullable once durable (or known stored). */
  append(m: Omit<StoredMessage, "kind" | "queueOffset">): AppendResult {
    const q = this.queueFor(m.topic, m.queueId);
    const queueOffset = q.maxOffset;
    const record: StoredMessage = { kind: RmqRecordKind.Message, ...m, queueOffset };
    const { position, payload } = this.store.appendRmqWith(rmqRecordSizeHint(record), (w) => writeRmqRecord(w, record));
    this.remember(position, payload);
    q.push(position, tagOf(m.properties), m.storeTimestamp);
    this.index(m.properties, position);
    const durable = this.store.awaitDurable(position);
    // Visible once settled either way: a message whose replication failed is still in this log
    // (RocketMQ's FLUSH_SLAVE_TIMEOUT semantics); only a node that stops being master drops it.
    durable.then(
      () => this.settle(q, queueOffset),
      () => this.settle(q, queueOffset),
    );
    return { position, queueOffset, durable };
  }

  /**
   * Why the group's slaves cannot confirm what is appended so far (none connected, or further
   * behind than RocketMQ's haSlaveFallbehindMax), or null: a SYNC_MASTER then answers
   * SLAVE_NOT_AVAILABLE instead of waiting.
   */
  slavesUnavailable(): string | null {
    return this.store.slavesUnavailable(this.store.journal.endPosition);
  }

  /** Resolves once the master's own part of the sync policy (its fsync under SYNC_FLUSH) covers what is appended so far. */
  awaitLocal(): Promise<void> {
    return this.store.awaitLocal(this.store.journal.endPosition);
  }

  private settle(q: ConsumeQueue, offset: number): void {
    let done = this.settled.get(q);
    if (!done) this.settled.set(q, (done = new Set()));
    done.add(offset);
    let end = q.visible;
    while (done.has(end)) done.delete(end++);
    if (done.size === 0) this.settled.delete(q);
    q.reveal(end);
  }

  private remember(position: number, payload: Buffer): void {
    this.recent.set(position, payload);
    this.recentOrder.push(position);
    this.recentBytes += payload.length;
    while (this.recentBytes > RECENT_CACHE_BYTES && this.recentHead < this.recentOrder.length) {
      const oldest = this.recentOrder[this.recentHead++]!;
      const buf = this.recent.get(oldest);
      this.recent.delete(oldest);
      this.recentBytes -= buf?.length ?? 0;
    }
    if (this.recentHead > 4096 && this.recentHead * 2 > this.recentOrder.length) {
      this.recentOrder = this.recentOrder.slice(this.recentHead);
      this.recentHead = 0;
    }
  }

  async read(position: number): Promise<StoredMessage> {
    const cached = this.recent.get(position);
    if (cached) return decodeRmqRecord(cached) as StoredMessage;
    const entry = decodeEntry(await this.store.journal.readAt(position));
    if (entry.type !== EntryType.Rmq) throw new Error(`no RocketMQ record at commit log offset ${position}`);
    const r = decodeRmqRecord(entry.payload);
    if (r.kind !== RmqRecordKind.Message) throw new Error(`record at commit log offset ${position} is not a message`);
    return r;
  }

  putTopic(config: TopicConfig): void {
    const position = this.store.appendRmq(encodeRmqRecord({ kind: RmqRecordKind.Topic, ...config, deleted: false }));
    this.setTopic(config, position);
    this.onTopicsChanged();
  }

  private setTopic(config: TopicConfig, position: number): void {
    const cur = this.topics.get(config.topicName);
    if (cur) this.topicJsonBytes -= topicJsonBytes(cur.config);
    this.topics.set(config.topicName, { config, position });
    this.topicJsonBytes += topicJsonBytes(config);
  }

  /** What the topic table adds to the route registration, in bytes of JSON (with `extra` added). */
  routeBytes(extra?: TopicConfig): number {
    return this.topicJsonBytes + (extra && !this.topics.has(extra.topicName) ? topicJsonBytes(extra) : 0);
  }

  deleteTopic(name: string): boolean {
    const t = this.topics.get(name);
    if (!t) return false;
    this.store.appendRmq(encodeRmqRecord({ kind: RmqRecordKind.Topic, ...t.config, deleted: true }));
    this.dropTopic(name);
    this.onTopicsChanged();
    return true;
  }

  private dropTopic(name: string): void {
    const cur = this.topics.get(name);
    if (cur) this.topicJsonBytes -= topicJsonBytes(cur.config);
    this.topics.delete(name);
    for (const [k, q] of this.queues) {
      if (q.topic !== name) continue;
      q.wakeAll();
      this.queues.delete(k);
      this.ranges.delete(k);
    }
    for (const [k, o] of this.offsets) if (o.topic === name) this.offsets.delete(k);
  }

  getOffset(group: string, topic: string, queueId: number): number | undefined {
    return this.offsets.get(offsetKey(group, topic, queueId))?.offset;
  }

  /** Stores a consumer offset (journaled only when it changed: clients repeat it every 5 s). */
  commitOffset(group: string, topic: string, queueId: number, offset: number): void {
    const key = offsetKey(group, topic, queueId);
    const cur = this.offsets.get(key);
    if (cur && cur.offset === offset) return;
    const position = this.store.appendRmq(encodeRmqRecord({ kind: RmqRecordKind.ConsumerOffset, group, topic, queueId, offset }));
    this.offsets.set(key, { group, topic, queueId, offset, position });
  }

  /** Journal positions of messages carrying `key` (KEYS or UNIQ_KEY), newest last. */
  byKey(key: string): number[] {
    return this.keyIndex.get(key) ?? [];
  }

  private index(properties: string, position: number): void {
    const p = parseProperties(properties);
    const keys = [...(p.get("KEYS")?.split(" ") ?? []), p.get("UNIQ_KEY")].filter((k): k is string => !!k);
    for (const k of keys) {
      let list = this.keyIndex.get(k);
      if (!list) {
        if (this.keyIndex.size >= KEY_INDEX_LIMIT) this.keyIndex.delete(this.keyIndex.keys().next().value as string);
        this.keyIndex.set(k, (list = []));
      }
      list.push(position);
      if (list.length > POSITIONS_PER_KEY) list.shift();
    }
  }

  /**
   * Retention: drops index entries of messages stored before `cutoff` (ms). Returns the queues
   * trimmed; their ranges are journaled so recovery keeps the offsets of an emptied queue.
   */
  expireBefore(cutoff: number): number {
    return this.expire((q) => q.offsetForTime(cutoff));
  }

  /** Forced retention: drops the messages stored below journal position `position`, whatever their age. */
  expireBelowPosition(position: number): number {
    return this.expire((q) => {
      let i = 0;
      while (i < q.positions.length && q.positions[i] < position) i++;
      return q.minOffset + i;
    });
  }

  private expire(upTo: (q: ConsumeQueue) => number): number {
    let dropped = 0;
    for (const [k, q] of this.queues) {
      const to = upTo(q);
      if (to <= q.minOffset) continue;
      dropped += to - q.minOffset;
      q.trimTo(to);
      this.ranges.set(k, this.store.appendRmq(encodeRmqRecord({ kind: RmqRecordKind.QueueRange, topic: q.topic, queueId: q.queueId, minOffset: q.minOffset, maxOffset: q.maxOffset })));
    }
    if (dropped > 0) {
      const first = this.firstMessagePosition();
      for (const [k, list] of this.keyIndex) {
        const kept = list.filter((p) => p >= first);
        if (kept.length === 0) this.keyIndex.delete(k);
        else if (kept.length !== list.length) this.keyIndex.set(k, kept);
      }
    }
    return dropped;
  }

  private firstMessagePosition(): number {
    let min = Infinity;
    for (const q of this.queues.values()) if (q.positions.length > 0) min = Math.min(min, q.positions[0]);
    return min;
  }

  /**
   * The smallest journal position this store still needs; segment reclaim must not pass it.
   * Config, offset and range records below the oldest kept message are re-logged first
   * (relogBelow), so only messages hold segments back.
   */
  floor(): number {
    let min = this.firstMessagePosition();
    for (const t of this.topics.values()) min = Math.min(min, t.position);
    for (const o of this.offsets.values()) min = Math.min(min, o.position);
    for (const p of this.ranges.values()) min = Math.min(min, p);
    return min;
  }

  /** Re-journals the config records lying below the oldest kept message; returns how many. */
  relogBelow(): number {
    const first = Math.min(this.firstMessagePosition(), this.store.journal.endPosition);
    let n = 0;
    for (const t of this.topics.values()) {
      if (t.position >= first) continue;
      t.position = this.store.appendRmq(encodeRmqRecord({ kind: RmqRecordKind.Topic, ...t.config, deleted: false }));
      n++;
    }
    for (const o of this.offsets.values()) {
      if (o.position >= first) continue;
      o.position = this.store.appendRmq(encodeRmqRecord({ kind: RmqRecordKind.ConsumerOffset, group: o.group, topic: o.topic, queueId: o.queueId, offset: o.offset }));
      n++;
    }
    for (const [k, p] of this.ranges) {
      if (p >= first) continue;
      const q = this.queues.get(k);
      if (!q) {
        this.ranges.delete(k);
        continue;
      }
      this.ranges.set(k, this.store.appendRmq(encodeRmqRecord({ kind: RmqRecordKind.QueueRange, topic: q.topic, queueId: q.queueId, minOffset: q.minOffset, maxOffset: q.maxOffset })));
      n++;
    }
    return n;
  }
}

/** `"name":{…config…},` as the registration's topic table writes it. */
function topicJsonBytes(c: TopicConfig): number {
  return Buffer.byteLength(JSON.stringify(c.topicName)) + Buffer.byteLength(JSON.stringify(c)) + 2;
}

function offsetKey(group: string, topic: string, queueId: number): string {
  return `${group}\u0000${topic}\u0000${queueId}`;
}

function topicConfigOf(r: TopicConfig): TopicConfig {
  return { topicName: r.topicName, readQueueNums: r.readQueueNums, writeQueueNums: r.writeQueueNums, perm: r.perm, topicSysFlag: r.topicSysFlag, order: r.order };
}

/** The tag's hash code (0 when the message has none), as the consume queue keeps it. */
export function tagOf(properties: string): number {
  const i = properties.indexOf("TAGS\u0001");
  if (i < 0 || (i > 0 && properties[i - 1] !== "\u0002")) return 0;
  const start = i + 5;
  const end = properties.indexOf("\u0002", start);
  return tagHash(properties.slice(start, end < 0 ? undefined : end));
}
