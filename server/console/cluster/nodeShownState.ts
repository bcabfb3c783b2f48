import type { NodeSnapshot } from "./NodePoller";

/**
 * A serving master's message counters (node totals and its polled page of destinations) as one
 * comparable string, or null for a node that serves none: when it changes, the group's
 * destination pages are refetched (pushed, not polled).
 */
export function destinationCounters(s: NodeSnapshot): string | null {
  const i = s.info;
  if (!s.up || i === null || !i.serving) return null;
  return JSON.stringify([i.messages, s.destinationsTotal, s.destinations.map((d) => [d.name, d.depth, d.enqueued, d.dequeued, d.inflight, d.consumers])]);
}

/**
 * The part of a poll that the console's pages show, as one comparable string: up or not, role,
 * serving, client and message counts, memory and store use, replication links, bridges, rates
 * and the destinations page. Uptime, process memory and timestamps are left out — they change
 * on every poll of an idle node, and pushing them would refetch every open page once a second
 * (issue #12: an idle tab must cost the console next to nothing). Equal strings: nothing to push.
 */
export function nodeShownState(s: NodeSnapshot): string {
  const i = s.info;
  if (i === null) return JSON.stringify({ up: s.up, error: s.error });
  return JSON.stringify([
    s.up,
    i.role,
    i.serving,
    i.connections.current,
    i.memory.used,
    i.memory.blockedProducers,
    i.store.used,
    i.messages,
    i.closedConnections,
    i.ha === null ? null : [i.ha.role, i.ha.term, i.ha.following, i.ha.slaves.map((l) => [l.node, l.state, l.lagBytes])],
    i.bridges.map((b) => [b.name, b.state, b.stateText]),
    s.rates,
    s.destinationsTotal,
    s.destinations.map((d) => [d.name, d.depth, d.enqueued, d.dequeued, d.consumers, d.producers, d.inflight]),
  ]);
}
