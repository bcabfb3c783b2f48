import { isUtf8 } from "node:buffer";
import { BROKER_HEADERS, messageFromEntry, type BrokerMessage } from "../broker/BrokerMessage";
import type { Queue } from "../broker/Queue";
import { selectorField } from "../broker/Subscription";
import { compileSelector } from "../selector/compileSelector";
import type { StompHeaders } from "../stomp/StompFrame";
import { live, type AdminContext } from "./AdminContext";
import { badRequest, notFound } from "./AdminError";
import type { Page } from "./paging";
import type { MessageDetail, MessageSummary } from "./adminResponses";
import { destinationKey, requireQueue } from "./destinations";

/** Spilled records are read back this many at a time when a browse or move has to scan them. */
const LOAD_BATCH = 128;

export type { MessageDetail, MessageSummary };

/** A waiting message: in RAM, or only a journal position until loaded. */
type Slot = { kind: "mem"; msg: BrokerMessage } | { kind: "disk"; position: number };

function slots(q: Queue): Slot[] {
  const out: Slot[] = q.pendingSnapshot().map((msg) => ({ kind: "mem" as const, msg }));
  for (const position of q.spilledSnapshot()) out.push({ kind: "disk", position });
  return out;
}

/** A paged-out message rebuilt from its ADD record (never enqueued: browsing does not consume). */
async function load(ctx: AdminContext, q: Queue, slot: Slot): Promise<{ msg: BrokerMessage; inMemory: boolean }> {
  if (slot.kind === "mem") {
    if (slot.msg.body !== null || slot.msg.position < 0) return { msg: slot.msg, inMemory: true };
    const e = await live(ctx).broker.store.load(slot.msg.position);
    return { msg: { ...slot.msg, body: e.body }, inMemory: true };
  }
  const e = await live(ctx).broker.store.load(slot.position);
  return {
    inMemory: false,
    msg: messageFromEntry(e, q.key, slot.position, slot.position),
  };
}

async function loadAll(ctx: AdminContext, q: Queue, list: Slot[]): Promise<Array<{ msg: BrokerMessage; inMemory: boolean }>> {
  const out: Array<{ msg: BrokerMessage; inMemory: boolean }> = [];
  for (let i = 0; i < list.length; i += LOAD_BATCH) {
    out.push(...(await Promise.all(list.slice(i, i + LOAD_BATCH).map((s) => load(ctx, q, s)))));
  }
  return out;
}

function summary(m: BrokerMessage, inMemory: boolean): MessageSummary {
  const headers: Record<string, string> = {};
  for (const [k, v] of m.headers) if (!(k in headers)) headers[k] = v;
  return {
    id: m.id,
    destination: m.destination,
    persistent: m.persistent,
    priority: m.priority,
    timestamp: m.timestamp,
    expires: m.expires,
    deliveryCount: m.deliveryCount,
    bodySize: m.body?.length ?? m.bodySize,
    inMemory,
    headers,
  };
}

function selectorPredicate(text: string | undefined): ((m: BrokerMessage) => boolean) | null {
  if (text === undefined || text.trim() === "") return null;
  const compiled = compileSelector(text);
  if (!compiled.ok) throw badRequest(`invalid selector: ${compiled.error}`, "BAD_SELECTOR");
  const selector = compiled.selector;
  return (m) => selector((name) => selectorField(m, name));
}

/**
 * Browses waiting messages in dispatch order without consuming them: RAM first, then paged-out
 * ones read back from the journal. Without a selector only the requested page is read from disk;
 * with one, every paged-out message is read to be tested. Messages being paged in at this very
 * moment are briefly in neither list and may be missing from one answer.
 */
export async function browseMessages(
  ctx: AdminContext,
  name: string,
  q: { offset: number; limit: number; selector?: string },
): Promise<Page<MessageSummary>> {
  const queue = requireQueue(ctx, name);
  const pred = selectorPredicate(q.selector);
  const all = slots(queue);
  if (!pred) {
    const page = await loadAll(ctx, queue, all.slice(q.offset, q.offset + q.limit));
    return { total: all.length, offset: q.offset, limit: q.limit, items: page.map((p) => summary(p.msg, p.inMemory)) };
  }
  const matching = (await loadAll(ctx, queue, all)).filter((p) => pred(p.msg));
  return {
    total: matching.length,
    offset: q.offset,
    limit: q.limit,
    items: matching.slice(q.offset, q.offset + q.limit).map((p) => summary(p.msg, p.inMemory)),
  };
}

/** One waiting message with its body (base64, plus text when it is UTF-8). */
export async function getMessage(ctx: AdminContext, name: string, id: string): Promise<MessageDetail> {
  const queue = requireQueue(ctx, name);
  const all = slots(queue);
  const mem = all.find((s) => s.kind === "mem" && s.msg.id === id);
  let found: { msg: BrokerMessage; inMemory: boolean } | undefined;
  if (mem) found = await load(ctx, queue, mem);
  else {
    const disk = all.filter((s) => s.kind === "disk");
    for (let i = 0; i < disk.length && !found; i += LOAD_BATCH) {
      const batch = await loadAll(ctx, queue, disk.slice(i, i + LOAD_BATCH));
      found = batch.find((b) => b.msg.id === id);
    }
  }
  if (!found) throw notFound(`no waiting message ${id} in ${queue.key} (it may have been consumed or be in flight)`, "NO_MESSAGE");
  const body = found.msg.body ?? Buffer.alloc(0);
  return {
    ...summary(found.msg, found.inMemory),
    headerList: found.msg.headers,
    bodyBase64: body.toString("base64"),
    bodyText: isUtf8(body) ? body.toString("utf8") : null,
  };
}

export interface SendInput {
  headers: Record<string, string>;
  body: string;
  bodyEncoding: "text" | "base64";
  persistent: boolean;
  priority: number;
  /** Time to live in ms (0 = never expires). */
  ttlMs: number;
}

/** Sends one message as a producer would; answers once the node's sync policy holds for it. */
export async function sendMessage(ctx: AdminContext, name: string, input: SendInput): Promise<{ destination: string; id: string; persistent: boolean }> {
  const { key } = destinationKey(ctx, name);
  const target = live(ctx).broker.resolve(key, "admin");
  const headers: StompHeaders = [];
  for (const [k, v] of Object.entries(input.headers)) {
    if (BROKER_HEADERS.has(k)) throw badRequest(`header "${k}" is set by the broker; use the request's own fields (persistent, priority, ttlMs)`);
    headers.push([k, v]);
  }
  const body = input.bodyEncoding === "base64" ? Buffer.from(input.body, "base64") : Buffer.from(input.body, "utf8");
  if (input.bodyEncoding === "base64" && body.toString("base64").replace(/=+$/, "") !== input.body.replace(/\s+/g, "").replace(/=+$/, "")) {
    throw badRequest("body is not valid base64");
  }
  const msg = live(ctx).broker.createMessage({
    destination: key,
    headers,
    body,
    persistent: input.persistent,
    hasContentLength: input.bodyEncoding === "base64",
    priority: input.priority,
    expires: input.ttlMs > 0 ? Date.now() + input.ttlMs : 0,
  });
  const position = live(ctx).broker.send(target, msg);
  if (position >= 0) await live(ctx).broker.store.awaitDurable(position);
  return { destination: key, id: msg.id, persistent: msg.persistent };
}

export interface MoveInput {
  to: string;
  messageIds?: string[];
  selector?: string;
  all?: boolean;
  copy: boolean;
  /** Upper bound on messages moved by one call. */
  limit: number;
}

/**
 * Moves (or copies) waiting messages to another destination — e.g. retrying a DLQ. Each moved
 * message is sent to the target first (journaled there through broker.send) and only then
 * removed from the source with a journaled REMOVE, in one synchronous step: a crash between the
 * two records can duplicate a message but never lose it (at-least-once, the broker's promise).
 * Messages consumed or paged in while candidates were being read are skipped, not double-moved.
 */
export async function moveMessages(ctx: AdminContext, name: string, input: MoveInput): Promise<{ from: string; to: string; moved: number; copied: boolean; ids: string[] }> {
  const source = requireQueue(ctx, name);
  const { key: toKey } = destinationKey(ctx, input.to);
  if (toKey === source.key) throw badRequest("source and target are the same destination", "BAD_DESTINATION");
  const chosenBy = [input.messageIds !== undefined, input.selector !== undefined, input.all === true].filter(Boolean).length;
  if (chosenBy !== 1) throw badRequest("give exactly one of messageIds, selector or all:true");
  const ids = input.messageIds ? new Set(input.messageIds) : null;
  const selector = selectorPredicate(input.selector);
  if (input.selector !== undefined && !selector) throw badRequest("selector is empty; use all:true to move everything");
  const pick = (m: BrokerMessage): boolean => (ids ? ids.has(m.id) : selector ? selector(m) : true);

  // Read candidates (paged-out ones from disk) — asynchronous, so the queue may change meanwhile.
  const candidates = (await loadAll(ctx, source, slots(source))).filter((c) => pick(c.msg)).slice(0, input.limit);

  // From here on everything is synchronous: re-check what is still waiting, send, remove.
  const waitingIds = new Set(source.pendingSnapshot().map((m) => m.id));
  const waitingPositions = new Set(source.spilledSnapshot());
  const present = candidates.filter((c) => (c.inMemory ? waitingIds.has(c.msg.id) : waitingPositions.has(c.msg.position) || waitingIds.has(c.msg.id)));
  live(ctx).broker.createDestination(toKey);
  const target = live(ctx).broker.resolve(toKey, "admin");
  let last = -1;
  const newIds: string[] = [];
  for (const { msg } of present) {
    const copy = live(ctx).broker.createMessage({
      destination: toKey,
      headers: msg.headers.some(([k]) => k === "original-message-id") ? msg.headers : [...msg.headers, ["original-message-id", msg.id]],
      body: msg.body ?? Buffer.alloc(0),
      persistent: msg.persistent,
      hasContentLength: msg.hasContentLength,
      priority: msg.priority,
      expires: msg.expires,
    });
    copy.timestamp = msg.timestamp;
    last = Math.max(last, live(ctx).broker.send(target, copy));
    newIds.push(copy.id);
  }
  if (!input.copy && present.length > 0) {
    const movedIds = new Set(present.map((c) => c.msg.id));
    const removed = source.removeWhere((m) => movedIds.has(m.id)).length;
    const positions = new Set(present.filter((c) => !waitingIds.has(c.msg.id)).map((c) => c.msg.position));
    const removedSpilled = positions.size > 0 ? source.removeSpilled(positions).length : 0;
    if (removed + removedSpilled !== present.length) {
      // Impossible while the block above stays synchronous; loud if someone breaks that.
      ctx.logger.error({ from: source.key, expected: present.length, removed: removed + removedSpilled }, "move removed a different number of messages than it sent");
    }
    if (source.journaled) last = Math.max(last, live(ctx).broker.store.journal.endPosition - 1);
  }
  if (last >= 0) await live(ctx).broker.store.awaitDurable(last);
  return { from: source.key, to: toKey, moved: present.length, copied: input.copy, ids: newIds };
}
