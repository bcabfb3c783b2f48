import { constants, writevSync } from "node:fs";
import { open, unlink, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import { JournalReadHandles } from "./JournalReadHandles";
import { checkRecord, describeRecordFault, encodeRecord, frameRecord, RECORD_HEADER_SIZE } from "./journalRecordCodec";
import { recoverJournal, segmentFileName, type JournalRecovery } from "./recoverJournal";
import { readFully, scanSegmentFile } from "./scanSegmentFile";

export type { JournalRecovery } from "./recoverJournal";

export interface JournalOptions {
  dir: string;
  /** Bytes per segment file; a record never spans two segments. Default 64 MiB. */
  segmentSize?: number;
  logger?: Logger;
}

export interface JournalRecord {
  position: number;
  /** Read-only view: it may share memory with the journal's write queue or a scan buffer. */
  payload: Buffer;
  /** Bytes the record occupies in the log, header included. */
  size: number;
}

const DEFAULT_SEGMENT_SIZE = 64 * 1024 * 1024;
const MIN_SEGMENT_SIZE = 64;
const MAX_SEGMENT_SIZE = 0x4000_0000;
/**
 * Segment files are extended with zeros this far ahead of the writer (ZooKeeper's txn-log
 * padding, RocketMQ's mapped-file warm-up): overwriting already-allocated blocks lets fdatasync
 * skip the inode-size journal commit that every appending write would otherwise need, which on
 * ext4 roughly doubles fsyncs per second. Recovery treats the zero tail as the end of the log.
 */
const PAD_CHUNK = 4 * 1024 * 1024;
/** readAt() reads this much in one I/O so that typical bodies need a single read. */
const READ_AHEAD = 4096;
/** Write-behind (Journal.writeBehindMs) hands queued records to the OS at once when this many bytes wait. */
const WRITE_BEHIND_BYTES = 256 * 1024;
/** The active segment opened a second time for durable writes: each write returns once on disk. */
const DSYNC_FLAGS = constants.O_RDWR | constants.O_DSYNC;

interface Segment {
  base: number;
  path: string;
  /** Bytes assigned to this segment, including those still queued in memory. */
  length: number;
  /** Bytes handed to the OS. */
  written: number;
  /** False until the writer has created the file (a logical roll happens at append time). */
  created: boolean;
}

/** Queued records of one segment, contiguous in position. Sealed once the writer takes it. */
interface Chunk {
  segment: Segment;
  start: number;
  bytes: number;
  records: Buffer[];
  sealed: boolean;
}

interface Waiter {
  target: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

interface RetiringHandle {
  fh: FileHandle;
  dirty: boolean;
}

/**
 * Append-only, segmented, checksummed log addressed by global byte position.
 *
 * Three positions move forward independently: endPosition (assigned by append, synchronously),
 * writtenPosition (a background writer has handed the bytes to the OS with writev) and
 * durablePosition (an fdatasync round covered them). Writes and fsyncs run on separate lanes so
 * that records arriving during an fsync are written meanwhile and the next round covers all of
 * them at once: that is the group commit. Every fsync-type operation (sync rounds, reclaim,
 * truncate) runs on one serial lane, so there is never more than one fsync in flight.
 *
 * Shortcut of the two lanes: when a chunk is awaited by a sync() and everything before it is
 * already durable, the writer writes it through a second descriptor opened with O_DSYNC. The
 * write returns once the bytes (and the metadata needed to read them back) are on disk, so the
 * chunk is durable in one thread-pool round trip instead of two (writev, then fdatasync on the
 * sync lane) and without handing over between lanes. Records arriving meanwhile queue up and go
 * out in the next such write: group commit happens on the write lane. Chunks nobody waits for
 * (no receipt asked) take the plain descriptor and are synced later, as before.
 */
export class Journal {
  readonly recovery: JournalRecovery;

  private readonly dir: string;
  private readonly segmentSize: number;
  private readonly logger: Logger | undefined;
  private readonly segments: Segment[];
  private readonly readers = new JournalReadHandles();
  private readonly dirFh: FileHandle;

  private activeFh: FileHandle;
  /** The active segment again, opened O_DSYNC (see the class comment). */
  private activeDsyncFh: FileHandle;
  private activeSegment: Segment;
  private activeDirty = false;
  /** Size of the active file, zero padding included (>= activeSegment.written). */
  private paddedSize: number;
  private zeros: Buffer | null = null;
  private retiring: RetiringHandle[] = [];
  private dirDirty = false;

  private chunks: Chunk[] = [];
  private endPos: number;
  private writtenPos: number;
  private durablePos: number;

  private writing = false;
  private writerRun: Promise<void> = Promise.resolve();
  private writeScheduled = false;
  private syncWaiters: Waiter[] = [];
  private writtenWaiters: Waiter[] = [];
  private lane: Promise<void> = Promise.resolve();
  private roundQueued = false;

  /**
   * Follower mode (a replication slave): durable chunks are written by a blocking writev on the
   * event-loop thread instead of through the thread pool. A slave serves no clients, so blocking
   * for its flush costs nothing, and it saves two thread wake-ups per flush (pool thread, then
   * back to the loop) on the path of every replicated receipt; frames arriving meanwhile wait in
   * the socket and go out together in the next flush, so the group commit is kept.
   */
  blockingDurableWrites = false;

  /**
   * Write-behind: records nobody waits for (no sync(), no written()) are handed to the OS this
   * many ms after they queue up, all in one write, rather than at the end of every event-loop turn
   * — sooner when WRITE_BEHIND_BYTES queue up or a sync()/written() asks. For a log whose sync
   * policy counts memory (a quorum_mem master, a quorum_mem slave between its flushes): each write
   * through the thread pool costs two thread wake-ups and context switches, more CPU than the
   * write itself, and a turn's write per message is what a busy memory-acknowledged group spent
   * its time on. Readers see queued records as before (read() and readAt() serve them from
   * memory). 0, the default: written at the end of the turn.
   */
  writeBehindMs = 0;
  private writeBehindTimer: NodeJS.Timeout | null = null;

  private failure: Error | null = null;
  private truncating = false;
  private closed = false;
  private closing: Promise<void> | null = null;
  /** Bumped by truncate() so that a concurrent read() notices its bytes were cut away. */
  private generation = 0;

  private fsyncCount = 0;
  /** Chunks made durable by an O_DSYNC write (each one device flush, like an fdatasync). */
  private dsyncWriteCount = 0;
  /** Group-commit rounds and the time they took (fsyncs of one round included): the sync latency a receipt waits for. */
  private syncRounds = 0;
  private syncNanos = 0n;
  private appendCount = 0;

  private constructor(
    opts: Required<Pick<JournalOptions, "dir" | "segmentSize">> & { logger: Logger | undefined },
    segments: Segment[],
    recovery: JournalRecovery,
    dirFh: FileHandle,
    activeFh: FileHandle,
    activeDsyncFh: FileHandle,
  ) {
    this.dir = opts.dir;
    this.segmentSize = opts.segmentSize;
    this.logger = opts.logger;
    this.segments = segments;
    this.recovery = recovery;
    this.dirFh = dirFh;
    this.activeFh = activeFh;
    this.activeDsyncFh = activeDsyncFh;
    this.activeSegment = segments[segments.length - 1];
    this.paddedSize = this.activeSegment.length; // recovery trimmed the file to its records
    this.endPos = this.writtenPos = this.durablePos = recovery.endPosition;
  }

  static async open(opts: JournalOptions): Promise<Journal> {
    const segmentSize = opts.segmentSize ?? DEFAULT_SEGMENT_SIZE;
    if (!Number.isInteger(segmentSize) || segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SEGMENT_SIZE) {
      throw new RangeError(`journal segmentSize must be an integer in [${MIN_SEGMENT_SIZE}, ${MAX_SEGMENT_SIZE}], got ${segmentSize}`);
    }
    const { segments, recovery } = await recoverJournal(opts.dir, opts.logger);
    const dirFh = await open(opts.dir, "r");
    const last = segments[segments.length - 1];
    let activeFh: FileHandle;
    let activeDsyncFh: FileHandle;
    try {
      activeFh = await open(last.path, "r+");
      try {
        activeDsyncFh = await open(last.path, DSYNC_FLAGS);
      } catch (err) {
        await activeFh.close();
        throw err;
      }
    } catch (err) {
      await dirFh.close();
      throw err;
    }
    return new Journal(
      { dir: opts.dir, segmentSize, logger: opts.logger },
      segments.map((s) => ({ ...s, written: s.length, created: true })),
      recovery,
      dirFh,
      activeFh,
      activeDsyncFh,
    );
  }

  get startPosition(): number {
    return this.segments[0].base;
  }

  get endPosition(): number {
    return this.endPos;
  }

  get durablePosition(): number {
    return this.durablePos;
  }

  /** Everything below this has been handed to the OS (survives a process crash, not a power loss). */
  get writtenPosition(): number {
    return this.writtenPos;
  }

  append(payload: Buffer): number {
    return this.place(RECORD_HEADER_SIZE + payload.length, (position) => encodeRecord(position, payload));
  }

  /**
   * Appends a record whose payload was written behind RECORD_HEADER_SIZE reserved bytes (see
   * encodeAddFramed): the header is filled in place and the buffer itself is logged, no copy. The
   * caller hands it over and must never write to it again; reading it (a message body view) is fine.
   */
  appendFramed(record: Buffer): number {
    return this.place(record.length, (position) => frameRecord(record, position));
  }

  private place(size: number, encode: (position: number) => Buffer): number {
    this.assertAppendable();
    if (size > this.segmentSize) {
      throw new RangeError(`journal record of ${size} bytes exceeds segmentSize ${this.segmentSize}`);
    }
    let segment = this.segments[this.segments.length - 1];
    if (segment.length > 0 && segment.length + size > this.segmentSize) {
      // Roll logically now so positions stay synchronous; the writer creates the file later.
      segment = { base: this.endPos, path: join(this.dir, segmentFileName(this.endPos)), length: 0, written: 0, created: false };
      this.segments.push(segment);
    }
    const position = this.endPos;
    const record = encode(position);
    segment.length += size;
    this.endPos += size;
    this.appendCount++;
    let chunk = this.chunks[this.chunks.length - 1];
    if (!chunk || chunk.sealed || chunk.segment !== segment) {
      chunk = { segment, start: position, bytes: 0, records: [], sealed: false };
      this.chunks.push(chunk);
    }
    chunk.records.push(record);
    chunk.bytes += size;
    this.scheduleWrite();
    return position;
  }

  /**
   * Follower side of replication: the master's position must land exactly at our end. Any other
   * value means the two logs diverged or a record was lost in transit, which must stop
   * replication rather than be patched over.
   */
  appendReplicated(position: number, payload: Buffer): void {
    this.assertAppendable();
    if (position !== this.endPos) {
      throw new Error(`replication invariant broken: record for position ${position} but journal endPosition is ${this.endPos}`);
    }
    this.append(payload);
  }

  sync(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const target = this.endPos;
    if (target <= this.durablePos) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.syncWaiters.push({ target, resolve, reject });
      this.scheduleWrite();
      this.kickSync();
    });
  }

  written(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const target = this.endPos;
    if (target <= this.writtenPos) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.writtenWaiters.push({ target, resolve, reject });
      this.scheduleWrite();
    });
  }

  /**
   * Delivers records from `from` (a record boundary) up to the endPosition at the time of the
   * call, unsynced and unwritten ones included. A callback returning false stops the scan after
   * that record; the result is the position after the last delivered record.
   */
  async read(from: number, onRecord: (r: JournalRecord) => void | false): Promise<number> {
    this.assertReadable();
    const end = this.endPos;
    if (from < this.startPosition || from > end) {
      throw new RangeError(`journal read from ${from} outside [${this.startPosition}, ${end}]`);
    }
    const generation = this.generation;
    let position = from;
    while (position < end) {
      if (position >= this.writtenPos) {
        // Synchronous from here: the queue holds exactly [writtenPos, endPos) at this moment.
        return this.readFromMemory(position, end, onRecord);
      }
      if (position < this.startPosition) {
        throw new Error(`journal segments reclaimed during read: position ${position} < startPosition ${this.startPosition}`);
      }
      const segment = this.segmentFor(position);
      const segmentEnd = Math.min(end, this.writtenPos, segment.base + segment.written);
      const handle = await this.readers.acquire(segment.path);
      let scan;
      try {
        scan = await scanSegmentFile(handle.fh, segment.base, position - segment.base, segmentEnd - segment.base, (p, payload, size) =>
          onRecord({ position: p, payload, size }),
        );
      } finally {
        handle.release();
      }
      if (scan.fault !== null) {
        if (this.generation !== generation) throw new Error(`journal truncated during read at position ${segment.base + scan.next}`);
        throw new Error(`corrupt journal record at position ${segment.base + scan.next} in ${segment.path}: ${scan.fault}`);
      }
      const next = segment.base + scan.next;
      if (next <= position && !scan.stopped) {
        throw new Error(`journal read made no progress at position ${position} (${segment.path})`);
      }
      position = next;
      if (scan.stopped) return position;
      if (this.generation !== generation) throw new Error(`journal truncated during read at position ${position}`);
    }
    return position;
  }

  /** One record's payload, checksum verified; for paged-out message bodies. */
  async readAt(position: number): Promise<Buffer> {
    this.assertReadable();
    if (position < this.startPosition || position >= this.endPos) {
      throw new RangeError(`journal readAt(${position}) outside [${this.startPosition}, ${this.endPos})`);
    }
    if (position >= this.writtenPos) {
      const record = this.findInMemory(position);
      return record.subarray(RECORD_HEADER_SIZE);
    }
    const segment = this.segmentFor(position);
    const offset = position - segment.base;
    const available = segment.written - offset;
    const handle = await this.readers.acquire(segment.path);
    try {
      let buf = Buffer.allocUnsafe(Math.min(READ_AHEAD, available));
      let got = await readFully(handle.fh, buf, offset);
      let size = checkRecord(buf, 0, got, position);
      if (size < 0 && got === buf.length && got >= RECORD_HEADER_SIZE) {
        const declared = RECORD_HEADER_SIZE + buf.readUInt32LE(4);
        if (declared > buf.length && declared <= available) {
          buf = Buffer.allocUnsafe(declared);
          got = await readFully(handle.fh, buf, offset);
          size = checkRecord(buf, 0, got, position);
        }
      }
      if (size < 0) {
        throw new Error(`no valid journal record at position ${position} in ${segment.path}: ${describeRecordFault(buf, 0, got, position)}`);
      }
      return buf.subarray(RECORD_HEADER_SIZE, size);
    } finally {
      handle.release();
    }
  }

  /**
   * Drops everything at and after `position` (a follower's divergent tail). Appends are refused
   * while this runs; queued records are first made durable so that no waiter is left pending on
   * bytes that then disappear.
   */
  async truncate(position: number): Promise<void> {
    this.assertAppendable();
    if (position < this.startPosition || position > this.endPos) {
      throw new RangeError(`journal truncate(${position}) outside [${this.startPosition}, ${this.endPos}]`);
    }
    if (position === this.endPos) return;
    // Proves `position` is a record boundary: the embedded position and checksum must match.
    await this.readAt(position);
    this.truncating = true;
    try {
      await this.sync();
      await this.writerIdle();
      await this.onLane(() => this.truncateFiles(position)).catch((err: unknown) => {
        // A half-done truncate leaves the in-memory view and the files disagreeing.
        this.fail(err, "truncate");
        throw this.failure;
      });
    } finally {
      this.truncating = false;
    }
  }

  /**
   * Deletes whole segments lying entirely below `upTo` — and below durablePosition, since a
   * consumer acknowledging unsynced bytes must not make them vanish. The last segment always stays.
   */
  reclaim(upTo: number): Promise<number> {
    this.assertReadable();
    return this.onLane(async () => {
      const limit = Math.min(upTo, this.durablePos);
      let deleted = 0;
      while (this.segments.length > 1) {
        const segment = this.segments[0];
        if (segment.base + segment.length > limit || segment === this.activeSegment) break;
        this.segments.shift();
        this.readers.evict(segment.path);
        await unlink(segment.path);
        deleted++;
      }
      if (deleted > 0) {
        await this.fsyncDir();
        this.logger?.info({ deleted, startPosition: this.startPosition }, "journal reclaimed segments");
      }
      return deleted;
    });
  }

  /**
   * Segment files in position order; `size` is the bytes of records in each. The active file may
   * be longer (zero padding), so a file transfer must copy exactly `size` bytes.
   */
  segmentFiles(): Array<{ base: number; path: string; size: number }> {
    return this.segments.filter((s) => s.created).map((s) => ({ base: s.base, path: s.path, size: s.written }));
  }

  /** `fsyncs` counts every device flush the journal asked for: fsync/fdatasync calls and O_DSYNC writes (`dsyncWrites`). */
  stats(): { segments: number; bytes: number; fsyncs: number; dsyncWrites: number; appends: number; syncRounds: number; syncSeconds: number } {
    return {
      segments: this.segments.length,
      bytes: this.endPos - this.startPosition,
      fsyncs: this.fsyncCount + this.dsyncWriteCount,
      dsyncWrites: this.dsyncWriteCount,
      appends: this.appendCount,
      syncRounds: this.syncRounds,
      syncSeconds: Number(this.syncNanos) / 1e9,
    };
  }

  close(): Promise<void> {
    if (!this.closing) this.closing = this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    this.closed = true;
    if (!this.failure) {
      try {
        await this.sync();
      } catch {
        // sync() failing means fail() already logged and recorded the cause; closing must still
        // release the file handles.
      }
    }
    await this.writerIdle();
    if (this.writeBehindTimer) clearTimeout(this.writeBehindTimer); // only after a failure: sync() wrote the rest
    this.writeBehindTimer = null;
    await this.onLane(async () => {
      for (const r of this.retiring) await r.fh.close();
      this.retiring = [];
      if (!this.failure && this.paddedSize > this.activeSegment.written) {
        // Leave a tidy file (exactly its records); recovery would cope with the padding anyway.
        await this.activeFh.truncate(this.activeSegment.written);
        this.fsyncCount++;
        await this.activeFh.datasync();
      }
      await this.activeFh.close();
      await this.activeDsyncFh.close();
      await this.dirFh.close();
      this.readers.evictAll();
    });
  }

  // ---- writer lane -------------------------------------------------------------------------

  private scheduleWrite(): void {
    if (this.writing || this.writeScheduled || this.chunks.length === 0) return;
    if (this.mayWriteBehind()) {
      this.writeBehindTimer ??= setTimeout(() => {
        this.writeBehindTimer = null;
        this.startWriter();
      }, this.writeBehindMs);
      return;
    }
    if (this.writeBehindTimer) {
      clearTimeout(this.writeBehindTimer);
      this.writeBehindTimer = null;
    }
    this.writeScheduled = true;
    // setImmediate lets every append of the current event-loop turn join one writev.
    setImmediate(() => {
      this.writeScheduled = false;
      this.startWriter();
    });
  }

  private mayWriteBehind(): boolean {
    return (
      this.writeBehindMs > 0 &&
      this.syncWaiters.length === 0 &&
      this.writtenWaiters.length === 0 &&
      this.endPos - this.writtenPos < WRITE_BEHIND_BYTES &&
      !this.closed &&
      !this.truncating
    );
  }

  private startWriter(): void {
    if (this.writing || this.failure || this.chunks.length === 0) return;
    this.writing = true;
    this.writerRun = this.writeLoop().catch((err: unknown) => {
      this.writing = false; // startWriter() refuses to restart once failure is set
      this.fail(err, "write");
    });
  }

  /**
   * Waits until the writer has stopped, padding included. Only meaningful while appends are
   * refused (truncate, close); otherwise it could restart at any moment.
   */
  private async writerIdle(): Promise<void> {
    while (this.writing) await this.writerRun;
  }

  private async writeLoop(): Promise<void> {
    for (;;) {
      const chunk = this.chunks[0];
      if (!chunk) {
        // Cleared synchronously with the emptiness check so a later append always restarts us.
        this.writing = false;
        return;
      }
      chunk.sealed = true;
      const segment = chunk.segment;
      if (segment !== this.activeSegment) await this.rollFile(segment);
      const offset = chunk.start - segment.base;
      if (offset !== segment.written) {
        throw new Error(`journal writer invariant broken: chunk at ${chunk.start} but ${segment.path} has ${segment.written} bytes written`);
      }
      const end = chunk.start + chunk.bytes;
      const durable = this.durableWriteFits(chunk.start, end);
      const bytesWritten =
        durable && this.blockingDurableWrites
          ? writevSync(this.activeDsyncFh.fd, chunk.records, offset)
          : (await (durable ? this.activeDsyncFh : this.activeFh).writev(chunk.records, offset)).bytesWritten;
      if (bytesWritten !== chunk.bytes) {
        throw new Error(`journal short write at position ${chunk.start}: ${bytesWritten} of ${chunk.bytes} bytes`);
      }
      this.chunks.shift();
      segment.written += chunk.bytes;
      this.paddedSize = Math.max(this.paddedSize, segment.written);
      this.writtenPos = end;
      if (durable) {
        this.dsyncWriteCount++;
        // durableWriteFits() saw everything before `chunk.start` durable, and nothing but this
        // writer moves writtenPos: the log is durable up to `end`.
        if (end > this.durablePos) this.durablePos = end;
        settle(this.syncWaiters, this.durablePos);
      } else {
        this.activeDirty = true;
      }
      settle(this.writtenWaiters, this.writtenPos);
      this.kickSync();
      if (this.paddedSize - segment.written < PAD_CHUNK / 2 && this.paddedSize < this.segmentSize) await this.pad();
    }
  }

  /**
   * A chunk goes out as an O_DSYNC write when a sync() waits for it and the log before it is
   * already durable (a new segment's directory entry included): the write alone then completes
   * the durable prefix. Otherwise it is a plain write and the sync lane covers it.
   */
  private durableWriteFits(start: number, end: number): boolean {
    const first = this.syncWaiters[0];
    return (
      first !== undefined && first.target <= end && this.durablePos === start && this.retiring.length === 0 && !this.dirDirty
    );
  }

  private async pad(): Promise<void> {
    const target = Math.min(this.segmentSize, this.activeSegment.written + PAD_CHUNK);
    if (!this.zeros) this.zeros = Buffer.alloc(Math.min(PAD_CHUNK, this.segmentSize));
    for (let at = this.paddedSize; at < target; ) {
      const n = Math.min(this.zeros.length, target - at);
      const { bytesWritten } = await this.activeFh.write(this.zeros, 0, n, at);
      if (bytesWritten !== n) throw new Error(`journal short padding write in ${this.activeSegment.path}: ${bytesWritten} of ${n} bytes`);
      at += n;
    }
    this.paddedSize = target;
    this.activeDirty = true;
  }

  private async rollFile(segment: Segment): Promise<void> {
    // "wx": a segment file must never already exist; finding one means two journals share a dir.
    const fh = await open(segment.path, "wx");
    segment.created = true;
    // A finished segment holds exactly its records: file transfer and recovery then need no
    // special case for padding in the middle of the log. The next sync round makes this durable.
    if (this.paddedSize > this.activeSegment.written) await this.activeFh.truncate(this.activeSegment.written);
    let dsyncFh: FileHandle;
    try {
      dsyncFh = await open(segment.path, DSYNC_FLAGS);
    } catch (err) {
      await fh.close();
      throw err;
    }
    const oldDsyncFh = this.activeDsyncFh;
    // No await from here until the switch is complete: a sync round starting in between would
    // see a retiring handle that is still the active one.
    this.retiring.push({ fh: this.activeFh, dirty: true });
    this.paddedSize = 0;
    this.activeFh = fh;
    this.activeDsyncFh = dsyncFh;
    this.activeSegment = segment;
    this.activeDirty = false;
    this.dirDirty = true;
    // A completed segment is fsynced (and its handle closed) even if nobody calls sync().
    this.kickSync();
    // Nothing is written through it any more; what was is durable already (O_DSYNC).
    await oldDsyncFh.close();
  }

  // ---- fsync lane --------------------------------------------------------------------------

  private onLane<T>(task: () => Promise<T>): Promise<T> {
    const run = this.lane.then(task);
    this.lane = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private kickSync(): void {
    if (this.roundQueued || this.failure) return;
    const first = this.syncWaiters[0];
    const wanted = this.retiring.length > 0 || (first !== undefined && first.target <= this.writtenPos);
    if (!wanted) return;
    this.roundQueued = true;
    this.onLane(() => this.syncRound()).catch((err: unknown) => this.fail(err, "fsync"));
  }

  /**
   * One group-commit round. What it may claim is fixed when it starts: bytes written before that
   * moment. Anything written while it runs is picked up by the next round, which kickSync()
   * queues as soon as a waiter needs it.
   */
  private async syncRound(): Promise<void> {
    const started = process.hrtime.bigint();
    this.roundQueued = false;
    const target = this.writtenPos;
    const retiring = this.retiring;
    this.retiring = [];
    const active = this.activeFh;
    const activeDirty = this.activeDirty;
    this.activeDirty = false;
    const dirDirty = this.dirDirty;
    this.dirDirty = false;
    for (const r of retiring) {
      if (r.dirty) {
        this.fsyncCount++;
        await r.fh.datasync();
      }
      await r.fh.close();
    }
    if (activeDirty) {
      this.fsyncCount++;
      await active.datasync();
    }
    // New segment files are durable only once their directory entry is.
    if (dirDirty) await this.fsyncDir();
    this.syncRounds++;
    this.syncNanos += process.hrtime.bigint() - started;
    if (target > this.durablePos) this.durablePos = target;
    settle(this.syncWaiters, this.durablePos);
    this.kickSync();
  }

  private async fsyncDir(): Promise<void> {
    this.fsyncCount++;
    await this.dirFh.sync();
  }

  private async truncateFiles(position: number): Promise<void> {
    const index = this.segmentIndexFor(position);
    const keep = this.segments[index];
    const doomed = this.segments.splice(index + 1);
    this.generation++;
    if (this.activeSegment !== keep) {
      await this.activeFh.close();
      await this.activeDsyncFh.close();
      this.activeFh = await open(keep.path, "r+");
      this.activeDsyncFh = await open(keep.path, DSYNC_FLAGS);
      this.activeSegment = keep;
    }
    // Cut the kept segment before deleting later ones: a crash in between leaves a gap, which
    // recovery treats as the end of the log, so the divergent tail cannot come back.
    const length = position - keep.base;
    await this.activeFh.truncate(length);
    this.paddedSize = length;
    this.fsyncCount++;
    await this.activeFh.datasync();
    keep.length = keep.written = length;
    this.endPos = this.writtenPos = this.durablePos = position;
    this.activeDirty = false;
    for (const segment of doomed) {
      this.readers.evict(segment.path);
      if (segment.created) await unlink(segment.path);
    }
    await this.fsyncDir();
    this.logger?.warn({ position, deletedSegments: doomed.length }, "journal truncated");
  }

  // ---- helpers -----------------------------------------------------------------------------

  private readFromMemory(from: number, end: number, onRecord: (r: JournalRecord) => void | false): number {
    let position = from;
    const { chunkIndex, recordIndex } = this.locateInMemory(from);
    for (let c = chunkIndex; c < this.chunks.length && position < end; c++) {
      const records = this.chunks[c].records;
      for (let r = c === chunkIndex ? recordIndex : 0; r < records.length && position < end; r++) {
        const record = records[r];
        const result = onRecord({ position, payload: record.subarray(RECORD_HEADER_SIZE), size: record.length });
        position += record.length;
        if (result === false) return position;
      }
    }
    return position;
  }

  private findInMemory(position: number): Buffer {
    const { chunkIndex, recordIndex } = this.locateInMemory(position);
    return this.chunks[chunkIndex].records[recordIndex];
  }

  private locateInMemory(position: number): { chunkIndex: number; recordIndex: number } {
    for (let c = 0; c < this.chunks.length; c++) {
      const chunk = this.chunks[c];
      if (position >= chunk.start + chunk.bytes) continue;
      let at = chunk.start;
      for (let r = 0; r < chunk.records.length; r++) {
        if (at === position) return { chunkIndex: c, recordIndex: r };
        if (at > position) break;
        at += chunk.records[r].length;
      }
      break;
    }
    throw new RangeError(`journal position ${position} is not a record boundary`);
  }

  private segmentIndexFor(position: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.segments[mid].base <= position) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private segmentFor(position: number): Segment {
    return this.segments[this.segmentIndexFor(position)];
  }

  private assertReadable(): void {
    if (this.closed) throw new Error("journal is closed");
    if (this.failure) throw this.failure;
  }

  private assertAppendable(): void {
    this.assertReadable();
    if (this.truncating) throw new Error("journal is being truncated; append refused");
  }

  /** I/O errors on the log are fatal: after a failed fsync the page cache state is unknown. */
  private fail(err: unknown, stage: string): void {
    if (this.failure) return;
    const error = err instanceof Error ? err : new Error(String(err));
    this.failure = new Error(`journal ${stage} failed: ${error.message}`, { cause: error });
    this.logger?.error({ err: error, stage, dir: this.dir }, "journal failed; refusing further appends");
    for (const w of this.syncWaiters.splice(0)) w.reject(this.failure);
    for (const w of this.writtenWaiters.splice(0)) w.reject(this.failure);
  }
}

/** Resolves waiters whose target is covered; waiters are queued in target order. */
function settle(waiters: Waiter[], reached: number): void {
  let n = 0;
  while (n < waiters.length && waiters[n].target <= reached) n++;
  if (n === 0) return;
  for (const w of waiters.splice(0, n)) w.resolve();
}
