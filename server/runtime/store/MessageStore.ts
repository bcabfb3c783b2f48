import type { Logger } from "pino";
import type { BrokerMessage } from "../broker/BrokerMessage";
import { BinaryWriter } from "./BinaryWriter";
import type { DurabilityGate } from "./DurabilityGate";
import type { Journal } from "./Journal";
import { RECORD_HEADER_SIZE } from "./journalRecordCodec";
import { decodeEntry, encodeAddFramed, encodeEntry, EntryType, type AddEntry } from "./storeEntry";

export interface RecoveredDurableSub {
  clientId: string;
  subName: string;
  topic: string;
  selector: string;
}

export interface RecoveredState {
  /** Per store key, the journal positions of live ADD records in log order. */
  stores: Map<string, number[]>;
  durableSubs: RecoveredDurableSub[];
  /** Destinations created explicitly and not deleted since. */
  destinations: string[];
  records: number;
  messages: number;
}

/**
 * The broker's view of the journal: encodes broker events as records, rebuilds the live
 * message set after a crash, and reads paged-out messages back by position.
 */
export class MessageStore {
  private nextTxId: number;

  constructor(
    public journal: Journal,
    private gate: DurabilityGate,
    private readonly logger: Logger,
  ) {
    // Transaction ids only need to be unique within one journal's lifetime; a time base keeps
    // them unique across restarts without persisting a counter.
    this.nextTxId = Date.now() * 1000;
  }

  /** Called after every append (replication ships new records to slaves from here). */
  appendListener: (() => void) | null = null;

  private write(record: Buffer): number {
    const position = this.journal.append(record);
    this.appendListener?.();
    return position;
  }

  get policy(): string {
    return this.gate.policy;
  }

  setGate(gate: DurabilityGate): void {
    this.gate = gate;
  }

  newTxId(): number {
    return ++this.nextTxId;
  }

  /**
   * Journals an ADD for `m`. The record gets its own allocation, and `m.body` becomes a view of the
   * body inside it: the log and the queued message share one copy of the bytes, and a body that was
   * still a view into a socket chunk stops pinning that chunk.
   */
  appendAdd(m: BrokerMessage, txId = 0): number {
    const entry: AddEntry = {
      type: EntryType.Add,
      txId,
      store: m.store,
      destination: m.destination,
      id: m.id,
      timestamp: m.timestamp,
      expires: m.expires,
      priority: m.priority,
      hasContentLength: m.hasContentLength,
      headers: m.headers,
      body: m.body ?? Buffer.alloc(0),
    };
    const { record, bodyStart } = encodeAddFramed(entry, RECORD_HEADER_SIZE);
    const position = this.journal.appendFramed(record);
    this.appendListener?.();
    if (m.body) m.body = record.subarray(bodyStart);
    return position;
  }

  appendRemove(store: string, addPosition: number, txId = 0): number {
    return this.write(encodeEntry({ type: EntryType.Remove, txId, store, addPosition }));
  }

  appendCommit(txId: number): number {
    return this.write(encodeEntry({ type: EntryType.Commit, txId }));
  }

  appendPurge(store: string): number {
    return this.write(encodeEntry({ type: EntryType.Purge, store }));
  }

  appendDurableSub(sub: RecoveredDurableSub): number {
    return this.write(encodeEntry({ type: EntryType.DurableSub, ...sub }));
  }

  appendDurableUnsub(clientId: string, subName: string): number {
    return this.write(encodeEntry({ type: EntryType.DurableUnsub, clientId, subName }));
  }

  appendDestination(name: string, deleted: boolean): number {
    return this.write(encodeEntry({ type: EntryType.Destination, name, deleted }));
  }

  /** A RocketMQ-protocol record (server/runtime/rocketmq); replicated like every other record. */
  appendRmq(payload: Buffer): number {
    return this.write(encodeEntry({ type: EntryType.Rmq, payload }));
  }

  /**
   * appendRmq for a record `write` puts straight behind the journal record and entry headers (the
   * bytes encodeEntry would give), so a message body is copied once, as appendAdd does, instead of
   * into the payload, the entry and the journal record in turn. Returns the payload as a view.
   */
  appendRmqWith(sizeHint: number, write: (w: BinaryWriter) => void): { position: number; payload: Buffer } {
    const w = new BinaryWriter(5 + sizeHint, { headroom: RECORD_HEADER_SIZE, ownAllocation: true });
    w.u8(EntryType.Rmq).u32(0); // the payload length, filled in below
    write(w);
    const record = w.finishWithHeadroom();
    record.writeUInt32LE(record.length - RECORD_HEADER_SIZE - 5, RECORD_HEADER_SIZE + 1);
    const position = this.journal.appendFramed(record);
    this.appendListener?.();
    return { position, payload: record.subarray(RECORD_HEADER_SIZE + 5) };
  }

  appendTerm(termId: string): number {
    return this.write(encodeEntry({ type: EntryType.Term, termId }));
  }

  /** Resolves when `position` satisfies the node's sync policy. */
  awaitDurable(position: number): Promise<void> {
    return this.gate.awaitDurable(position);
  }

  /** Why the slaves the sync policy waits for cannot confirm `position` soon, or null (always null without replication). */
  slavesUnavailable(position: number): string | null {
    return this.gate.slavesUnavailable?.(position) ?? null;
  }

  /** Resolves when the node's own part of the sync policy holds (the whole policy when it has no separate local part). */
  awaitLocal(position: number): Promise<void> {
    return this.gate.awaitLocal ? this.gate.awaitLocal(position) : this.gate.awaitDurable(position);
  }

  /** Reads a paged-out message back from its ADD record. */
  async load(position: number): Promise<AddEntry> {
    const entry = decodeEntry(await this.journal.readAt(position));
    if (entry.type !== EntryType.Add) {
      throw new Error(`store invariant broken: record at ${position} is type ${entry.type}, expected ADD`);
    }
    return entry;
  }

  /**
   * Replays the journal. Only positions are kept per store (8 bytes a message), so recovering a
   * backlog of millions of messages stays within the node's memory bound; bodies are paged in later.
   */
  async recover(): Promise<RecoveredState> {
    const stores = new Map<string, number[]>();
    const removed = new Set<number>();
    const pendingTx = new Map<number, Array<{ kind: "add" | "remove"; store: string; position: number }>>();
    const durable = new Map<string, RecoveredDurableSub>();
    const destinations = new Set<string>();
    let records = 0;
    const listFor = (store: string): number[] => {
      let list = stores.get(store);
      if (!list) stores.set(store, (list = []));
      return list;
    };
    await this.journal.read(this.journal.startPosition, (rec) => {
      records++;
      const e = decodeEntry(rec.payload);
      switch (e.type) {
        case EntryType.Add:
          if (e.txId === 0) listFor(e.store).push(rec.position);
          else txList(pendingTx, e.txId).push({ kind: "add", store: e.store, position: rec.position });
          break;
        case EntryType.Remove:
          if (e.txId === 0) removed.add(e.addPosition);
          else txList(pendingTx, e.txId).push({ kind: "remove", store: e.store, position: e.addPosition });
          break;
        case EntryType.Commit: {
          for (const op of pendingTx.get(e.txId) ?? []) {
            if (op.kind === "add") listFor(op.store).push(op.position);
            else removed.add(op.position);
          }
          pendingTx.delete(e.txId);
          break;
        }
        case EntryType.Purge: {
          const list = stores.get(e.store);
          if (list) for (const p of list) removed.add(p);
          stores.set(e.store, []);
          break;
        }
        case EntryType.DurableSub:
          durable.set(`${e.clientId}\u0000${e.subName}`, e);
          break;
        case EntryType.Destination:
          if (e.deleted) {
            destinations.delete(e.name);
            stores.delete(e.name);
          } else destinations.add(e.name);
          break;
        case EntryType.DurableUnsub:
          durable.delete(`${e.clientId}\u0000${e.subName}`);
          stores.delete(`durable:${e.clientId}:${e.subName}`);
          break;
      }
    });
    let messages = 0;
    for (const [store, list] of stores) {
      // Positions stay in commit order (a transaction's ADDs enter when its COMMIT is replayed),
      // which is the order the running broker enqueued them in.
      const live = list.filter((p) => !removed.has(p));
      stores.set(store, live);
      messages += live.length;
    }
    if (pendingTx.size > 0) {
      this.logger.info({ transactions: pendingTx.size }, "dropped uncommitted transactions found in the journal");
    }
    return { stores, durableSubs: [...durable.values()], destinations: [...destinations], records, messages };
  }
}

function txList<T>(map: Map<number, T[]>, txId: number): T[] {
  let list = map.get(txId);
  if (!list) map.set(txId, (list = []));
  return list;
}
