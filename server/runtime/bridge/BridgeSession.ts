import type { Logger } from "pino";
import type { Broker } from "../broker/Broker";
import type { BrokerMessage } from "../broker/BrokerMessage";
import type { ConsumerSink, Subscription } from "../broker/Subscription";
import { StompError } from "../client/StompError";
import type { StompClient } from "../client/StompClient";
import type { StompMessage } from "../client/StompMessage";
import type { BridgeSettings } from "../../config/resolveNetworkConnectors";
import { z } from "zod";
import { compileSelector } from "../selector/compileSelector";
import type { HeaderLookup, Selector } from "../selector/Selector";
import { matchesDestination } from "../security/destinationPattern";
import type { BridgeCounters } from "./BridgeCounters";
import { BROKER_PATH_HEADER, forwardVerdict, headersWithHop, parseBrokerPath } from "./brokerPath";
import { CONSUMER_ADVISORY_TOPIC, SNAPSHOT_END } from "./ConsumerAdvisory";
import { compilePatterns, destinationAllowed, effectiveConsumers, isTemporary, networkPriority, remoteTemporaryName, type AdvisedConsumer, type DemandFilter, type DestinationDemand } from "./demand";
import { networkDurableClientId, networkDurableSelector } from "./networkDurable";

/**
 * A demand advisory as read off the wire. Any client may publish to the advisory topic, so what
 * arrives is validated before it can steer the bridge (a malformed one is logged and ignored).
 */
const demandAdvisory = z.object({
  destination: z.string().max(4096),
  consumers: z
    .array(z.object({ id: z.string().max(4096), selector: z.string().max(65_536).nullable(), path: z.array(z.string().max(256)).max(64), durable: z.boolean().optional() }))
    .max(100_000),
});

/** Bytes queued on the remote socket beyond which forwarding pauses (the network consumer has no credit). */
const MAX_BUFFERED = 4 * 1024 * 1024;

/** One local network subscription: it takes the messages the remote side has demand for. */
interface NetSub {
  key: string;
  destination: string;
  sub: Subscription;
  /** Remote consumers it answers for (empty for a static include). */
  consumers: AdvisedConsumer[];
  /** OR of their selectors; null = everything (some consumer has no selector, or a static include). */
  selectors: Selector[] | null;
  isStatic: boolean;
  /** A stand-in for the remote side's temporary destination (forwarded to its /remote- name). */
  temporary: boolean;
  /** A durable network subscription (some remote consumer is a durable subscriber): it outlives the session. */
  durable: boolean;
  /** Demand is gone: nothing more is dispatched to it; it is removed once its in-flight sends settle. */
  closing: boolean;
}

export interface BridgeSessionOptions {
  name: string;
  client: StompClient;
  broker: Broker;
  localGroup: string;
  /** The remote group's name, or a stand-in for a broker outside the cluster file. */
  remoteGroup: string;
  settings: BridgeSettings;
  counters: BridgeCounters;
  /** Remote groups the local group bridges to directly (all its bridges). */
  directGroups: ReadonlySet<string>;
  /** Every group's direct neighbours (cluster file). */
  neighbours: Readonly<Record<string, string[]>>;
  logger: Logger;
}

/**
 * One connected bridge (DemandForwardingBridge): it watches the remote master's consumer advisories,
 * keeps one local network subscription per destination with remote demand (per remote consumer
 * when conduitSubscriptions is false), and forwards what the local broker dispatches to them.
 * Store-and-forward: every message is sent with a receipt and acknowledged here only once the
 * remote receipted it — i.e. once it is durable there under the remote group's own sync policy —
 * so a crash of either side can duplicate a message but never lose one.
 */
export class BridgeSession implements ConsumerSink {
  readonly connectionId: string;
  private readonly nets = new Map<string, NetSub>();
  private readonly bySub = new Map<Subscription, NetSub>();
  /** Remote demand per destination, after consumerTTL / loop / include filters. */
  readonly demand = new Map<string, number>();
  private readonly filter: DemandFilter;
  private readonly staticPatterns;
  private ticker: NodeJS.Timeout | null = null;
  private disposed = false;
  /** Topics whose remote demand includes a durable subscriber (their durable network subscription must stay). */
  private readonly durableDemand = new Set<string>();
  /** Local stand-ins this session made for the remote side's temporary destinations. */
  private readonly temporaries = new Set<string>();
  private readonly durableClientId: string;
  private readonly durableSelector: string;

  constructor(private readonly o: BridgeSessionOptions) {
    this.connectionId = `bridge:${o.name}`;
    this.filter = {
      localGroup: o.localGroup,
      consumerTTL: o.settings.consumerTTL,
      dynamicallyIncluded: compilePatterns(o.settings.dynamicallyIncludedDestinations),
      excluded: compilePatterns(o.settings.excludedDestinations),
      directGroups: o.directGroups,
      temporary: o.settings.bridgeTempDestinations,
    };
    this.staticPatterns = compilePatterns(o.settings.staticallyIncludedDestinations);
    this.durableClientId = networkDurableClientId(o.remoteGroup, o.name);
    const relayers = Object.entries(o.neighbours).filter(([, ns]) => ns.includes(o.remoteGroup)).map(([g]) => g);
    this.durableSelector = networkDurableSelector(o.remoteGroup, o.settings.messageTTL, relayers);
  }

  async start(): Promise<void> {
    if (!this.o.settings.staticBridge) {
      await this.o.client.subscribe(CONSUMER_ADVISORY_TOPIC, (m) => this.onAdvisory(m), { ack: "auto", id: `advisory-${this.o.name}` });
    }
    this.tick();
    // Static includes may name wildcards (new destinations appear), and a replay waits for its
    // delay to pass with nothing else to wake the queue: both are rechecked on a short tick.
    this.ticker = setInterval(() => this.tick(), 500);
    this.ticker.unref();
  }

  // ConsumerSink ------------------------------------------------------------------------------

  writable(): boolean {
    return !this.disposed && this.o.client.connected && this.o.client.bufferedBytes < MAX_BUFFERED;
  }

  sendMessage(sub: Subscription, msg: BrokerMessage): void {
    const net = this.bySub.get(sub);
    const c = this.o.counters;
    const headers = headersWithHop(msg.headers, this.o.localGroup);
    headers.push(["persistent", msg.persistent ? "true" : "false"], ["priority", String(msg.priority)]);
    if (msg.expires > 0) headers.push(["expires", String(msg.expires)]);
    if (parseBrokerPath(header(msg, BROKER_PATH_HEADER)).includes(this.o.remoteGroup)) c.replayed++;
    const body = msg.body ?? Buffer.alloc(0);
    // A reply to a temporary destination goes to its owner's group under the name that addresses it there.
    const destination = net?.temporary ? remoteTemporaryName(net.destination) : msg.destination;
    c.inFlight++;
    this.o.client.send(destination, body, { headers, receipt: true }).then(
      () => {
        c.inFlight--;
        c.forwarded++;
        c.forwardedBytes += body.length;
        // After dispose the subscription is gone and the message already back in its queue (it
        // will be forwarded again: a duplicate, never a loss); and a demoted node must not write
        // its journal, which now follows the new master.
        if (this.disposed) return;
        const taken = sub.takeOne(msg.id);
        if (taken) {
          sub.acked++;
          sub.source?.acknowledge(taken, true);
        }
        if (net?.closing) this.maybeRemove(net);
      },
      (err: unknown) => {
        c.inFlight--;
        if (err instanceof StompError && !err.transient) {
          // The remote refused this message (permissions, size …): it counts as a failed delivery,
          // so it is retried and dead-lettered after maxRedeliveries instead of blocking the bridge.
          c.rejected++;
          this.o.logger.warn({ bridge: this.o.name, destination: msg.destination, messageId: msg.id, err: err.message }, "remote group refused a forwarded message");
          const taken = sub.takeOne(msg.id);
          if (taken) sub.source?.redeliver(taken);
        }
        // A lost connection: dispose() hands every in-flight message back to its queue.
      },
    );
  }

  /**
   * The remote falls behind a topic (its per-subscriber buffer is full). A non-durable topic
   * subscription may lose messages when it is slow (ActiveMQ's pending message limit), and the
   * node's memory must stay bounded: the buffered copies are dropped and the subscription starts
   * afresh, counted and logged. Queue messages are never dropped: their network consumer has a
   * prefetch bound instead.
   */
  slowTopic(sub: Subscription): void {
    const net = this.bySub.get(sub);
    if (!net || this.disposed) return;
    const dropped = sub.source?.pendingSnapshot().length ?? 0;
    this.o.counters.dropped += dropped;
    this.o.logger.warn({ bridge: this.o.name, destination: net.destination, dropped }, "remote group too slow for a topic: buffered copies dropped");
    this.remove(net);
    this.ensure(net.key, net.destination, net.consumers, net.isStatic, net.durable);
  }

  // Demand ------------------------------------------------------------------------------------

  private onAdvisory(m: StompMessage): void {
    if (m.header("TandemAdvisory") === SNAPSHOT_END) {
      this.snapshotEnded();
      return;
    }
    let d: DestinationDemand;
    try {
      d = demandAdvisory.parse(JSON.parse(m.body.toString("utf8")));
    } catch (err) {
      this.o.logger.warn({ bridge: this.o.name, err: (err as Error).message.slice(0, 500) }, "unreadable consumer advisory ignored");
      return;
    }
    try {
      this.applyDemand(d);
    } catch (err) {
      this.o.logger.error({ bridge: this.o.name, err, destination: d.destination }, "demand advisory could not be applied");
    }
  }

  /** Brings the local network subscriptions of one destination in line with the remote's consumers. */
  applyDemand(d: DestinationDemand): void {
    if (this.disposed) return;
    const consumers = effectiveConsumers(d, this.filter);
    if (consumers.length > 0) this.demand.set(d.destination, consumers.length);
    else this.demand.delete(d.destination);
    const isQueue = d.destination.startsWith("/queue/") || d.destination.startsWith("/temp-queue/");
    // One durable subscriber among the remote consumers makes the (conduit) topic subscription
    // durable, so nothing published while the bridge is down is lost for it (NC-DS_ durables).
    const durable = !isQueue && consumers.some((c) => c.durable === true);
    if (durable) this.durableDemand.add(d.destination);
    else this.durableDemand.delete(d.destination);
    const wanted = new Map<string, AdvisedConsumer[]>();
    if (consumers.length > 0) {
      // Topics always conduit: one subscription per bridge, so each remote subscriber gets a message once.
      if (durable) wanted.set(`${d.destination}|durable`, consumers);
      else if (this.o.settings.conduitSubscriptions || !isQueue) wanted.set(d.destination, consumers);
      else for (const c of consumers) wanted.set(`${d.destination}|${c.id}`, [c]);
    }
    for (const net of this.nets.values()) {
      if (net.destination !== d.destination || net.isStatic) continue;
      if (!wanted.has(net.key)) this.close(net);
    }
    for (const [key, list] of wanted) this.ensure(key, d.destination, list, false, durable);
    this.dropTemporaryIfIdle(d.destination);
  }

  /** A stand-in for a remote temporary destination goes once its remote demand and network subscriptions have. */
  private dropTemporaryIfIdle(key: string): void {
    if (!this.temporaries.has(key) || this.demand.has(key)) return;
    for (const n of this.nets.values()) if (n.destination === key) return;
    this.temporaries.delete(key);
    this.o.broker.removeTemporary(key);
  }

  /**
   * Every destination with remote demand has been advertised since this session subscribed: a
   * durable network subscription kept for a topic that has no durable demand any more (its remote
   * subscriber unsubscribed while the bridge was down) is deleted with what it stored.
   */
  private snapshotEnded(): void {
    if (this.disposed) return;
    for (const t of this.o.broker.topics.values()) {
      for (const d of [...t.durables.values()]) {
        if (d.clientId !== this.durableClientId || this.durableDemand.has(d.topic)) continue;
        if (this.o.broker.dropDurable(d.clientId, d.subName)) {
          this.o.logger.info({ bridge: this.o.name, topic: d.topic }, "durable network subscription deleted: the remote group no longer has a durable subscriber");
        }
      }
    }
  }

  private ensure(key: string, destination: string, consumers: AdvisedConsumer[], isStatic: boolean, durable = false): void {
    const selectors = isStatic || durable ? null : combineSelectors(consumers);
    const existing = this.nets.get(key);
    if (existing && !existing.closing) {
      // Selectors are read through the closure, so a change takes effect without dropping the
      // subscription (which would hand its in-flight messages back as redeliveries).
      existing.consumers = consumers;
      existing.selectors = selectors;
      existing.sub.source?.scheduleDispatch();
      return;
    }
    if (existing) this.remove(existing);
    const shortest = consumers.reduce<string[] | null>((best, c) => (best === null || c.path.length < best.length ? c.path : best), null) ?? [];
    const temporary = isTemporary(destination);
    const net: NetSub = { key, destination, sub: null as unknown as Subscription, consumers, selectors, isStatic, durable, temporary, closing: false };
    const admits: Selector = (lookup) => this.admits(net, lookup);
    try {
      // The remote side's temporary destination is addressed here by its /remote- name; this
      // session makes its stand-in, which lives as long as the remote demand for it.
      const target = this.o.broker.resolve(temporary ? remoteTemporaryName(destination) : destination, this.connectionId);
      if (temporary && target.kind === "temp-queue") this.o.broker.queueFor(target.key, target.key, true);
      if (temporary && target.kind === "temp-topic") this.o.broker.topicFor(target.key, true);
      if (temporary) this.temporaries.add(target.key);
      const durableId = durable ? { clientId: this.durableClientId, subName: destination } : undefined;
      // A durable keeps the selector it was made with; one made under other settings (messageTTL,
      // the neighbours) would store what this bridge will not forward, so it is made afresh.
      const old = durableId && this.o.broker.findDurableByKey(`durable:${durableId.clientId}:${durableId.subName}`);
      if (old && old.selectorText !== this.durableSelector) this.o.broker.dropDurable(durableId!.clientId, durableId!.subName);
      net.sub = this.o.broker.subscribe(
        this,
        target,
        {
          id: `${this.o.name}:${key}`,
          destination,
          ackMode: "client-individual",
          prefetch: this.o.settings.prefetchSize,
          selector: admits,
          selectorText: durable ? this.durableSelector : selectorTextOf(consumers),
          priority: networkPriority(this.o.settings.decreaseNetworkConsumerPriority, shortest),
          network: [this.o.remoteGroup, ...shortest],
        },
        durableId,
      );
    } catch (err) {
      this.o.logger.warn({ bridge: this.o.name, destination, err: (err as Error).message }, "cannot subscribe for remote demand");
      return;
    }
    this.nets.set(key, net);
    this.bySub.set(net.sub, net);
    this.o.logger.debug({ bridge: this.o.name, destination, consumers: consumers.length, isStatic }, "network subscription added");
  }

  /** NetworkBridgeFilter + ConditionalNetworkBridgeFilter + the remote consumers' selectors. */
  private admits(net: NetSub, lookup: HeaderLookup): boolean {
    if (net.closing || this.disposed) return false;
    const path = parseBrokerPath(lookup(BROKER_PATH_HEADER) as string | undefined);
    const verdict = forwardVerdict(path, this.o.remoteGroup, this.o.settings.messageTTL);
    if (verdict === "ttl") return false;
    // A topic message that came over a bridge is not relayed to a group the group it came from
    // (or any earlier one) bridges to directly: that group delivered it there itself. Without
    // this a triangle with networkTTL > 1 delivers each topic message twice.
    if (path.length > 0 && net.destination.startsWith("/topic/") && path.some((g) => this.o.neighbours[g]?.includes(this.o.remoteGroup))) return false;
    if (verdict === "loop" && !this.replayAllowed(net, lookup)) return false;
    if (net.selectors === null) return true;
    return net.selectors.some((s) => s(lookup));
  }

  /**
   * replayWhenNoConsumers: a queue message may go back to a group it came from once nobody here
   * but network subscriptions consumes it and it has waited replayDelay (so a consumer that is
   * merely reconnecting keeps its messages).
   */
  private replayAllowed(net: NetSub, lookup: HeaderLookup): boolean {
    // Only towards real demand: a static include forwards without any, and replaying along it
    // would bounce a message between two groups that both statically include its queue.
    if (!this.o.settings.replayWhenNoConsumers || net.isStatic || !net.destination.startsWith("/queue/")) return false;
    const q = net.sub.source;
    if (!q || q.consumers.some((c) => c.options.network === undefined)) return false;
    const arrived = Number(lookup("JMSTimestamp"));
    return Number.isFinite(arrived) && Date.now() - arrived >= this.o.settings.replayDelay;
  }

  /** Demand for it is gone: a durable network subscription is deleted too (dispose keeps it). */
  private close(net: NetSub): void {
    if (net.closing) return;
    net.closing = true;
    this.maybeRemove(net);
  }

  private maybeRemove(net: NetSub): void {
    if (net.sub.inflight.size === 0) this.remove(net);
  }

  private remove(net: NetSub): void {
    if (this.nets.get(net.key) === net) this.nets.delete(net.key);
    this.bySub.delete(net.sub);
    // The remote never confirmed these: a lost connection is not a failed delivery, so it must not
    // push a message towards the dead-letter queue (Queue.redeliver counts deliveries).
    for (const m of net.sub.inflight.values()) m.deliveryCount = Math.max(0, m.deliveryCount - 1);
    this.o.broker.unsubscribe(net.sub, net.durable && net.closing);
    if (net.durable && net.closing) this.o.logger.info({ bridge: this.o.name, topic: net.destination }, "durable network subscription deleted with its remote demand");
    if (net.temporary && !this.disposed) this.dropTemporaryIfIdle(net.destination);
  }

  private tick(): void {
    if (this.disposed) return;
    for (const [key] of [...this.o.broker.queues, ...this.o.broker.topics]) {
      if (!this.staticPatterns.some((p) => matchesDestination(p, key))) continue;
      if (!destinationAllowed(key, { dynamicallyIncluded: [], excluded: this.filter.excluded })) continue;
      if (!this.nets.has(`static|${key}`)) this.ensure(`static|${key}`, key, [], true);
    }
    if (this.o.settings.replayWhenNoConsumers) for (const net of this.nets.values()) net.sub.source?.scheduleDispatch();
  }

  view(): { subscriptions: number; demand: Array<{ destination: string; consumers: number }> } {
    return {
      subscriptions: this.nets.size,
      demand: [...this.demand].map(([destination, consumers]) => ({ destination, consumers })).sort((a, b) => a.destination.localeCompare(b.destination)),
    };
  }

  /** Ends the session: every network subscription goes, its unconfirmed messages back to their queues. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.ticker) clearInterval(this.ticker);
    for (const net of [...this.nets.values()]) this.remove(net);
    // Stand-ins for the remote side's temporary destinations end with the connection that made
    // them (ActiveMQ's too): a reply sent meanwhile is refused with "no longer exists", not kept.
    for (const key of this.temporaries) this.o.broker.removeTemporary(key);
    this.temporaries.clear();
    this.demand.clear();
    this.o.client.close();
  }
}

function header(msg: BrokerMessage, name: string): string | undefined {
  for (const [k, v] of msg.headers) if (k === name) return v;
  return undefined;
}

/** The OR of the remote consumers' selectors; null when one of them takes everything. */
export function combineSelectors(consumers: readonly AdvisedConsumer[]): Selector[] | null {
  const out: Selector[] = [];
  for (const c of consumers) {
    if (c.selector === null) return null;
    const compiled = compileSelector(c.selector);
    // A selector the remote accepted but we cannot compile: forward everything rather than strand messages.
    if (!compiled.ok) return null;
    out.push(compiled.selector);
  }
  return out;
}

function selectorTextOf(consumers: readonly AdvisedConsumer[]): string | undefined {
  if (consumers.length === 0 || consumers.some((c) => c.selector === null)) return undefined;
  return consumers.map((c) => `(${c.selector})`).join(" OR ");
}
