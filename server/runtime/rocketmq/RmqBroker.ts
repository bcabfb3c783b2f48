import { statfs } from "node:fs/promises";
import type { Logger } from "pino";
import { CHANNEL_EXPIRED_MS, ConsumerRegistry, type ConsumerData } from "./ConsumerRegistry";
import { decodeBatch, decodeOffsetMessageId, encodeMessageExt, formatProperties, offsetMessageId, parseProperties, tagHash, waitStoreMsgOK } from "./messageCodec";
import { AUTO_CREATE_TOPIC, DLQ_PREFIX, Perm, RequestCode, ResponseCode, RETRY_PREFIX, SCHEDULE_TOPIC } from "./remotingCodes";
import { response, type RemotingCommand } from "./remotingCodec";
import type { RemotingConnection, RemotingHandler } from "./RemotingServer";
import type { TopicConfig, StoredMessage } from "./rmqRecord";
import type { RmqSettings } from "./RmqSettings";
import type { RmqStore } from "./RmqStore";

const MAX_TOPIC_LENGTH = 127;
const MAX_PROPERTIES_LENGTH = 32767;
const MAX_PULL_BYTES = 256 * 1024;
/** Index entries a pull scans past non-matching tags before answering PULL_RETRY_IMMEDIATELY. */
const MAX_FILTER_SCAN = 800;
const MAX_SUSPEND_MS = 30_000;
const PULL_FLAG_COMMIT_OFFSET = 1;
const PULL_FLAG_SUSPEND = 2;
/** The scheduler's progress per delay level is kept as this group's offset on SCHEDULE_TOPIC_XXXX. */
const SCHEDULE_GROUP = "%SCHEDULE%";
/** diskSpaceCleanForciblyRatio: above it the oldest messages go whatever their age. */
const FORCE_CLEAN_PERCENT = 85;
/** diskSpaceWarningLevelRatio: above it the store refuses writes until usage drops. */
const DISK_FULL_PERCENT = 90;
/**
 * Bytes of topic configs the master's route registration may carry. It is one coordinator znode,
 * and the coordinator refuses a frame over jute.maxbuffer (1 MiB) by closing the connection — the
 * master's own session. Topics past this budget (about 7000 of 20-character names) are refused.
 */
export const MAX_ROUTE_BYTES = 768 * 1024;

type Ext = Record<string, string>;

/**
 * The broker role of RocketMQ 4.x on a group's master: one handler per request code over the
 * RmqStore. Sends are answered SEND_OK only after the group's sync policy holds for the record.
 */
export class RmqBroker {
  readonly consumers: ConsumerRegistry;
  private readonly timers: NodeJS.Timeout[] = [];
  private scheduling = false;
  private cleaning = false;
  private stopped = false;
  /**
   * Offsets an operator reset while the group had members online, not yet taken up by them:
   * group\0topic\0queueId → offset. Until a member pulls that queue, its commits are ignored
   * and its next pull from elsewhere is answered PULL_OFFSET_MOVED to the reset offset.
   */
  private readonly pendingResets = new Map<string, { offset: number; until: number }>();
  private roomWarnedAt = 0;
  private slavesWarnedAt = 0;
  /** Disk usage (percent) at the last retention check; null when unknown. */
  diskUsage: number | null = null;

  constructor(
    readonly store: RmqStore,
    readonly settings: RmqSettings,
    private readonly logger: Logger,
    /** Measures disk usage in percent (statfs of the data directory; tests substitute it). */
    private readonly measureDisk: () => Promise<number | null> = () => diskUsagePercent(settings.dataDir),
  ) {
    this.consumers = new ConsumerRegistry(logger);
  }

  get storeHost(): string {
    return `${this.settings.host}:${this.settings.listenPort}`;
  }

  /** Creates the template and system topics RocketMQ brokers start with. */
  init(): void {
    if (this.settings.autoCreateTopicEnable && !this.store.topics.has(AUTO_CREATE_TOPIC)) {
      this.store.putTopic(topicConfig(AUTO_CREATE_TOPIC, this.settings.defaultTopicQueueNums, Perm.READ | Perm.WRITE | Perm.INHERIT));
    }
    if (!this.store.topics.has(SCHEDULE_TOPIC)) {
      this.store.putTopic(topicConfig(SCHEDULE_TOPIC, this.settings.delayLevelsMs.length, Perm.READ | Perm.WRITE));
    }
  }

  start(): void {
    this.timers.push(setInterval(() => void this.runSchedule(), 200));
    this.timers.push(setInterval(() => this.consumers.expire(), 10_000));
    this.timers.push(setInterval(() => void this.cleanExpired(), 10_000));
    for (const t of this.timers) t.unref();
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.splice(0)) clearInterval(t);
    for (const q of this.store.queues.values()) q.wakeAll();
  }

  /** Topics as the NameServer's route table needs them (system topics left out). */
  topicTable(): Record<string, TopicConfig> {
    const out: Record<string, TopicConfig> = {};
    for (const [name, t] of this.store.topics) if (name !== SCHEDULE_TOPIC) out[name] = t.config;
    return out;
  }

  handlers(): Map<number, RemotingHandler> {
    const h = new Map<number, RemotingHandler>();
    h.set(RequestCode.SEND_MESSAGE, (r, c) => this.send(r, { ...sendHeaderV1(r.extFields), bornHost: c.remote }, false));
    h.set(RequestCode.SEND_MESSAGE_V2, (r, c) => this.send(r, { ...sendHeaderV2(r.extFields), bornHost: c.remote }, false));
    h.set(RequestCode.SEND_BATCH_MESSAGE, (r, c) => this.send(r, { ...sendHeaderV2(r.extFields), bornHost: c.remote }, true));
    h.set(RequestCode.PULL_MESSAGE, (r, c) => this.pull(r, c));
    h.set(RequestCode.HEART_BEAT, (r, c) => this.heartbeat(r, c));
    h.set(RequestCode.UNREGISTER_CLIENT, (r) => this.unregister(r));
    h.set(RequestCode.GET_CONSUMER_LIST_BY_GROUP, (r) => this.consumerList(r));
    h.set(RequestCode.QUERY_CONSUMER_OFFSET, (r) => this.queryOffset(r));
    h.set(RequestCode.UPDATE_CONSUMER_OFFSET, (r) => this.updateOffset(r));
    h.set(RequestCode.GET_MAX_OFFSET, (r) => this.queueEdge(r, "max"));
    h.set(RequestCode.GET_MIN_OFFSET, (r) => this.queueEdge(r, "min"));
    h.set(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, (r) => this.searchOffset(r));
    h.set(RequestCode.GET_EARLIEST_MSG_STORETIME, (r) => this.earliestTime(r));
    h.set(RequestCode.UPDATE_AND_CREATE_TOPIC, (r) => this.createTopic(r));
    h.set(RequestCode.DELETE_TOPIC_IN_BROKER, (r) => this.deleteTopic(r));
    h.set(RequestCode.GET_ALL_TOPIC_CONFIG, (r) => this.allTopics(r));
    h.set(RequestCode.CONSUMER_SEND_MSG_BACK, (r) => this.sendBack(r));
    h.set(RequestCode.VIEW_MESSAGE_BY_ID, (r) => this.viewById(r));
    h.set(RequestCode.QUERY_MESSAGE, (r) => this.queryByKey(r));
    return h;
  }

  // ---- send ---------------------------------------------------------------------------------

  private async send(req: RemotingCommand, h: SendHeader, batch: boolean): Promise<RemotingCommand> {
    const s = this.settings;
    // Stopped (this node stepped down) while its listener is still closing: nothing may be
    // appended to a log that is no longer a master's, and a WAIT=false send must not get SEND_OK.
    if (this.stopped) return response(req, ResponseCode.SERVICE_NOT_AVAILABLE, {}, null, "service not available now: this broker is no longer its group's master");
    if (this.diskUsage !== null && this.diskUsage > DISK_FULL_PERCENT) {
      return response(req, ResponseCode.SERVICE_NOT_AVAILABLE, {}, null, `service not available now: the disk is full (${this.diskUsage.toFixed(1)} % used, writes refused above ${DISK_FULL_PERCENT} %)`);
    }
    if (!h.topic) return response(req, ResponseCode.MESSAGE_ILLEGAL, {}, null, "the send request has no topic");
    if (h.topic.length > MAX_TOPIC_LENGTH) return response(req, ResponseCode.MESSAGE_ILLEGAL, {}, null, `topic name is longer than ${MAX_TOPIC_LENGTH} characters`);
    if (!/^[%|a-zA-Z0-9_-]+$/.test(h.topic)) return response(req, ResponseCode.MESSAGE_ILLEGAL, {}, null, `topic [${h.topic}] contains illegal characters (allowed: %|a-zA-Z0-9_-)`);
    const body = req.body ?? Buffer.alloc(0);
    if (body.length > s.maxMessageSize) {
      return response(req, ResponseCode.MESSAGE_ILLEGAL, {}, null, `the message body size ${body.length} exceeds maxMessageSize ${s.maxMessageSize}`);
    }
    if (h.properties.length > MAX_PROPERTIES_LENGTH) return response(req, ResponseCode.MESSAGE_ILLEGAL, {}, null, `message properties are longer than ${MAX_PROPERTIES_LENGTH}`);
    let topic = this.store.topics.get(h.topic)?.config;
    if (!topic) {
      const created = this.autoCreate(h.topic, h.defaultTopicQueueNums);
      if (created === null) return response(req, ResponseCode.TOPIC_NOT_EXIST, {}, null, `topic[${h.topic}] not exist, apply first please!`);
      if (typeof created === "string") return response(req, ResponseCode.SYSTEM_ERROR, {}, null, created);
      topic = created;
    }
    if ((topic.perm & Perm.WRITE) === 0) return response(req, ResponseCode.NO_PERMISSION, {}, null, `the topic[${h.topic}] sending message is forbidden`);
    let queueId = h.queueId;
    if (queueId < 0) queueId = Math.floor(Math.random() * topic.writeQueueNums);
    if (queueId >= Math.max(topic.writeQueueNums, topic.readQueueNums)) {
      return response(req, ResponseCode.SYSTEM_ERROR, {}, null, `request queueId[${queueId}] is illegal, topic [${h.topic}] has ${topic.writeQueueNums} write queues`);
    }
    const now = Date.now();
    const items = batch ? decodeBatch(body) : [{ flag: h.flag, body, properties: h.properties }];
    if (typeof items === "string") return response(req, ResponseCode.MESSAGE_ILLEGAL, {}, null, `bad batch body: ${items}`);
    if (batch && items.some((m) => m.properties.includes("DELAY\u0001"))) return response(req, ResponseCode.MESSAGE_ILLEGAL, {}, null, "a batch message does not support delay level");
    const results: Array<{ position: number; queueOffset: number; durable: Promise<void>; topic: string; queueId: number }> = [];
    for (const m of items) {
      // Parsed (and re-serialized) only when a delay level may move the message; otherwise the
      // producer's property string is stored as sent, as RocketMQ's CommitLog does.
      const props = m.properties.includes("DELAY\u0001") ? parseProperties(m.properties) : null;
      let destTopic = h.topic;
      let destQueue = queueId;
      let reconsume = h.reconsumeTimes;
      if (destTopic.startsWith(RETRY_PREFIX)) {
        // A client's fallback when send-back failed: after maxReconsumeTimes it goes to the DLQ (handleRetryAndDLQ).
        const max = h.maxReconsumeTimes ?? 16;
        if (reconsume >= max) {
          destTopic = DLQ_PREFIX + destTopic.slice(RETRY_PREFIX.length);
          if (!this.ensureSystemTopic(destTopic, Perm.WRITE)) return response(req, ResponseCode.SYSTEM_ERROR, {}, null, this.noRoomFor(destTopic));
          destQueue = 0;
        }
      }
      const delay = Number(props?.get("DELAY") ?? 0);
      if (props && delay > 0 && !destTopic.startsWith(DLQ_PREFIX)) {
        const level = Math.min(delay, s.delayLevelsMs.length);
        props.set("REAL_TOPIC", destTopic);
        props.set("REAL_QID", String(destQueue));
        props.set("DELAY", String(level));
        destTopic = SCHEDULE_TOPIC;
        destQueue = level - 1;
      }
      const appended = this.store.append({
        topic: destTopic,
        queueId: destQueue,
        flag: m.flag,
        sysFlag: h.sysFlag,
        bornTimestamp: h.bornTimestamp,
        bornHost: h.bornHost,
        storeTimestamp: now,
        reconsumeTimes: reconsume,
        properties: props ? formatProperties(props) : m.properties,
        body: m.body,
      });
      results.push({ ...appended, topic: destTopic, queueId: destQueue });
      reconsume = h.reconsumeTimes;
    }
    const ext = (): Record<string, string | number> => {
      const last = results[results.length - 1];
      return {
        msgId: results.map((r) => offsetMessageId(this.storeHost, r.position)).join(","),
        queueId: last?.queueId ?? queueId,
        queueOffset: results[0]?.queueOffset ?? 0,
        MSG_REGION: "DefaultRegion",
        TRACE_ON: "true",
      };
    };
    // WAIT=false (a batch: its own properties): the producer asked not to wait for the flush or the
    // slaves. SEND_OK once stored, as RocketMQ answers; the message still becomes pullable only
    // once the sync policy holds for it, and a master demoted meanwhile drops it like any other.
    if (!waitStoreMsgOK(h.properties)) return response(req, ResponseCode.SUCCESS, ext());
    // SYNC_MASTER without a slave able to confirm (RocketMQ's !isSlaveOK): the message is stored
    // on the master (flushed under SYNC_FLUSH) and answered SLAVE_NOT_AVAILABLE at once rather
    // than held for syncFlushTimeout. It still becomes pullable only once a slave has it.
    const missing = this.store.slavesUnavailable();
    if (missing !== null) this.warnSlavesUnavailable(missing);
    const status = await this.awaitPolicy(
      results.map((r) => r.durable),
      missing === null ? null : this.store.awaitLocal(),
    );
    if (status === "ok") return response(req, ResponseCode.SUCCESS, ext());
    // RocketMQ's replica status overrides the flush status, a flush timeout included.
    if (status === "local" || (status === "timeout" && missing !== null)) {
      const flush = status === "timeout" ? `, and the flush did not complete within ${s.syncTimeoutMs} ms` : "";
      return response(req, ResponseCode.SLAVE_NOT_AVAILABLE, ext(), null, `stored on the master, but ${missing ?? "no slave can confirm it"}${flush}`);
    }
    if (status === "timeout") {
      return s.replicated
        ? response(req, ResponseCode.FLUSH_SLAVE_TIMEOUT, ext(), null, `stored, but the group's replicas did not confirm within ${s.syncTimeoutMs} ms`)
        : response(req, ResponseCode.FLUSH_DISK_TIMEOUT, ext(), null, `stored, but the flush did not complete within ${s.syncTimeoutMs} ms`);
    }
    return response(req, ResponseCode.SERVICE_NOT_AVAILABLE, {}, null, `not stored durably: ${status.error}`);
  }

  /**
   * Waits for the sync policy of every record, bounded by syncTimeoutMs. With `local` (the slaves
   * cannot confirm soon) the wait ends as soon as the master's own part holds: "local".
   */
  async awaitPolicy(durables: Array<Promise<void>>, local: Promise<void> | null = null): Promise<"ok" | "local" | "timeout" | { error: string }> {
    let timer: NodeJS.Timeout | undefined;
    const failed = (err: unknown): { error: string } => ({ error: (err as Error)?.message ?? String(err) });
    // One record (every plain send): its promise as it is, without a Promise.all around it.
    const all = (durables.length === 1 ? durables[0]! : Promise.all(durables)).then(() => "ok" as const, failed);
    const localDone = local?.then(() => "local" as const, failed);
    const timeout = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), this.settings.syncTimeoutMs)));
    try {
      return await Promise.race(localDone ? [all, localDone, timeout] : [all, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Logged once a minute at most: while no slave can confirm, every send would log it. */
  private warnSlavesUnavailable(why: string): void {
    if (Date.now() - this.slavesWarnedAt < 60_000) return;
    this.slavesWarnedAt = Date.now();
    this.logger.warn({ why, brokerName: this.settings.brokerName }, "RocketMQ sends answered SLAVE_NOT_AVAILABLE: stored on the master only");
  }

  /** The created config; null when auto-creation is off; why not when there is no room. */
  private autoCreate(name: string, requested: number): TopicConfig | string | null {
    if (name.startsWith(RETRY_PREFIX)) return this.ensureSystemTopic(name, Perm.READ | Perm.WRITE) ?? this.noRoomFor(name);
    if (!this.settings.autoCreateTopicEnable) return null;
    const n = Math.max(1, Math.min(requested > 0 ? requested : this.settings.defaultTopicQueueNums, this.settings.defaultTopicQueueNums));
    const config = topicConfig(name, n, Perm.READ | Perm.WRITE);
    if (!this.hasRoomFor(config)) return this.noRoomFor(name);
    this.store.putTopic(config);
    this.logger.info({ topic: name, queues: n }, "RocketMQ topic auto-created by a send (autoCreateTopicEnable)");
    return config;
  }

  /** Creates a system topic (%RETRY%, %DLQ%) with one queue when it does not exist yet; null when the routes have no room for it. */
  ensureSystemTopic(name: string, perm: number): TopicConfig | null {
    const cur = this.store.topics.get(name)?.config;
    if (cur) return cur;
    const config = topicConfig(name, 1, perm);
    if (!this.hasRoomFor(config)) return null;
    this.store.putTopic(config);
    return config;
  }

  private hasRoomFor(config: TopicConfig): boolean {
    return this.store.routeBytes(config) <= MAX_ROUTE_BYTES;
  }

  /** Why a new topic is refused (logged: an operator must delete topics or split them over groups). */
  noRoomFor(name: string): string {
    const why = `no room for topic[${name}]: broker ${this.settings.brokerName} holds ${this.store.topics.size} topics, ${this.store.routeBytes()} bytes of route data, the most one route registration carries is ${MAX_ROUTE_BYTES}; delete unused topics (and %RETRY% topics of gone consumer groups) or spread topics over other broker groups`;
    // Logged once a minute at most: every refused request would otherwise log it.
    if (Date.now() - this.roomWarnedAt > 60_000) {
      this.roomWarnedAt = Date.now();
      this.logger.warn({ topic: name, topics: this.store.topics.size, routeBytes: this.store.routeBytes() }, "RocketMQ topic refused: the route registration is full");
    }
    return why;
  }

  // ---- pull ---------------------------------------------------------------------------------

  private async pull(req: RemotingCommand, conn: RemotingConnection): Promise<RemotingCommand> {
    const e = req.extFields;
    const topicName = e.topic ?? "";
    const queueId = int(e.queueId, -1);
    const group = e.consumerGroup ?? "";
    const sysFlag = int(e.sysFlag, 0);
    const maxMsgNums = Math.max(1, Math.min(int(e.maxMsgNums, 32), 1024));
    const topic = this.store.topics.get(topicName)?.config;
    if (!topic) return response(req, ResponseCode.TOPIC_NOT_EXIST, {}, null, `topic[${topicName}] not exist, apply first please!`);
    if ((topic.perm & Perm.READ) === 0) return response(req, ResponseCode.NO_PERMISSION, {}, null, `the topic[${topicName}] pulling message is forbidden`);
    if (queueId < 0 || queueId >= topic.readQueueNums) {
      return response(req, ResponseCode.SYSTEM_ERROR, {}, null, `queueId[${queueId}] is illegal, topic:[${topicName}] topicConfig.readQueueNums:[${topic.readQueueNums}]`);
    }
    const filter = parseSubscription(e.subscription);
    if (filter === "bad") return response(req, ResponseCode.SUBSCRIPTION_PARSE_FAILED, {}, null, `bad subscription expression ${e.subscription}`);
    const reset = group ? this.takePendingReset(group, topicName, queueId) : null;
    if (reset !== null) {
      // The first pull after an operator's reset: the offset it commits is the pre-reset position
      // (dropped); a pull from anywhere but the reset offset is moved there, which every client
      // handles (ali-ons and the Java client adopt nextBeginOffset as their offset).
      if (int(e.queueOffset, 0) !== reset) {
        const q = this.store.queue(topicName, queueId);
        const ext = { suggestWhichBrokerId: "0", nextBeginOffset: String(reset), minOffset: String(q?.minOffset ?? 0), maxOffset: String(q?.visible ?? 0) };
        return response(req, ResponseCode.PULL_OFFSET_MOVED, ext, null, "OFFSET_RESET_BY_ADMIN");
      }
    } else if ((sysFlag & PULL_FLAG_COMMIT_OFFSET) !== 0 && group) {
      const commit = int(e.commitOffset, -1);
      if (commit >= 0) this.store.commitOffset(group, topicName, queueId, commit);
    }
    const offset = int(e.queueOffset, 0);
    const suspendMs = (sysFlag & PULL_FLAG_SUSPEND) !== 0 ? Math.min(int(e.suspendTimeoutMillis, 15_000), MAX_SUSPEND_MS) : 0;
    const deadline = Date.now() + suspendMs;
    for (;;) {
      const result = await this.readQueue(req, topicName, queueId, offset, maxMsgNums, filter);
      if (result.code !== ResponseCode.PULL_NOT_FOUND || this.stopped || conn.isClosed) return result;
      // A reset while this pull was parked: answer now, the client's next pull is moved.
      if (group && this.pendingResets.has(resetKey(group, topicName, queueId))) return result;
      const left = deadline - Date.now();
      if (left <= 0) return result;
      // Long polling (PullRequestHoldService): park until a message becomes visible on this queue.
      const q = this.store.queue(topicName, queueId);
      await new Promise<void>((resolve) => {
        let cancel: () => void = () => {};
        const timer = setTimeout(() => {
          cancel();
          resolve();
        }, left);
        const wake = (): void => {
          clearTimeout(timer);
          resolve();
        };
        if (q) cancel = q.park(wake);
        else {
          // No queue yet: poll for its creation at the short-polling interval.
          clearTimeout(timer);
          setTimeout(resolve, Math.min(left, 1000));
        }
      });
    }
  }

  private async readQueue(req: RemotingCommand, topic: string, queueId: number, offset: number, maxMsgNums: number, filter: Set<number> | null): Promise<RemotingCommand> {
    const q = this.store.queue(topic, queueId);
    const min = q?.minOffset ?? 0;
    const max = q?.visible ?? 0;
    const header = (next: number): Ext => ({ suggestWhichBrokerId: "0", nextBeginOffset: String(next), minOffset: String(min), maxOffset: String(max) });
    if (!q || max === 0) return response(req, ResponseCode.PULL_NOT_FOUND, header(0), null, "NO_MESSAGE_IN_QUEUE");
    if (offset < min) return response(req, ResponseCode.PULL_OFFSET_MOVED, header(min), null, "OFFSET_TOO_SMALL");
    if (offset === max) return response(req, ResponseCode.PULL_NOT_FOUND, header(offset), null, "OFFSET_OVERFLOW_ONE");
    if (offset > max) return response(req, ResponseCode.PULL_OFFSET_MOVED, header(max), null, "OFFSET_OVERFLOW_BADLY");
    // Pick the matching offsets first, then read their messages concurrently (cache or disk).
    const picked: number[] = [];
    let o = offset;
    let scanned = 0;
    while (o < max && picked.length < maxMsgNums && scanned < MAX_FILTER_SCAN) {
      scanned++;
      const cur = o++;
      if (!filter || filter.has(q.tagAt(cur))) picked.push(cur);
    }
    let messages: Array<{ m: StoredMessage; position: number }>;
    try {
      messages = await Promise.all(picked.map(async (cur) => ({ position: q.positionAt(cur), m: await this.store.read(q.positionAt(cur)) })));
    } catch (err) {
      // Retention may delete the segment between the index lookup and the read.
      if (offset < q.minOffset) return response(req, ResponseCode.PULL_OFFSET_MOVED, header(q.minOffset), null, "OFFSET_TOO_SMALL");
      throw err;
    }
    const parts: Buffer[] = [];
    let bytes = 0;
    for (const [i, { m, position }] of messages.entries()) {
      const ext = encodeMessageExt(m, position, this.storeHost);
      // maxTransferBytesOnMessageInMemory: stop at 256 KiB, but always return at least one.
      if (parts.length > 0 && bytes + ext.length > MAX_PULL_BYTES) {
        o = picked[i];
        break;
      }
      parts.push(ext);
      bytes += ext.length;
    }
    if (parts.length === 0) return response(req, ResponseCode.PULL_RETRY_IMMEDIATELY, header(o), null, "NO_MATCHED_MESSAGE");
    return response(req, ResponseCode.SUCCESS, header(o), Buffer.concat(parts), "FOUND");
  }

  // ---- consumers and offsets ----------------------------------------------------------------

  private heartbeat(req: RemotingCommand, conn: RemotingConnection): RemotingCommand {
    let data: { clientID?: string; consumerDataSet?: ConsumerData[] };
    try {
      data = JSON.parse(req.body?.toString("utf8") ?? "{}") as typeof data;
    } catch (err) {
      return response(req, ResponseCode.SYSTEM_ERROR, {}, null, `heartbeat body is not JSON: ${(err as Error).message}`);
    }
    const clientId = String(data.clientID ?? conn.remote);
    let refused: string | null = null;
    for (const c of data.consumerDataSet ?? []) {
      if (!c || typeof c.groupName !== "string" || !c.groupName) continue;
      // The group's retry topic exists as soon as the group does (createTopicInSendMessageBackMethod);
      // a group whose retry topic cannot be routed is not admitted (which also bounds the registry).
      if (!this.ensureSystemTopic(RETRY_PREFIX + c.groupName, Perm.READ | Perm.WRITE)) {
        refused ??= this.noRoomFor(RETRY_PREFIX + c.groupName);
        continue;
      }
      this.consumers.heartbeat(clientId, conn, c);
    }
    if (refused !== null) return response(req, ResponseCode.SYSTEM_ERROR, {}, null, refused);
    return response(req, ResponseCode.SUCCESS);
  }

  private unregister(req: RemotingCommand): RemotingCommand {
    const e = req.extFields;
    if (e.consumerGroup && e.clientID) this.consumers.unregister(e.clientID, e.consumerGroup);
    return response(req, ResponseCode.SUCCESS);
  }

  private consumerList(req: RemotingCommand): RemotingCommand {
    const group = req.extFields.consumerGroup ?? "";
    const ids = this.consumers.clientIds(group);
    if (ids.length === 0) return response(req, ResponseCode.SYSTEM_ERROR, {}, null, `no consumer for this group, ${group}`);
    return response(req, ResponseCode.SUCCESS, {}, Buffer.from(JSON.stringify({ consumerIdList: ids })));
  }

  private queryOffset(req: RemotingCommand): RemotingCommand {
    const e = req.extFields;
    const queueId = int(e.queueId, 0);
    const stored = this.store.getOffset(e.consumerGroup ?? "", e.topic ?? "", queueId);
    if (stored !== undefined) return response(req, ResponseCode.SUCCESS, { offset: stored });
    // ConsumerManageProcessor: a group with no offset starts at 0 while the queue still holds its
    // first message; otherwise the client decides (CONSUME_FROM_LAST_OFFSET …).
    const q = this.store.queue(e.topic ?? "", queueId);
    if (!q || q.minOffset <= 0) return response(req, ResponseCode.SUCCESS, { offset: 0 });
    return response(req, ResponseCode.QUERY_NOT_FOUND, {}, null, "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first");
  }

  private updateOffset(req: RemotingCommand): RemotingCommand {
    const e = req.extFields;
    const offset = int(e.commitOffset, -1);
    const queueId = int(e.queueId, 0);
    if (!e.consumerGroup || !e.topic || offset < 0) return response(req, ResponseCode.SUCCESS);
    // A member that has not taken up an operator's reset yet would commit its old position over it.
    if (this.pendingReset(e.consumerGroup, e.topic, queueId) !== null) return response(req, ResponseCode.SUCCESS);
    this.store.commitOffset(e.consumerGroup, e.topic, queueId, offset);
    return response(req, ResponseCode.SUCCESS);
  }

  /**
   * An operator's offset reset (resetOffsetByTime): commits the offset, and when the group has
   * members online, holds it against their commits until each queue's next pull moves them there
   * (they are also sent RESET_CONSUMER_CLIENT_OFFSET, which the Java client applies at once).
   * The hold lapses after the channel expiry, so a member that vanished does not pin it.
   */
  resetOffset(group: string, topic: string, queueId: number, offset: number): void {
    this.store.commitOffset(group, topic, queueId, offset);
    if (this.consumers.members(group).length === 0) return;
    this.pendingResets.set(resetKey(group, topic, queueId), { offset, until: Date.now() + CHANNEL_EXPIRED_MS });
    // Parked long polls of that queue answer now, so the members' next pulls come soon.
    this.store.queue(topic, queueId)?.wakeAll();
  }

  private pendingReset(group: string, topic: string, queueId: number): number | null {
    const k = resetKey(group, topic, queueId);
    const p = this.pendingResets.get(k);
    if (!p) return null;
    if (Date.now() > p.until) {
      this.pendingResets.delete(k);
      return null;
    }
    return p.offset;
  }

  private takePendingReset(group: string, topic: string, queueId: number): number | null {
    const offset = this.pendingReset(group, topic, queueId);
    if (offset !== null) this.pendingResets.delete(resetKey(group, topic, queueId));
    return offset;
  }

  private queueEdge(req: RemotingCommand, edge: "min" | "max"): RemotingCommand {
    const q = this.store.queue(req.extFields.topic ?? "", int(req.extFields.queueId, 0));
    return response(req, ResponseCode.SUCCESS, { offset: edge === "max" ? (q?.visible ?? 0) : (q?.minOffset ?? 0) });
  }

  private searchOffset(req: RemotingCommand): RemotingCommand {
    const q = this.store.queue(req.extFields.topic ?? "", int(req.extFields.queueId, 0));
    return response(req, ResponseCode.SUCCESS, { offset: q ? Math.min(q.offsetForTime(int(req.extFields.timestamp, 0)), q.visible) : 0 });
  }

  private earliestTime(req: RemotingCommand): RemotingCommand {
    const q = this.store.queue(req.extFields.topic ?? "", int(req.extFields.queueId, 0));
    return response(req, ResponseCode.SUCCESS, { timestamp: q && q.times.length > 0 ? q.times[0] : -1 });
  }

  // ---- topics ---------------------------------------------------------------------------------

  private createTopic(req: RemotingCommand): RemotingCommand {
    const e = req.extFields;
    const refused = this.updateTopic({
      topic: e.topic ?? "",
      readQueueNums: int(e.readQueueNums, this.settings.defaultTopicQueueNums),
      writeQueueNums: int(e.writeQueueNums, this.settings.defaultTopicQueueNums),
      perm: int(e.perm, Perm.READ | Perm.WRITE),
      topicSysFlag: int(e.topicSysFlag, 0),
      order: e.order === "true",
    });
    return refused === null ? response(req, ResponseCode.SUCCESS) : response(req, ResponseCode.SYSTEM_ERROR, {}, null, refused);
  }

  /**
   * UPDATE_AND_CREATE_TOPIC's one code path (the remoting handler and the admin API's topic
   * creation both come here): validates, journals the config, and the node re-registers its route
   * table with the NameServers (RmqStore.onTopicsChanged). Returns why it refused, or null.
   */
  updateTopic(t: { topic: string; readQueueNums: number; writeQueueNums: number; perm: number; topicSysFlag?: number; order?: boolean }): string | null {
    const name = t.topic;
    if (!name || name.length > MAX_TOPIC_LENGTH || !/^[%|a-zA-Z0-9_-]+$/.test(name)) {
      return `topic name [${name}] is not valid: 1..${MAX_TOPIC_LENGTH} characters of %|a-zA-Z0-9_-`;
    }
    if (name === AUTO_CREATE_TOPIC && !this.settings.autoCreateTopicEnable) return `the topic[${name}] is conflict with system reserved words.`;
    if (name === SCHEDULE_TOPIC) return `the topic[${name}] is a system topic`;
    const { readQueueNums: read, writeQueueNums: write } = t;
    if (!Number.isInteger(read) || !Number.isInteger(write) || read < 1 || write < 1 || read > 1024 || write > 1024) return "readQueueNums and writeQueueNums must be 1..1024";
    const config = { topicName: name, readQueueNums: read, writeQueueNums: write, perm: t.perm & 7, topicSysFlag: t.topicSysFlag ?? 0, order: t.order ?? false };
    if (!this.hasRoomFor(config)) return this.noRoomFor(name);
    this.store.putTopic(config);
    this.logger.info({ topic: name, readQueueNums: read, writeQueueNums: write, perm: t.perm & 7 }, "RocketMQ topic created or updated");
    return null;
  }

  private deleteTopic(req: RemotingCommand): RemotingCommand {
    const name = req.extFields.topic ?? "";
    if (name === SCHEDULE_TOPIC || name === AUTO_CREATE_TOPIC) return response(req, ResponseCode.SYSTEM_ERROR, {}, null, `the topic[${name}] is a system topic`);
    if (this.store.deleteTopic(name)) this.logger.info({ topic: name }, "RocketMQ topic deleted");
    return response(req, ResponseCode.SUCCESS);
  }

  private allTopics(req: RemotingCommand): RemotingCommand {
    const table: Record<string, TopicConfig & { topicFilterType: string }> = {};
    for (const [name, t] of this.store.topics) table[name] = { ...t.config, topicFilterType: "SINGLE_TAG" };
    return response(req, ResponseCode.SUCCESS, {}, Buffer.from(JSON.stringify({ topicConfigTable: table, dataVersion: { timestamp: Date.now(), counter: this.store.topics.size } })));
  }

  // ---- retries ----------------------------------------------------------------------------------

  private async sendBack(req: RemotingCommand): Promise<RemotingCommand> {
    const e = req.extFields;
    const group = e.group ?? "";
    if (!group) return response(req, ResponseCode.SYSTEM_ERROR, {}, null, "send back without a consumer group");
    const position = int(e.offset, -1);
    let msg: StoredMessage;
    try {
      msg = await this.store.read(position);
    } catch (err) {
      return response(req, ResponseCode.SYSTEM_ERROR, {}, null, `look message by offset failed, ${position}: ${(err as Error).message}`);
    }
    const props = parseProperties(msg.properties);
    if (!props.has("RETRY_TOPIC")) props.set("RETRY_TOPIC", msg.topic);
    if (!props.has("ORIGIN_MESSAGE_ID")) props.set("ORIGIN_MESSAGE_ID", e.originMsgId || offsetMessageId(this.storeHost, position));
    props.delete("DELAY");
    props.delete("REAL_TOPIC");
    props.delete("REAL_QID");
    const maxReconsume = int(e.maxReconsumeTimes, 16);
    let delayLevel = int(e.delayLevel, 0);
    let topic = RETRY_PREFIX + group;
    let queueId = 0;
    const reconsume = msg.reconsumeTimes;
    if (reconsume >= maxReconsume || delayLevel < 0) {
      topic = DLQ_PREFIX + group;
      if (!this.ensureSystemTopic(topic, Perm.WRITE)) return response(req, ResponseCode.SYSTEM_ERROR, {}, null, this.noRoomFor(topic));
      this.logger.info({ group, originTopic: props.get("RETRY_TOPIC"), reconsumeTimes: reconsume, maxReconsumeTimes: maxReconsume }, "RocketMQ message moved to the dead letter queue");
    } else {
      if (!this.ensureSystemTopic(topic, Perm.READ | Perm.WRITE)) return response(req, ResponseCode.SYSTEM_ERROR, {}, null, this.noRoomFor(topic));
      if (delayLevel === 0) delayLevel = 3 + reconsume;
      const level = Math.min(delayLevel, this.settings.delayLevelsMs.length);
      props.set("REAL_TOPIC", topic);
      props.set("REAL_QID", String(queueId));
      props.set("DELAY", String(level));
      topic = SCHEDULE_TOPIC;
      queueId = level - 1;
    }
    const appended = this.store.append({
      topic,
      queueId,
      flag: msg.flag,
      sysFlag: msg.sysFlag,
      bornTimestamp: msg.bornTimestamp,
      bornHost: msg.bornHost,
      storeTimestamp: Date.now(),
      reconsumeTimes: reconsume + 1,
      properties: formatProperties(props),
      body: msg.body,
    });
    const missing = this.store.slavesUnavailable();
    if (missing !== null) this.warnSlavesUnavailable(missing);
    const status = await this.awaitPolicy([appended.durable], missing === null ? null : this.store.awaitLocal());
    if (status === "ok") return response(req, ResponseCode.SUCCESS);
    // RocketMQ's consumerSendMsgBack answers SUCCESS for PUT_OK only and SYSTEM_ERROR with the put
    // status's name otherwise, though the message is stored: the consumer then sends it to the
    // retry topic itself (at-least-once: it may come back twice, as with RocketMQ).
    if (status === "local" || (status === "timeout" && missing !== null)) {
      return response(req, ResponseCode.SYSTEM_ERROR, {}, null, `SLAVE_NOT_AVAILABLE: stored on the master, but ${missing ?? "no slave can confirm it"}`);
    }
    if (status === "timeout") {
      const name = this.settings.replicated ? "FLUSH_SLAVE_TIMEOUT" : "FLUSH_DISK_TIMEOUT";
      return response(req, ResponseCode.SYSTEM_ERROR, {}, null, `${name}: stored, but not confirmed within ${this.settings.syncTimeoutMs} ms`);
    }
    return response(req, ResponseCode.SYSTEM_ERROR, {}, null, `send back not stored durably: ${status.error}`);
  }

  /** Moves due messages of each delay level to their real topic (ScheduleMessageService). */
  private async runSchedule(): Promise<void> {
    if (this.scheduling || this.stopped) return;
    this.scheduling = true;
    try {
      for (let level = 1; level <= this.settings.delayLevelsMs.length; level++) {
        const q = this.store.queue(SCHEDULE_TOPIC, level - 1);
        if (!q) continue;
        let offset = Math.max(this.store.getOffset(SCHEDULE_GROUP, SCHEDULE_TOPIC, level - 1) ?? q.minOffset, q.minOffset);
        const pending: Array<Promise<void>> = [];
        while (offset < q.visible && !this.stopped) {
          const position = q.positionAt(offset);
          const m = await this.store.read(position);
          if (m.storeTimestamp + this.settings.delayLevelsMs[level - 1] > Date.now()) break;
          const props = parseProperties(m.properties);
          const realTopic = props.get("REAL_TOPIC") ?? "";
          const realQid = int(props.get("REAL_QID"), 0);
          props.delete("REAL_TOPIC");
          props.delete("REAL_QID");
          props.delete("DELAY");
          if (realTopic && this.store.topics.has(realTopic)) {
            const a = this.store.append({ ...m, topic: realTopic, queueId: realQid, storeTimestamp: Date.now(), properties: formatProperties(props) });
            pending.push(a.durable.catch(() => undefined));
          } else {
            this.logger.warn({ realTopic, position }, "delayed RocketMQ message dropped: its topic no longer exists");
          }
          offset++;
        }
        await Promise.all(pending);
        if (!this.stopped && offset !== this.store.getOffset(SCHEDULE_GROUP, SCHEDULE_TOPIC, level - 1)) this.store.commitOffset(SCHEDULE_GROUP, SCHEDULE_TOPIC, level - 1, offset);
      }
    } catch (err) {
      this.logger.error({ err }, "RocketMQ delay scheduler failed (retried at the next tick)");
    } finally {
      this.scheduling = false;
    }
  }

  // ---- queries ----------------------------------------------------------------------------------

  private async viewById(req: RemotingCommand): Promise<RemotingCommand> {
    const position = int(req.extFields.offset, -1);
    try {
      const m = await this.store.read(position);
      return response(req, ResponseCode.SUCCESS, {}, encodeMessageExt(m, position, this.storeHost));
    } catch (err) {
      return response(req, ResponseCode.SYSTEM_ERROR, {}, null, `can not find message by the offset, ${position}: ${(err as Error).message}`);
    }
  }

  /** Looks a message up by its offset message id (what the console's "query by id" needs). */
  async findById(id: string): Promise<{ message: StoredMessage; position: number } | null> {
    const parsed = decodeOffsetMessageId(id);
    if (!parsed) return null;
    try {
      return { message: await this.store.read(parsed.commitLogOffset), position: parsed.commitLogOffset };
    } catch {
      return null;
    }
  }

  private async queryByKey(req: RemotingCommand): Promise<RemotingCommand> {
    const e = req.extFields;
    const topic = e.topic ?? "";
    const maxNum = Math.max(1, Math.min(int(e.maxNum, 32), 64));
    const begin = int(e.beginTimestamp, 0);
    const end = int(e.endTimestamp, Number.MAX_SAFE_INTEGER);
    const parts: Buffer[] = [];
    let lastPosition = 0;
    let lastTime = 0;
    for (const position of [...this.store.byKey(e.key ?? "")].reverse()) {
      if (parts.length >= maxNum) break;
      let m: StoredMessage;
      try {
        m = await this.store.read(position);
      } catch {
        continue;
      }
      if (m.topic !== topic || m.storeTimestamp < begin || m.storeTimestamp > end) continue;
      parts.push(encodeMessageExt(m, position, this.storeHost));
      lastPosition = Math.max(lastPosition, position);
      lastTime = Math.max(lastTime, m.storeTimestamp);
    }
    if (parts.length === 0) return response(req, ResponseCode.QUERY_NOT_FOUND, {}, null, "can not find message, maybe time range not correct");
    return response(req, ResponseCode.SUCCESS, { indexLastUpdateTimestamp: lastTime, indexLastUpdatePhyoffset: lastPosition }, Buffer.concat(parts));
  }

  // ---- retention --------------------------------------------------------------------------------

  /**
   * CleanCommitLogService: messages older than fileReservedTime go when it is a deleteWhen hour or
   * the disk is fuller than diskMaxUsedSpaceRatio; the journal's segment reclaim then deletes the
   * segments nothing else needs.
   */
  async cleanExpired(now = Date.now()): Promise<number> {
    if (this.cleaning || this.stopped) return 0;
    this.cleaning = true;
    try {
      const s = this.settings;
      const hourMatch = s.deleteWhen.includes(new Date(now).getHours());
      const usage = await this.measureDisk();
      const wasFull = this.diskUsage !== null && this.diskUsage > DISK_FULL_PERCENT;
      this.diskUsage = usage;
      const isFull = usage !== null && usage > DISK_FULL_PERCENT;
      if (isFull !== wasFull) {
        if (isFull) this.logger.error({ diskUsagePercent: usage }, `RocketMQ sends refused: disk usage above ${DISK_FULL_PERCENT} %`);
        else this.logger.warn({ diskUsagePercent: usage }, "RocketMQ sends accepted again: disk usage back below the limit");
      }
      const diskOver = usage !== null && usage > s.diskMaxUsedSpaceRatio;
      const forced = usage !== null && usage > FORCE_CLEAN_PERCENT;
      if (!hourMatch && !diskOver && !forced) return 0;
      let dropped = this.store.expireBefore(now - s.fileReservedTime * 3_600_000);
      if (forced) {
        // Like RocketMQ's forced cleaning: the oldest journal segment's messages go, however young.
        const segments = this.store.journal().segmentFiles();
        if (segments.length > 1) dropped += this.store.expireBelowPosition(segments[1].base);
      }
      const relogged = this.store.relogBelow();
      if (dropped > 0) this.logger.info({ dropped, relogged, hourMatch, forced, diskUsagePercent: usage }, "RocketMQ retention expired messages");
      return dropped;
    } finally {
      this.cleaning = false;
    }
  }
}

interface SendHeader {
  producerGroup: string;
  topic: string;
  defaultTopicQueueNums: number;
  queueId: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: string;
  flag: number;
  properties: string;
  reconsumeTimes: number;
  maxReconsumeTimes: number | undefined;
}

function sendHeaderV1(e: Ext): SendHeader {
  return {
    producerGroup: e.producerGroup ?? "",
    topic: e.topic ?? "",
    defaultTopicQueueNums: int(e.defaultTopicQueueNums, 4),
    queueId: int(e.queueId, -1),
    sysFlag: int(e.sysFlag, 0),
    bornTimestamp: int(e.bornTimestamp, Date.now()),
    bornHost: "127.0.0.1:0",
    flag: int(e.flag, 0),
    properties: e.properties ?? "",
    reconsumeTimes: int(e.reconsumeTimes, 0),
    maxReconsumeTimes: e.maxReconsumeTimes === undefined ? undefined : int(e.maxReconsumeTimes, 16),
  };
}

/** SendMessageRequestHeaderV2: the same fields under single-letter names a..m. */
function sendHeaderV2(e: Ext): SendHeader {
  return sendHeaderV1({
    producerGroup: e.a,
    topic: e.b,
    defaultTopic: e.c,
    defaultTopicQueueNums: e.d,
    queueId: e.e,
    sysFlag: e.f,
    bornTimestamp: e.g,
    flag: e.h,
    properties: e.i,
    reconsumeTimes: e.j,
    unitMode: e.k,
    maxReconsumeTimes: e.l,
  } as Ext);
}

function resetKey(group: string, topic: string, queueId: number): string {
  return `${group}\u0000${topic}\u0000${queueId}`;
}

function int(v: string | undefined, fallback: number): number {
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  return Number.isFinite(n) ? Math.trunc(n) : fallback;
}

function topicConfig(name: string, queues: number, perm: number): TopicConfig {
  return { topicName: name, readQueueNums: queues, writeQueueNums: queues, perm, topicSysFlag: 0, order: false };
}

/** "*" or "" → no filter; "a || b" → the tags' hash codes. */
function parseSubscription(expr: string | undefined): Set<number> | null | "bad" {
  if (expr === undefined) return null;
  const t = expr.trim();
  if (t === "" || t === "*") return null;
  const tags = t.split("||").map((x) => x.trim()).filter(Boolean);
  if (tags.length === 0) return "bad";
  return new Set(tags.map(tagHash));
}

async function diskUsagePercent(dir: string): Promise<number | null> {
  try {
    const s = await statfs(dir);
    if (s.blocks === 0) return null;
    return ((s.blocks - s.bavail) / s.blocks) * 100;
  } catch {
    return null;
  }
}
