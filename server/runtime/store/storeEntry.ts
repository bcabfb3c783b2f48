// The broker's journal records. One message per ADD record so that a message is addressed
// by its record's journal position (paging reads it back with one readAt, replication ships
// it by position). Transactions write their ADD/REMOVE records at commit time followed by a
// COMMIT record; recovery drops records of a transaction whose COMMIT never reached the disk.
import type { StompHeaders } from "../stomp/StompFrame";
import { BinaryReader, BinaryWriter } from "./BinaryWriter";

export const enum EntryType {
  Add = 1,
  Remove = 2,
  Commit = 3,
  DurableSub = 4,
  DurableUnsub = 5,
  Purge = 6,
  /** A master tenure begins here (replication uses it to find where a returning node diverged). */
  Term = 7,
  /** A destination created (or deleted) explicitly: it exists, even empty, after a restart or failover. */
  Destination = 8,
  /** A RocketMQ-protocol record (server/runtime/rocketmq/rmqRecord.ts owns its payload). */
  Rmq = 9,
}

export interface AddEntry {
  type: EntryType.Add;
  txId: number;
  store: string;
  destination: string;
  id: string;
  timestamp: number;
  expires: number;
  priority: number;
  hasContentLength: boolean;
  headers: StompHeaders;
  body: Buffer;
}
export interface RemoveEntry { type: EntryType.Remove; txId: number; store: string; addPosition: number }
export interface CommitEntry { type: EntryType.Commit; txId: number }
export interface DurableSubEntry { type: EntryType.DurableSub; clientId: string; subName: string; topic: string; selector: string }
export interface DurableUnsubEntry { type: EntryType.DurableUnsub; clientId: string; subName: string }
/** Removes every message the store holds at the moment this record is replayed. */
export interface PurgeEntry { type: EntryType.Purge; store: string }

export interface TermEntry { type: EntryType.Term; termId: string }
export interface DestinationEntry { type: EntryType.Destination; name: string; deleted: boolean }

/** Opaque to the STOMP broker; the RocketMQ store encodes and replays it. */
export interface RmqEntry { type: EntryType.Rmq; payload: Buffer }

export type StoreEntry = AddEntry | RemoveEntry | CommitEntry | DurableSubEntry | DurableUnsubEntry | PurgeEntry | TermEntry | DestinationEntry | RmqEntry;

export function encodeEntry(e: StoreEntry): Buffer {
  const w = new BinaryWriter(e.type === EntryType.Add ? 128 + e.body.length : e.type === EntryType.Rmq ? 8 + e.payload.length : 64);
  writeEntry(w, e);
  return w.finish();
}

/**
 * An ADD entry encoded behind `headroom` reserved bytes (a journal record header: see
 * Journal.appendFramed) in a buffer of its own, with where the body lies in it, so the message can
 * keep that view as its body: the log record and the queued message share one copy of the bytes.
 */
export function encodeAddFramed(e: AddEntry, headroom: number): { record: Buffer; bodyStart: number } {
  let headerBytes = 0;
  for (const [k, v] of e.headers) headerBytes += 8 + k.length + v.length;
  const w = new BinaryWriter(128 + headerBytes + e.store.length + e.destination.length + e.id.length + e.body.length, { headroom, ownAllocation: true });
  writeEntry(w, e);
  const record = w.finishWithHeadroom();
  return { record, bodyStart: record.length - e.body.length };
}

function writeEntry(w: BinaryWriter, e: StoreEntry): void {
  w.u8(e.type);
  switch (e.type) {
    case EntryType.Add:
      w.f64(e.txId).str(e.store).str(e.destination).str(e.id).f64(e.timestamp).f64(e.expires);
      w.u8(e.priority).u8(e.hasContentLength ? 1 : 0).u32(e.headers.length);
      for (const [k, v] of e.headers) w.str(k).str(v);
      w.bytes(e.body);
      break;
    case EntryType.Remove:
      w.f64(e.txId).str(e.store).f64(e.addPosition);
      break;
    case EntryType.Commit:
      w.f64(e.txId);
      break;
    case EntryType.DurableSub:
      w.str(e.clientId).str(e.subName).str(e.topic).str(e.selector);
      break;
    case EntryType.DurableUnsub:
      w.str(e.clientId).str(e.subName);
      break;
    case EntryType.Purge:
      w.str(e.store);
      break;
    case EntryType.Term:
      w.str(e.termId);
      break;
    case EntryType.Destination:
      w.str(e.name).u8(e.deleted ? 1 : 0);
      break;
    case EntryType.Rmq:
      w.bytes(e.payload);
      break;
  }
}

/** Decodes a record; throws on a record this version does not understand (a corrupt store is fatal). */
export function decodeEntry(buf: Buffer): StoreEntry {
  const r = new BinaryReader(buf);
  const type = r.u8();
  switch (type) {
    case EntryType.Add: {
      const txId = r.f64();
      const store = r.str();
      const destination = r.str();
      const id = r.str();
      const timestamp = r.f64();
      const expires = r.f64();
      const priority = r.u8();
      const hasContentLength = r.u8() === 1;
      const n = r.u32();
      const headers: StompHeaders = [];
      for (let i = 0; i < n; i++) headers.push([r.str(), r.str()]);
      // Copy so the message does not pin the whole read buffer; allocUnsafeSlow keeps it out of
      // Node's shared 8 KiB pool, where one long-lived body would pin a whole pool block.
      const view = r.bytes();
      const body = Buffer.allocUnsafeSlow(view.length);
      view.copy(body);
      return { type, txId, store, destination, id, timestamp, expires, priority, hasContentLength, headers, body };
    }
    case EntryType.Remove:
      return { type, txId: r.f64(), store: r.str(), addPosition: r.f64() };
    case EntryType.Commit:
      return { type, txId: r.f64() };
    case EntryType.DurableSub:
      return { type, clientId: r.str(), subName: r.str(), topic: r.str(), selector: r.str() };
    case EntryType.DurableUnsub:
      return { type, clientId: r.str(), subName: r.str() };
    case EntryType.Purge:
      return { type, store: r.str() };
    case EntryType.Term:
      return { type, termId: r.str() };
    case EntryType.Destination:
      return { type, name: r.str(), deleted: r.u8() === 1 };
    case EntryType.Rmq:
      return { type, payload: r.bytes() };
    default:
      throw new Error(`unknown store record type ${type}`);
  }
}

/** Reads only the type and, for ADD records, the store key — recovery's fast path skips bodies. */
export function peekEntryType(buf: Buffer): EntryType {
  return buf[0] as EntryType;
}
