import type { FileHandle } from "node:fs/promises";
import {
  checkRecord,
  declaredRecordSize,
  describeRecordFault,
  MAX_RECORD_PAYLOAD,
  RECORD_CORRUPT,
  RECORD_HEADER_SIZE,
  RECORD_INCOMPLETE,
} from "./journalRecordCodec";

/** Bytes read per I/O while scanning; big enough to amortise syscalls, small enough to not pin much memory. */
const SCAN_CHUNK = 1 << 20;

export interface SegmentScanResult {
  /** File offset just past the last record that was verified (and delivered). */
  next: number;
  /** True when the callback returned false. */
  stopped: boolean;
  /** Why scanning stopped before `end`, or null: a torn or corrupt record begins at `next`. */
  fault: string | null;
}

/**
 * Callback for each verified record. Payload is a view into a scan buffer: it stays valid (the
 * buffer is never reused) but keeps up to SCAN_CHUNK bytes alive while referenced.
 * Returning false stops the scan after this record.
 */
export type SegmentRecordVisitor = (position: number, payload: Buffer, size: number) => void | false;

/**
 * Reads bytes [from, end) of one segment file whose first byte has global position `base`,
 * verifying each record. `from` must be a record boundary. Shared by recovery (which cuts the
 * file at `next` on a fault) and read() (which throws on a fault).
 */
export async function scanSegmentFile(
  fh: FileHandle,
  base: number,
  from: number,
  end: number,
  visit: SegmentRecordVisitor,
): Promise<SegmentScanResult> {
  let offset = from;
  let want = SCAN_CHUNK;
  while (offset < end) {
    const length = Math.min(want, end - offset);
    const buf = Buffer.allocUnsafe(length);
    const got = await readFully(fh, buf, offset);
    let at = 0;
    for (;;) {
      const size = checkRecord(buf, at, got, base + offset + at);
      if (size === RECORD_CORRUPT) {
        return { next: offset + at, stopped: false, fault: describeRecordFault(buf, at, got, base + offset + at) };
      }
      if (size === RECORD_INCOMPLETE) break;
      const result = visit(base + offset + at, buf.subarray(at + RECORD_HEADER_SIZE, at + size), size);
      at += size;
      if (result === false) return { next: offset + at, stopped: true, fault: null };
    }
    if (at === 0) {
      // Not even one whole record in this buffer: either it is larger than the buffer (read it
      // whole next time) or the file/segment ends inside it (a torn tail).
      const declared = declaredRecordSize(buf, 0, got);
      if (got < length || declared === RECORD_INCOMPLETE || declared > end - offset || declared > MAX_RECORD_PAYLOAD + RECORD_HEADER_SIZE) {
        return { next: offset, stopped: false, fault: describeRecordFault(buf, 0, got, base + offset) };
      }
      want = declared;
      continue;
    }
    offset += at;
    want = SCAN_CHUNK;
  }
  return { next: offset, stopped: false, fault: null };
}

/** Reads until `buf` is full or EOF; returns the number of bytes read. */
export async function readFully(fh: FileHandle, buf: Buffer, position: number): Promise<number> {
  let done = 0;
  while (done < buf.length) {
    const { bytesRead } = await fh.read(buf, done, buf.length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}
