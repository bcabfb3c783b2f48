import type { BrokerMessage } from "./BrokerMessage";
import type { ChangeMark } from "./DestinationChanges";
import type { Queue } from "./Queue";
import type { Subscription } from "./Subscription";

/** A durable topic subscription: a journaled queue that outlives its consumer's connection. */
export interface DurableSubscription {
  clientId: string;
  subName: string;
  topic: string;
  selectorText: string;
  matches: (msg: BrokerMessage) => boolean;
  queue: Queue;
  /** Journal position of the DurableSub record, re-logged before segment reclaim passes it. */
  recordPosition: number;
}

/** A /topic/ destination: every subscription gets its own copy of each message. */
export class Topic implements ChangeMark {
  /** Non-durable subscriptions, each with its own in-memory buffer queue. */
  readonly subscribers = new Map<Subscription, Queue>();
  readonly durables = new Map<string, DurableSubscription>();
  enqueued = 0;
  readonly createdAt = Date.now();
  /** Bumped on a publish and by its subscriptions' buffers (their Queue.mark is the topic). */
  changeSeq = 0;

  constructor(readonly destination: string) {}
}
