import type { Logger } from "pino";
import type { Broker } from "../broker/Broker";
import type { Subscription } from "../broker/Subscription";
import { bridgeable, isTemporary, type AdvisedConsumer, type DestinationDemand } from "./demand";
import { networkDurableGroup } from "./networkDurable";

/**
 * The topic on which a group's master advertises consumer demand (after ActiveMQ's
 * `ActiveMQ.Advisory.Consumer.>`, brokers.md §c.6). Each message is the whole consumer list of one
 * destination (`DestinationDemand` as JSON, headers TandemAdvisory/TandemGroup/TandemDestination)
 * rather than an add/remove delta: a bridge that reconnects, or misses a message, converges on the
 * next one, so demand is counted exactly with no phantom consumers. Whenever someone subscribes to
 * the topic, every destination with consumers is advertised again (the snapshot a new bridge needs).
 * Plain STOMP: any client can watch it (`SUBSCRIBE destination:/topic/ActiveMQ.Advisory.Consumer`).
 * A snapshot ends with a message whose TandemAdvisory header is `snapshot-end`: a bridge that saw it
 * knows every destination with demand, so whatever it still keeps for others (durable network
 * subscriptions, stand-ins for temporary destinations) is stale.
 */
export const CONSUMER_ADVISORY_TOPIC = "/topic/ActiveMQ.Advisory.Consumer";
export const SNAPSHOT_END = "snapshot-end";

/** Destinations whose consumers are advertised: bridgeable ones and temporary ones (replies). */
function advertised(key: string): boolean {
  return bridgeable(key) || isTemporary(key);
}

export type DemandListener = (destination: string) => void;

/** The consumers of one queue or topic key (non-durable subscribers and active durable ones). */
export function consumersOf(broker: Broker, key: string): Subscription[] {
  const q = broker.queues.get(key);
  if (q) return [...q.consumers];
  const t = broker.topics.get(key);
  if (!t) return [];
  const out = [...t.subscribers.keys()];
  for (const d of t.durables.values()) out.push(...d.queue.consumers);
  return out;
}

export function advisedConsumer(sub: Subscription): AdvisedConsumer {
  const sel = sub.options.selectorText?.trim();
  const c: AdvisedConsumer = { id: sub.key, selector: sel ? sel : null, path: sub.options.network ?? [] };
  if (sub.source?.kind === "durable") c.durable = true;
  return c;
}

/** Per broker (one per master tenure); wired to Broker.onConsumersChanged by the node. */
export class ConsumerAdvisory {
  private readonly listeners = new Set<DemandListener>();
  private readonly dirty = new Set<string>();
  private flushScheduled = false;
  private snapshotWanted = false;
  private closed = false;
  advisoriesSent = 0;

  constructor(
    private readonly broker: Broker,
    readonly groupName: string,
    private readonly logger: Logger,
  ) {
    broker.onConsumersChanged = (key) => this.changed(key);
    // It exists from the start, so a bridge may subscribe even where autoCreateDestinations is off.
    broker.topicFor(CONSUMER_ADVISORY_TOPIC, true);
  }

  /** In-process bridges listen here for the local side's demand. */
  listen(listener: DemandListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  demandOf(destination: string): DestinationDemand {
    const consumers = consumersOf(this.broker, destination).map(advisedConsumer);
    // A durable subscription is demand even while its subscriber is away: it stores what is
    // published meanwhile, so a bridge keeps forwarding to it (brokers.md §c.15, dynamicOnly=false).
    const t = this.broker.topics.get(destination);
    for (const d of t?.durables.values() ?? []) {
      if (d.queue.consumers.length > 0) continue; // its active subscriber is listed already
      // A bridge's own durable network subscription stands for demand from its remote group.
      const via = networkDurableGroup(d.clientId);
      consumers.push({ id: `durable:${d.clientId}:${d.subName}`, selector: via === null ? d.selectorText.trim() || null : null, path: via === null ? [] : [via], durable: true });
    }
    return { destination, consumers };
  }

  /** Every bridgeable destination that has at least one consumer now. */
  destinationsWithConsumers(): string[] {
    const out: string[] = [];
    for (const [key, q] of this.broker.queues) if (advertised(key) && q.consumers.length > 0) out.push(key);
    for (const [key, t] of this.broker.topics) if (advertised(key) && (t.durables.size > 0 || consumersOf(this.broker, key).length > 0)) out.push(key);
    return out;
  }

  close(): void {
    this.closed = true;
    this.listeners.clear();
    this.broker.onConsumersChanged = () => {};
  }

  private changed(key: string): void {
    if (this.closed) return;
    if (key === CONSUMER_ADVISORY_TOPIC) this.snapshotWanted = true;
    else if (advertised(key)) this.dirty.add(key);
    else return;
    // Coalesced to the next turn: a connection closing with many subscriptions advertises each
    // destination once, and a new advisory subscriber's SUBSCRIBE receipt goes out before its
    // first MESSAGE (the spec's order).
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.closed) return;
    const keys = [...this.dirty];
    this.dirty.clear();
    const snapshot = this.snapshotWanted;
    if (snapshot) {
      this.snapshotWanted = false;
      for (const k of this.destinationsWithConsumers()) if (!keys.includes(k)) keys.push(k);
    }
    for (const key of keys) {
      for (const l of this.listeners) {
        try {
          l(key);
        } catch (err) {
          this.logger.error({ err, destination: key }, "demand listener failed");
        }
      }
      try {
        this.publish(this.demandOf(key));
      } catch (err) {
        // Runs from setImmediate: a throw here would end the process.
        this.logger.error({ err, destination: key }, "consumer advisory not published");
      }
    }
    if (snapshot) {
      try {
        this.publishRaw(SNAPSHOT_END, "", Buffer.from("{}"));
      } catch (err) {
        this.logger.error({ err }, "consumer advisory snapshot end not published");
      }
    }
  }

  private publish(demand: DestinationDemand): void {
    this.publishRaw("demand", demand.destination, Buffer.from(JSON.stringify(demand)));
  }

  private publishRaw(kind: string, destination: string, body: Buffer): void {
    const topic = this.broker.topics.get(CONSUMER_ADVISORY_TOPIC);
    if (!topic || topic.subscribers.size === 0) return;
    const target = this.broker.resolve(CONSUMER_ADVISORY_TOPIC, "advisory");
    const msg = this.broker.createMessage({
      destination: CONSUMER_ADVISORY_TOPIC,
      headers: [
        ["content-type", "application/json"],
        ["TandemAdvisory", kind],
        ["TandemGroup", this.groupName],
        ["TandemDestination", destination],
      ],
      body,
      persistent: false,
      hasContentLength: false,
      priority: 4,
      expires: 0,
    });
    this.broker.send(target, msg);
    this.advisoriesSent++;
  }
}
