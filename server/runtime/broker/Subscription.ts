import type { Selector } from "../selector/Selector";
import type { BrokerMessage } from "./BrokerMessage";
import type { Queue } from "./Queue";
import { headerValue } from "./BrokerMessage";

/** What a selector identifier means for a STOMP message: broker fields first, then user headers. */
export function selectorField(msg: BrokerMessage, name: string): string | number | boolean | undefined {
  switch (name) {
    case "priority":
    case "JMSPriority":
      return msg.priority;
    case "message-id":
    case "JMSMessageID":
      return msg.id;
    case "timestamp":
    case "JMSTimestamp":
      return msg.timestamp;
    case "expires":
    case "JMSExpiration":
      return msg.expires;
    case "persistent":
      return msg.persistent ? "true" : "false";
    case "JMSDeliveryMode":
      return msg.persistent ? "PERSISTENT" : "NON_PERSISTENT";
    case "destination":
    case "JMSDestination":
      return msg.destination;
    case "JMSRedelivered":
      return msg.deliveryCount > 0;
    case "JMSCorrelationID":
      return headerValue(msg.headers, "correlation-id");
    case "JMSType":
      return headerValue(msg.headers, "type");
    default:
      return headerValue(msg.headers, name);
  }
}

export type AckMode = "auto" | "client" | "client-individual";

/** The connection side of a subscription: where MESSAGE frames go. */
export interface ConsumerSink {
  readonly connectionId: string;
  /** False while the socket's outgoing buffer is over its bound: dispatch to it pauses. */
  writable(): boolean;
  sendMessage(sub: Subscription, msg: BrokerMessage): void;
}

export interface SubscriptionOptions {
  id: string;
  /** The destination as the client named it; echoed in MESSAGE frames. */
  destination: string;
  ackMode: AckMode;
  prefetch: number;
  selector: Selector | null;
  selectorText?: string;
  exclusive?: boolean;
  priority?: number;
  noLocal?: boolean;
  /**
   * Set on a network bridge's subscription: the groups the demand it answers came through
   * (ActiveMQ's ConsumerInfo brokerPath). Consumer advisories carry it so other bridges can
   * apply consumerTTL and their loop guard.
   */
  network?: string[];
}

/**
 * One consumer. It owns its in-flight (delivered, unacknowledged) messages; the queue it reads
 * from owns everything not yet delivered. Credit = prefetch − in-flight, and none while the
 * connection's socket is backed up.
 */
export class Subscription {
  readonly inflight = new Map<string, BrokerMessage>();
  source: Queue | null = null;
  dispatched = 0;
  acked = 0;
  readonly createdAt = Date.now();

  constructor(
    readonly sink: ConsumerSink,
    readonly options: SubscriptionOptions,
  ) {}

  get id(): string {
    return this.options.id;
  }

  get key(): string {
    return `${this.sink.connectionId}/${this.options.id}`;
  }

  /** Held back until its SUBSCRIBE's RECEIPT is on the wire (that receipt must precede every MESSAGE). */
  held = false;

  hasCredit(): boolean {
    if (this.held) return false;
    if (this.options.ackMode !== "auto" && this.inflight.size >= this.options.prefetch) return false;
    return this.sink.writable();
  }

  matches(msg: BrokerMessage): boolean {
    if (!this.options.selector) return true;
    return this.options.selector((name) => selectorField(msg, name));
  }

  /** Sends one message; in auto mode it counts as acknowledged once it is on the wire. */
  deliver(msg: BrokerMessage): void {
    msg.deliveryCount++;
    this.dispatched++;
    if (this.options.ackMode === "auto") {
      this.sink.sendMessage(this, msg);
      this.acked++;
      this.source?.noteAutoAck(msg);
      return;
    }
    this.inflight.set(msg.id, msg);
    this.sink.sendMessage(this, msg);
  }

  /**
   * Removes acknowledged messages from the in-flight set. `client` mode is cumulative (spec: it
   * acks that message and every earlier one of the subscription); returns null for an id that is
   * not in flight here.
   */
  takeAcked(messageId: string): BrokerMessage[] | null {
    const target = this.inflight.get(messageId);
    if (!target) return null;
    if (this.options.ackMode !== "client") {
      this.inflight.delete(messageId);
      return [target];
    }
    const out: BrokerMessage[] = [];
    for (const [id, m] of this.inflight) {
      out.push(m);
      this.inflight.delete(id);
      if (id === messageId) break;
    }
    return out;
  }

  /** Removes one message from in-flight for NACK; null when unknown. */
  takeOne(messageId: string): BrokerMessage | null {
    const m = this.inflight.get(messageId);
    if (!m) return null;
    this.inflight.delete(messageId);
    return m;
  }

  /** Detaches and hands every in-flight message back for redelivery (consumer closed or died). */
  drainInflight(): BrokerMessage[] {
    const out = [...this.inflight.values()];
    this.inflight.clear();
    return out;
  }
}
