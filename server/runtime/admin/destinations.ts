import type { Queue } from "../broker/Queue";
import { Topic } from "../broker/Topic";
import { BrokerError } from "../broker/Broker";
import { live, type AdminContext } from "./AdminContext";
import { badRequest, conflict, notFound } from "./AdminError";
import type { DestinationChangesPage, DestinationRow } from "./adminResponses";

export type { DestinationRow };

/** Arrival time of a queue's oldest waiting message: RAM heads, else the first paged-out record. */
async function oldestTimestamp(ctx: AdminContext, q: Queue): Promise<number | null> {
  const inMemory = q.oldestPendingTimestamp();
  if (q.spilledCount === 0) return inMemory;
  const first = q.spilledSnapshot()[0];
  try {
    const e = await live(ctx).broker.store.load(first);
    return inMemory === null ? e.timestamp : Math.min(inMemory, e.timestamp);
  } catch {
    return inMemory;
  }
}

async function queueRow(ctx: AdminContext, q: Queue): Promise<DestinationRow> {
  const oldest = await oldestTimestamp(ctx, q);
  return {
    name: q.key,
    kind: q.kind === "temp-queue" ? "temp-queue" : "queue",
    depth: q.depth,
    spilled: q.spilledCount,
    enqueued: q.stats.enqueued,
    dequeued: q.stats.dequeued,
    dispatched: q.stats.dispatched,
    expired: q.stats.expired,
    deadLettered: q.stats.deadLettered,
    consumers: q.consumers.length,
    producers: live(ctx).broker.producers.get(q.key)?.size ?? 0,
    inflight: q.inflight,
    durableSubscriptions: 0,
    oldestMessageAgeMs: oldest === null ? null : Math.max(0, Date.now() - oldest),
  };
}

/** A topic's numbers are the sums over its subscriptions' buffers (durable and not). */
async function topicRow(ctx: AdminContext, t: Topic): Promise<DestinationRow> {
  const queues: Queue[] = [...t.subscribers.values(), ...[...t.durables.values()].map((d) => d.queue)];
  let oldest: number | null = null;
  const row: DestinationRow = {
    name: t.destination,
    kind: t.destination.startsWith("/temp-topic/") ? "temp-topic" : "topic",
    depth: 0,
    spilled: 0,
    enqueued: t.enqueued,
    dequeued: 0,
    dispatched: 0,
    expired: 0,
    deadLettered: 0,
    consumers: 0,
    producers: live(ctx).broker.producers.get(t.destination)?.size ?? 0,
    inflight: 0,
    durableSubscriptions: t.durables.size,
    oldestMessageAgeMs: null,
  };
  for (const q of queues) {
    row.depth += q.depth;
    row.spilled += q.spilledCount;
    row.dequeued += q.stats.dequeued;
    row.dispatched += q.stats.dispatched;
    row.expired += q.stats.expired;
    row.deadLettered += q.stats.deadLettered;
    row.consumers += q.consumers.length;
    row.inflight += q.inflight;
    const o = await oldestTimestamp(ctx, q);
    if (o !== null && (oldest === null || o < oldest)) oldest = o;
  }
  row.oldestMessageAgeMs = oldest === null ? null : Math.max(0, Date.now() - oldest);
  return row;
}

/**
 * The consumer advisory topic is the network bridges' plumbing (bridge/ConsumerAdvisory), not an
 * application destination: lists leave it out; it stays readable by name (GET /destinations/:dest).
 */
function listedTopic(t: Topic): boolean {
  return !t.destination.startsWith("/topic/ActiveMQ.Advisory.");
}

export async function listDestinations(ctx: AdminContext): Promise<DestinationRow[]> {
  const rows: DestinationRow[] = [];
  for (const q of live(ctx).broker.queues.values()) rows.push(await queueRow(ctx, q));
  for (const t of live(ctx).broker.topics.values()) if (listedTopic(t)) rows.push(await topicRow(ctx, t));
  return rows;
}

/**
 * The destinations that changed after the cursor `since` (DestinationChanges), oldest change
 * first, at most `limit` rows and deletions; `more` when some remain (the cursor then stands just
 * after the last one answered, so the next call continues without a gap or repeat). A missing or
 * unusable cursor answers every destination, from the start (`reset` says which).
 */
export async function destinationChanges(ctx: AdminContext, q: { since?: string; limit: number }): Promise<DestinationChangesPage> {
  const broker = live(ctx).broker;
  const changes = broker.changes;
  let after = 0;
  let reset = false;
  if (q.since !== undefined) {
    const seq = changes.parseCursor(q.since);
    if (seq !== null && changes.remembers(seq)) after = seq;
    else reset = true;
  }
  // The scan is synchronous: a change made while the rows below are built (they may read the
  // journal) gets a later sequence number than `newest`, so it is answered next time, not lost.
  const newest = changes.seq;
  const found: Array<{ seq: number; of: Queue | Topic | string }> = [];
  for (const dq of broker.queues.values()) if (dq.changeSeq > after) found.push({ seq: dq.changeSeq, of: dq });
  for (const t of broker.topics.values()) if (t.changeSeq > after && listedTopic(t)) found.push({ seq: t.changeSeq, of: t });
  // From the start, the reader knows no destination, so none needs to be told of a deletion.
  if (after > 0) for (const d of changes.deletedAfter(after)) found.push({ seq: d.seq, of: d.name });
  found.sort((a, b) => a.seq - b.seq);
  const more = found.length > q.limit;
  const page = more ? found.slice(0, q.limit) : found;
  const items: DestinationRow[] = [];
  const deleted: string[] = [];
  for (const f of page) {
    if (typeof f.of === "string") deleted.push(f.of);
    else items.push(f.of instanceof Topic ? await topicRow(ctx, f.of) : await queueRow(ctx, f.of));
  }
  return { cursor: changes.cursorOf(more ? page[page.length - 1].seq : newest), reset, more, items, deleted };
}

export async function getDestination(ctx: AdminContext, name: string): Promise<DestinationRow> {
  const q = live(ctx).broker.queues.get(name);
  if (q) return queueRow(ctx, q);
  const t = live(ctx).broker.topics.get(name);
  if (t) return topicRow(ctx, t);
  throw notFound(`destination ${name} does not exist`, "NO_DESTINATION");
}

/** Resolves an admin-supplied name to the broker's key, refusing temporary and malformed names. */
export function destinationKey(ctx: AdminContext, name: string): { key: string; kind: "queue" | "topic" } {
  let target;
  try {
    target = live(ctx).broker.resolve(name, "admin");
  } catch (err) {
    if (err instanceof BrokerError) throw badRequest(err.message, "BAD_DESTINATION");
    throw err;
  }
  if (target.kind !== "queue" && target.kind !== "topic") {
    throw badRequest("temporary destinations belong to their connection and are not managed here", "BAD_DESTINATION");
  }
  return { key: target.key, kind: target.kind };
}

/** Idempotent create: answers whether it was new. */
export function createDestination(ctx: AdminContext, name: string): { destination: string; created: boolean } {
  const { key, kind } = destinationKey(ctx, name);
  const existed = kind === "queue" ? live(ctx).broker.queues.has(key) : live(ctx).broker.topics.has(key);
  live(ctx).broker.createDestination(key);
  return { destination: key, created: !existed };
}

/**
 * Deletes a destination and its waiting messages (journaled as a PURGE, so it stays gone after a
 * restart). Refused while consumers or durable subscriptions use it, like ActiveMQ's
 * removeDestination ("Destination still has an active subscription").
 */
export function deleteDestination(ctx: AdminContext, name: string): { destination: string; deleted: boolean; purged: number } {
  const { key, kind } = destinationKey(ctx, name);
  if (kind === "queue") {
    const q = live(ctx).broker.queues.get(key);
    if (!q) return { destination: key, deleted: false, purged: 0 };
    if (q.consumers.length > 0) throw conflict(`${key} has ${q.consumers.length} consumer(s); close them first`, "IN_USE");
    if (q.inflight > 0) throw conflict(`${key} has ${q.inflight} unacknowledged message(s) in flight`, "IN_USE");
    const purged = q.purge();
    q.close();
    live(ctx).broker.destinationDeleted(key);
    live(ctx).broker.queues.delete(key);
    live(ctx).broker.producers.delete(key);
    return { destination: key, deleted: true, purged };
  }
  const t = live(ctx).broker.topics.get(key);
  if (!t) return { destination: key, deleted: false, purged: 0 };
  if (t.subscribers.size > 0) throw conflict(`${key} has ${t.subscribers.size} subscriber(s); close them first`, "IN_USE");
  if (t.durables.size > 0) throw conflict(`${key} has ${t.durables.size} durable subscription(s); unsubscribe them first`, "IN_USE");
  live(ctx).broker.destinationDeleted(key);
  live(ctx).broker.topics.delete(key);
  live(ctx).broker.producers.delete(key);
  return { destination: key, deleted: true, purged: 0 };
}

/** Removes every waiting message of a queue (in-flight ones stay with their consumers). */
export function purgeDestination(ctx: AdminContext, name: string): { destination: string; purged: number } {
  const { key, kind } = destinationKey(ctx, name);
  if (kind !== "queue") throw badRequest("purge applies to queues; a topic keeps no messages of its own", "BAD_DESTINATION");
  const q = live(ctx).broker.queues.get(key);
  if (!q) throw notFound(`destination ${key} does not exist`, "NO_DESTINATION");
  return { destination: key, purged: q.purge() };
}

/** The queue a message operation works on. */
export function requireQueue(ctx: AdminContext, name: string): Queue {
  const { key, kind } = destinationKey(ctx, name);
  if (kind !== "queue") throw badRequest("messages can be browsed and moved on queues only", "BAD_DESTINATION");
  const q = live(ctx).broker.queues.get(key);
  if (!q) throw notFound(`destination ${key} does not exist`, "NO_DESTINATION");
  return q;
}
