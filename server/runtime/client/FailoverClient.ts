import { EventEmitter } from "node:events";
import { pino, type Logger } from "pino";
import type { StompHeaders } from "../stomp/StompFrame";
import { reconnectAttemptLimit, type FailoverOptions } from "./FailoverOptions";
import { parseClientUri, type BrokerEndpoint, type ClientTarget } from "./parseClientUri";
import { connectOrder, ReconnectSchedule } from "./ReconnectSchedule";
import { StompClient } from "./StompClient";
import { isFatalConnectError, StompError, TransactionRolledBackError } from "./StompError";
import { toHeaderList, type AckMode, type MessageHandler, type SendOptions, type StompMessage, type SubscribeOptions } from "./StompMessage";
import { ZkMasterDiscovery, type MasterInfo } from "./ZkMasterDiscovery";

export interface FailoverClientOptions {
  /** `failover:(stomp://a,stomp://b)?…`, `discovery:zk://host:port/zkPath?…` or `stomp://host:port`. */
  uri: string;
  login?: string;
  passcode?: string;
  /** Sent on every (re)connect: durable subscriptions are keyed by it. */
  clientId?: string;
  heartBeat?: [number, number];
  /** Per attempt: TCP connect + CONNECTED. Default 5 s (a dead host must not stall a round). */
  connectTimeoutMs?: number;
  logger?: Logger;
  /** For tests: the randomness of `randomize`. */
  random?: () => number;
}

export interface FailoverClientEvents {
  /** First connection established. */
  connected: [url: string];
  /** A working connection dropped; sends and subscriptions will be replayed on the next one. */
  interrupted: [url: string, error: Error];
  /** Connected again after an interruption (state replayed). */
  resumed: [url: string];
  /** The reconnect limit was reached: every pending request has been rejected. */
  failed: [Error];
  /** Discovery changed its view of the master (discovery mode only). */
  master: [MasterInfo];
}

export interface FailoverStats {
  /** Successful connects after an interruption. */
  reconnects: number;
  /** SEND frames written again on a new connection because no receipt had come. */
  resentSends: number;
  /** ack()/nack() calls dropped because the message came over a connection that is gone. */
  staleAcks: number;
  /** Connect attempts that failed (one per URI tried). */
  failedAttempts: number;
}

export interface FailoverSubscription {
  readonly id: string;
  unsubscribe(): Promise<void>;
}

export interface FailoverTransaction {
  readonly id: string;
  send(destination: string, body: Buffer | string, options?: Omit<SendOptions, "transaction">): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

interface OutboundSend {
  headers: StompHeaders;
  body: Buffer;
  receipt: boolean;
  resolve(): void;
  reject(err: Error): void;
  /** Connection epoch it was last written on; -1 while never written. */
  epoch: number;
  timer: NodeJS.Timeout | undefined;
}

interface ReplayedSubscription {
  id: string;
  destination: string;
  ack: AckMode;
  headers: StompHeaders;
  handler: MessageHandler;
  ready: Deferred;
}

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(err: Error): void;
  settled: boolean;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const d: Deferred = {
    promise: new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    }),
    resolve: () => {
      d.settled = true;
      resolve();
    },
    reject: (err) => {
      d.settled = true;
      reject(err);
    },
    settled: false,
  };
  d.promise.catch(() => undefined); // observed by whoever awaits it; never an unhandled rejection
  return d;
}

/**
 * ActiveMQ's failover transport for STOMP (brokers.md §d): one live StompClient at a time,
 * replaced after a drop by the next broker that accepts a connection (a Tandem slave keeps its
 * port closed, so it simply looks unreachable — §d.10). Rounds, order and back-off follow
 * FailoverTransport#doReconnect; with `discovery:zk://…` the candidate list is the master the
 * coordinator names, and a change there cuts the back-off sleep short.
 *
 * At-least-once: a SEND that asked for a receipt stays in the outbox until its RECEIPT arrives;
 * every (re)connect re-subscribes every subscription and then re-sends the whole outbox in
 * order. So a message whose receipt was lost with the connection may be stored twice; the caller
 * must tolerate duplicates (§d.6). While disconnected, sends wait (or fail after `timeout`).
 * An open transaction does not survive a failover: it is reported as rolled back.
 */
export class FailoverClient extends EventEmitter<FailoverClientEvents> {
  readonly stats: FailoverStats = { reconnects: 0, resentSends: 0, staleAcks: 0, failedAttempts: 0 };
  readonly options: FailoverOptions;
  private conn: StompClient | null = null;
  private connUrl: string | null = null;
  /** Bumped on every connect and every loss, so state tied to one connection can tell it is stale. */
  private epoch = 0;
  private readonly outbox = new Set<OutboundSend>();
  private readonly subs = new Map<string, ReplayedSubscription>();
  private readonly schedule: ReconnectSchedule;
  private readonly log: Logger;
  private discovery: ZkMasterDiscovery | null = null;
  private firstConnection = true;
  private lastFailed: string | null = null;
  private closed = false;
  private failure: Error | null = null;
  private reconnecting = false;
  private wake: (() => void) | null = null;
  private counter = 0;
  /** The timer of the priorityBackup probe while connected to a backup broker. */
  private priorityTimer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly target: ClientTarget,
    private readonly o: FailoverClientOptions,
  ) {
    super();
    this.options = target.options;
    this.schedule = new ReconnectSchedule(target.options);
    this.log = (o.logger ?? pino({ enabled: false })).child({ component: "failover-client" });
    if (target.ignored.length > 0) this.log.warn({ options: target.ignored }, "failover options not supported by the STOMP client; ignored");
  }

  /**
   * Resolves once connected to a broker; rejects when startupMaxReconnectAttempts (or
   * maxReconnectAttempts) rounds failed first.
   */
  static async connect(o: FailoverClientOptions): Promise<FailoverClient> {
    const client = new FailoverClient(parseClientUri(o.uri), o);
    if (client.target.discovery) {
      client.discovery = await ZkMasterDiscovery.start({ ...client.target.discovery, logger: client.log });
      client.discovery.on("change", (m) => {
        client.emit("master", m);
        client.wake?.(); // a new master may be ready: stop sleeping (the back-off itself is kept)
      });
    }
    const ready = new Promise<void>((resolve, reject) => {
      client.once("connected", () => resolve());
      client.once("failed", reject);
    });
    client.startReconnect(false);
    try {
      await ready;
    } catch (err) {
      await client.disconnect();
      throw err;
    }
    return client;
  }

  /** URL of the broker in use, or null while failing over. */
  get connectedUrl(): string | null {
    return this.connUrl;
  }

  /** SENDs waiting for a receipt or for a connection. */
  get pendingSends(): number {
    return this.outbox.size;
  }

  get masterInfo(): MasterInfo | null {
    return this.discovery?.master ?? null;
  }

  /**
   * Resolves on the broker's RECEIPT (default), possibly after failing over and re-sending;
   * with `receipt: false`, once written to some connection.
   */
  send(destination: string, body: Buffer | string, options: SendOptions = {}): Promise<void> {
    if (options.transaction) return Promise.reject(new Error("use FailoverTransaction.send for transactional sends"));
    const failed = this.unusable();
    if (failed) return Promise.reject(failed);
    return new Promise<void>((resolve, reject) => {
      const entry: OutboundSend = {
        headers: [["destination", destination], ...toHeaderList(options.headers)],
        body: typeof body === "string" ? Buffer.from(body, "utf8") : body,
        receipt: options.receipt ?? true,
        resolve,
        reject,
        epoch: -1,
        timer: undefined,
      };
      this.outbox.add(entry);
      if (this.conn) this.dispatch(entry, this.conn);
      else this.armTimeout(entry);
    });
  }

  /** Subscribes now and after every reconnect; resolves once the first broker confirmed it. */
  async subscribe(destination: string, handler: MessageHandler, options: SubscribeOptions = {}): Promise<FailoverSubscription> {
    const failed = this.unusable();
    if (failed) throw failed;
    const id = options.id ?? `fsub-${++this.counter}`;
    if (this.subs.has(id)) throw new Error(`subscription id ${id} is already in use`);
    const sub: ReplayedSubscription = {
      id,
      destination,
      ack: options.ack ?? "auto",
      headers: toHeaderList(options.headers),
      handler,
      ready: deferred(),
    };
    this.subs.set(id, sub);
    if (this.conn) this.subscribeOn(this.conn, sub);
    await sub.ready.promise;
    return {
      id,
      unsubscribe: async () => {
        if (!this.subs.delete(id)) return;
        await this.conn?.unsubscribe(id).catch((err: StompError) => {
          if (!err.transient) throw err; // a lost connection drops the subscription anyway
        });
      },
    };
  }

  /**
   * Begins a transaction on the current connection (waiting for one if needed). STOMP
   * transactions live in the broker's connection, so a failover rolls it back: its later sends
   * and its commit reject with TransactionRolledBackError (ActiveMQ's "in doubt", §d.6).
   */
  async begin(): Promise<FailoverTransaction> {
    const conn = await this.connection();
    const epoch = this.epoch;
    const id = `ftx-${++this.counter}`;
    const rolledBack = (): TransactionRolledBackError => new TransactionRolledBackError(id);
    const onConn = async (fn: (c: StompClient) => Promise<void>): Promise<void> => {
      if (this.epoch !== epoch || this.conn !== conn) throw rolledBack();
      try {
        await fn(conn);
      } catch (err) {
        if (err instanceof StompError && err.transient) throw rolledBack();
        throw err;
      }
    };
    await onConn((c) => c.begin(id).then(() => undefined));
    return {
      id,
      send: (destination, body, options = {}) => onConn((c) => c.send(destination, body, { ...options, transaction: id })),
      commit: () => onConn((c) => c.commit(id)),
      abort: () => onConn((c) => c.abort(id)),
    };
  }

  /** Stops reconnecting, rejects what is still pending and closes politely. Idempotent. */
  async disconnect(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake?.();
    if (this.priorityTimer) clearTimeout(this.priorityTimer);
    this.rejectAll(new Error("failover client closed"));
    const conn = this.conn;
    this.conn = null;
    this.connUrl = null;
    await conn?.disconnect();
    await this.discovery?.close();
  }

  private unusable(): Error | null {
    if (this.failure) return this.failure;
    if (this.closed) return new Error("failover client closed");
    return null;
  }

  private async connection(): Promise<StompClient> {
    for (;;) {
      const failed = this.unusable();
      if (failed) throw failed;
      if (this.conn) return this.conn;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.off("connected", done);
          this.off("resumed", done);
          this.off("failed", done);
          resolve();
        };
        this.on("connected", done);
        this.on("resumed", done);
        this.on("failed", done);
      });
    }
  }

  private armTimeout(entry: OutboundSend): void {
    if (this.options.timeout <= 0 || entry.timer) return;
    entry.timer = setTimeout(() => {
      if (!this.outbox.delete(entry)) return;
      entry.reject(new Error(`send timed out after ${this.options.timeout} ms waiting for a broker connection`));
    }, this.options.timeout);
  }

  private dispatch(entry: OutboundSend, conn: StompClient): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = undefined;
    if (entry.epoch !== -1) this.stats.resentSends++;
    entry.epoch = this.epoch;
    conn.request("SEND", entry.headers, entry.body, entry.receipt).then(
      () => {
        if (this.outbox.delete(entry)) entry.resolve();
      },
      (err: StompError) => {
        // Transient: the entry stays in the outbox and the next connection re-sends it.
        if (err.transient || !this.outbox.has(entry)) return;
        this.outbox.delete(entry);
        entry.reject(err);
      },
    );
  }

  private subscribeOn(conn: StompClient, sub: ReplayedSubscription): void {
    const handler = (m: StompMessage): void => {
      const ack = m.ack;
      const nack = m.nack;
      const counted = (fn: typeof ack) => async (o?: { receipt?: boolean; transaction?: string }): Promise<boolean> => {
        const sent = await fn(o).catch((err: StompError) => {
          if (err.transient) return false;
          throw err;
        });
        if (!sent) this.stats.staleAcks++;
        return sent;
      };
      sub.handler({ ...m, ack: counted(ack), nack: counted(nack) });
    };
    conn.subscribe(sub.destination, handler, { id: sub.id, ack: sub.ack, headers: sub.headers, receipt: true }).then(
      () => sub.ready.resolve(),
      (err: StompError) => {
        if (err.transient) return; // replayed on the next connection
        this.subs.delete(sub.id);
        sub.ready.reject(err);
      },
    );
  }

  private candidates(): string[] {
    const discovered = this.discovery?.master.urls ?? [];
    return [...discovered, ...this.target.endpoints.map((e) => e.url)];
  }

  /** priorityURIs, or the first URI of the list when none are given (ActiveMQ's default). */
  private priorityUris(): string[] {
    if (!this.options.priorityBackup) return [];
    if (this.options.priorityURIs.length > 0) return this.options.priorityURIs;
    const first = this.target.endpoints[0]?.url;
    return first ? [first] : [];
  }

  /** With priorityBackup, a round tries the priority brokers first, in their given order. */
  private priorityFirst(order: string[]): string[] {
    const prio = this.priorityUris().filter((u) => order.includes(u));
    return prio.length === 0 ? order : [...prio, ...order.filter((u) => !prio.includes(u))];
  }

  /**
   * priorityBackup (FailoverTransport's priority backup): while connected to a backup broker,
   * keep trying the priority brokers with the reconnect back-off; when one accepts, move there.
   */
  private armPriorityProbe(schedule: ReconnectSchedule): void {
    const epoch = this.epoch;
    const delay = schedule.failedRound();
    this.priorityTimer = setTimeout(() => {
      this.priorityTimer = null;
      void this.probePriority(epoch, schedule);
    }, Math.max(delay, 1));
    this.priorityTimer.unref();
  }

  private async probePriority(epoch: number, schedule: ReconnectSchedule): Promise<void> {
    for (const url of this.priorityUris()) {
      if (this.closed || this.epoch !== epoch || !this.conn) return;
      let next: StompClient;
      try {
        next = await this.open(url);
      } catch {
        continue;
      }
      if (this.closed || this.epoch !== epoch || !this.conn) {
        next.close();
        return;
      }
      await this.moveTo(next, url);
      return;
    }
    if (!this.closed && this.epoch === epoch && this.conn) this.armPriorityProbe(schedule);
  }

  /**
   * Leaves the backup for a priority broker: a DISCONNECT with a receipt first, so every receipt
   * the backup still owes arrives (the broker answers in order) and those sends are not repeated;
   * sends made meanwhile wait in the outbox, then everything is replayed on the new connection.
   */
  private async moveTo(next: StompClient, url: string): Promise<void> {
    const old = this.conn!;
    const oldUrl = this.connUrl;
    this.conn = null;
    this.connUrl = null;
    this.epoch++;
    await old.disconnect(this.o.connectTimeoutMs ?? 5000);
    if (this.closed) {
      next.close();
      return;
    }
    this.log.info({ from: oldUrl, to: url }, "failover: priority broker available again; moving back to it");
    this.adopt(next, url);
  }

  private endpoint(url: string): BrokerEndpoint {
    const found = this.target.endpoints.find((e) => e.url === url);
    if (found) return found;
    const parsed = parseClientUri(url).endpoints[0]!;
    return parsed;
  }

  private startReconnect(afterDrop: boolean): void {
    if (this.reconnecting || this.closed || this.failure) return;
    this.reconnecting = true;
    void this.reconnectLoop(afterDrop).finally(() => {
      this.reconnecting = false;
    });
  }

  /** FailoverTransport#doReconnect: rounds over every candidate, back-off between failed rounds. */
  private async reconnectLoop(afterDrop: boolean): Promise<void> {
    if (afterDrop && this.options.initialReconnectDelay > 0) await this.sleep(this.options.initialReconnectDelay);
    let lastError: Error = new Error("no broker URI to connect to");
    while (!this.closed) {
      for (const url of this.priorityFirst(connectOrder(this.candidates(), this.options.randomize, this.lastFailed, this.o.random))) {
        if (this.closed) return;
        try {
          const conn = await this.open(url);
          if (this.closed) {
            conn.close();
            return;
          }
          this.adopt(conn, url);
          return;
        } catch (err) {
          this.stats.failedAttempts++;
          lastError = err as Error;
          if (isFatalConnectError(err)) {
            // The broker answered and refused us (e.g. bad credentials): retrying cannot help.
            this.fail(err);
            return;
          }
        }
      }
      const delay = this.schedule.failedRound();
      const limit = reconnectAttemptLimit(this.options, this.firstConnection);
      if (limit !== -1 && this.schedule.failures >= limit) {
        this.fail(new Error(`failover gave up after ${this.schedule.failures} round(s) over ${this.candidates().join(", ") || "no URI"}: ${lastError.message}`));
        return;
      }
      if (this.options.warnAfterReconnectAttempts > 0 && this.schedule.failures % this.options.warnAfterReconnectAttempts === 0) {
        this.log.warn({ failures: this.schedule.failures, uris: this.candidates(), err: lastError.message }, "still failing to reconnect");
      }
      if (delay > 0) await this.sleep(delay);
    }
  }

  private open(url: string): Promise<StompClient> {
    const e = this.endpoint(url);
    const hb = e.params.heartBeat?.split(",").map(Number);
    return StompClient.connect({
      host: e.host,
      port: e.port,
      login: e.params.login ?? this.o.login,
      passcode: e.params.passcode ?? this.o.passcode,
      clientId: this.o.clientId,
      heartBeat: hb && hb.length === 2 && hb.every(Number.isFinite) ? [hb[0]!, hb[1]!] : this.o.heartBeat,
      connectTimeoutMs: this.o.connectTimeoutMs ?? 5000,
    });
  }

  private adopt(conn: StompClient, url: string): void {
    this.epoch++;
    this.conn = conn;
    this.connUrl = url;
    this.schedule.reset();
    conn.once("close", (err) => this.lost(conn, url, err ?? StompError.connectionLost("closed")));
    if (!conn.connected) {
      this.lost(conn, url, StompError.connectionLost("closed before use"));
      return;
    }
    // Subscriptions first, then the outbox in its original order (a Set iterates in insertion order).
    for (const sub of this.subs.values()) this.subscribeOn(conn, sub);
    for (const entry of this.outbox) this.dispatch(entry, conn);
    const priority = this.priorityUris();
    if (priority.length > 0 && !priority.includes(url)) this.armPriorityProbe(new ReconnectSchedule(this.options));
    const first = this.firstConnection;
    this.firstConnection = false;
    this.log.info({ url, resent: this.outbox.size, subscriptions: this.subs.size }, first ? "connected" : "failover: resumed");
    if (first) {
      this.emit("connected", url);
    } else {
      this.stats.reconnects++;
      this.emit("resumed", url);
    }
  }

  private lost(conn: StompClient, url: string, err: Error): void {
    if (this.conn !== conn) return;
    this.conn = null;
    this.connUrl = null;
    this.epoch++;
    this.lastFailed = url;
    if (this.closed) return;
    this.log.warn({ url, err: err.message, pending: this.outbox.size }, "failover: connection interrupted");
    this.emit("interrupted", url, err);
    for (const entry of this.outbox) this.armTimeout(entry);
    if (reconnectAttemptLimit(this.options, false) === 0) {
      this.fail(new Error(`connection to ${url} lost and maxReconnectAttempts=0: ${err.message}`));
      return;
    }
    this.startReconnect(true);
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.log.error({ err: err.message }, "failover: giving up");
    this.rejectAll(err);
    this.emit("failed", err);
  }

  private rejectAll(err: Error): void {
    for (const entry of this.outbox) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.reject(err);
    }
    this.outbox.clear();
    for (const sub of this.subs.values()) if (!sub.ready.settled) sub.ready.reject(err);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}
