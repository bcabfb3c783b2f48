// Consumer demand as advertised by a group's master (ConsumerAdvisory) and as one bridge counts it.
import { matchesDestination, parseDestinationPattern, type DestinationPattern } from "../security/destinationPattern";

/** One consumer of a destination, as the advisory describes it. */
export interface AdvisedConsumer {
  /** Stable per subscription on that broker ("<connection>/<sub id>"). */
  id: string;
  /** Its selector text, or null when it takes everything. */
  selector: string | null;
  /**
   * Groups its demand came through: [] for a client of that broker, [g2, …] for a network
   * subscription a bridge made for the consumers of group g2 (ActiveMQ's ConsumerInfo brokerPath).
   */
  path: string[];
  /**
   * A durable topic subscription (active or away): the forwarding side then keeps a durable
   * network subscription of its own, so what is published while the bridge is down is stored for it.
   */
  durable?: boolean;
}

/** The whole consumer list of one destination at one moment (state, not a delta: replays are harmless). */
export interface DestinationDemand {
  destination: string;
  consumers: AdvisedConsumer[];
}

export interface DemandFilter {
  localGroup: string;
  consumerTTL: number;
  dynamicallyIncluded: DestinationPattern[];
  excluded: DestinationPattern[];
  /** Groups this group has a bridge of its own to (suppressDuplicateTopicSubscriptions, below). */
  directGroups?: ReadonlySet<string>;
  /** bridgeTempDestinations: demand for a remote temporary destination is bridged (default true). */
  temporary?: boolean;
}

export function compilePatterns(list: readonly string[]): DestinationPattern[] {
  return list.map((p) => parseDestinationPattern(p)).filter((p): p is DestinationPattern => p !== null);
}

/** Queues and topics cross a bridge; advisory topics never do (temporary destinations: see isTemporary). */
export function bridgeable(destination: string): boolean {
  return (destination.startsWith("/queue/") || destination.startsWith("/topic/")) && !destination.startsWith("/topic/ActiveMQ.Advisory.");
}

/**
 * A temporary destination's broker key (/temp-queue/<owner connection>.<name>). Its demand is
 * advertised like any other, so a reply sent on another group to its /remote-temp-queue/ name
 * finds its way back to the requester (ActiveMQ's bridgeTempDestinations).
 */
export function isTemporary(destination: string): boolean {
  return destination.startsWith("/temp-queue/") || destination.startsWith("/temp-topic/");
}

/** The name a temporary destination's key is addressed by from any other connection or group. */
export function remoteTemporaryName(key: string): string {
  return `/remote-${key.slice(1)}`;
}

/**
 * Whether demand for `destination` may be bridged at all (excluded wins; a non-empty include list
 * must match). Temporary destinations follow bridgeTempDestinations alone, as in ActiveMQ: their
 * generated names could not be listed in an include pattern anyway.
 */
export function destinationAllowed(destination: string, f: Pick<DemandFilter, "dynamicallyIncluded" | "excluded" | "temporary">): boolean {
  if (isTemporary(destination)) return f.temporary === true;
  if (!bridgeable(destination)) return false;
  if (f.excluded.some((p) => matchesDestination(p, destination))) return false;
  return f.dynamicallyIncluded.length === 0 || f.dynamicallyIncluded.some((p) => matchesDestination(p, destination));
}

/**
 * The consumers a bridge answers for (DemandForwardingBridgeSupport#addConsumerInfo): a demand
 * that already passed through the local group is a loop, one that has travelled consumerTTL
 * hops goes no further.
 */
export function effectiveConsumers(d: DestinationDemand, f: DemandFilter): AdvisedConsumer[] {
  if (!destinationAllowed(d.destination, f)) return [];
  const topic = d.destination.startsWith("/topic/");
  return d.consumers.filter((c) => {
    if (c.path.includes(f.localGroup) || c.path.length >= f.consumerTTL) return false;
    // suppressDuplicateTopicSubscriptions (ActiveMQ default true): in a cyclic mesh a topic
    // subscriber of group X is also advertised by X's neighbours; when this group has its own
    // bridge to X, that direct route serves it and the relayed demand would deliver every message
    // twice. Queues need no such rule: a queue message is consumed once wherever it goes.
    if (topic && c.path.length > 0 && f.directGroups?.has(c.path[c.path.length - 1]!)) return false;
    return true;
  });
}

/**
 * Priority of a network subscription (decreaseNetworkConsumerPriority): -5, one lower per extra
 * hop the demand travelled, so a local consumer (0) always wins and a nearer remote beats a farther one.
 */
export function networkPriority(decrease: boolean, demandPath: readonly string[]): number {
  return decrease ? -5 - demandPath.length : 0;
}
