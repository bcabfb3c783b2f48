import { crc32 } from "node:zlib";

// Journal record layout (little endian):
//   0  u32 crc32 of bytes 4..end (length, position and payload)
//   4  u32 payload length
//   8  u64 record position (lo u32, hi u32): the record's global byte offset
//  16  payload
// The checksum covers the length, so a torn or garbled length field is caught like a torn
// payload; a write cut at any byte either leaves the record short of its declared length or
// fails the checksum. The embedded position makes every record self-describing: a stale record
// left in a reused file, a file transferred under the wrong name, or a readAt() at an offset
// that is not a record boundary all fail verification instead of returning someone else's bytes.

export const RECORD_HEADER_SIZE = 16;

/**
 * Hard cap independent of the configured segment size, so that recovery rejects an absurd length
 * read from garbage before trying to allocate or read it.
 */
export const MAX_RECORD_PAYLOAD = 0x4000_0000 - RECORD_HEADER_SIZE;

/** checkRecord(): the buffer ends before the record does (read more, or a torn tail at EOF). */
export const RECORD_INCOMPLETE = -1;
/** checkRecord(): the bytes are not a valid record for this position. */
export const RECORD_CORRUPT = -2;

const TWO_POW_32 = 0x1_0000_0000;

/** One Buffer per record: header and a copy of the payload, so later caller mutations cannot reach the log. */
export function encodeRecord(position: number, payload: Buffer): Buffer {
  const record = Buffer.allocUnsafe(RECORD_HEADER_SIZE + payload.length);
  record.writeUInt32LE(payload.length, 4);
  record.writeUInt32LE(position % TWO_POW_32, 8);
  record.writeUInt32LE(Math.floor(position / TWO_POW_32), 12);
  payload.copy(record, RECORD_HEADER_SIZE);
  record.writeUInt32LE(crc32(record.subarray(4)), 0);
  return record;
}

/**
 * Completes a record whose payload was written behind RECORD_HEADER_SIZE reserved bytes: fills in
 * the header in place, without copying the payload (the caller hands the buffer over for good).
 */
export function frameRecord(record: Buffer, position: number): Buffer {
  record.writeUInt32LE(record.length - RECORD_HEADER_SIZE, 4);
  record.writeUInt32LE(position % TWO_POW_32, 8);
  record.writeUInt32LE(Math.floor(position / TWO_POW_32), 12);
  record.writeUInt32LE(crc32(record.subarray(4)), 0);
  return record;
}

/** Declared total record size at `offset`, or RECORD_INCOMPLETE if the header itself is cut off. */
export function declaredRecordSize(buf: Buffer, offset: number, end: number): number {
  if (end - offset < RECORD_HEADER_SIZE) return RECORD_INCOMPLETE;
  return RECORD_HEADER_SIZE + buf.readUInt32LE(offset + 4);
}

/**
 * Validates the record expected at `position` that starts at buf[offset] (buf valid up to `end`).
 * Returns its total size (header + payload), RECORD_INCOMPLETE or RECORD_CORRUPT. A numeric
 * result keeps the scan loop allocation-free; describeRecordFault() explains a failure.
 */
export function checkRecord(buf: Buffer, offset: number, end: number, position: number): number {
  if (end - offset < RECORD_HEADER_SIZE) return RECORD_INCOMPLETE;
  const length = buf.readUInt32LE(offset + 4);
  if (length > MAX_RECORD_PAYLOAD) return RECORD_CORRUPT;
  const size = RECORD_HEADER_SIZE + length;
  if (end - offset < size) return RECORD_INCOMPLETE;
  if (crc32(buf.subarray(offset + 4, offset + size)) !== buf.readUInt32LE(offset)) return RECORD_CORRUPT;
  if (recordPosition(buf, offset) !== position) return RECORD_CORRUPT;
  return size;
}

export function recordPosition(buf: Buffer, offset: number): number {
  return buf.readUInt32LE(offset + 8) + buf.readUInt32LE(offset + 12) * TWO_POW_32;
}

/** Human-readable reason for a checkRecord() failure; only called on the error path. */
export function describeRecordFault(buf: Buffer, offset: number, end: number, position: number): string {
  const available = end - offset;
  if (available < RECORD_HEADER_SIZE) return `header cut off after ${available} of ${RECORD_HEADER_SIZE} bytes`;
  const length = buf.readUInt32LE(offset + 4);
  if (length > MAX_RECORD_PAYLOAD) return `declared payload length ${length} exceeds the ${MAX_RECORD_PAYLOAD}-byte limit`;
  const size = RECORD_HEADER_SIZE + length;
  if (available < size) return `record of ${size} bytes cut off after ${available} bytes`;
  const stored = buf.readUInt32LE(offset);
  const actual = crc32(buf.subarray(offset + 4, offset + size));
  if (stored !== actual) return `checksum mismatch (stored ${stored.toString(16)}, computed ${actual.toString(16)})`;
  const recorded = recordPosition(buf, offset);
  if (recorded !== position) return `record claims position ${recorded}, expected ${position}`;
  return "record is valid";
}
