// Append-only transaction log with group commit (ZooKeeper's FileTxnLog + SyncRequestProcessor).
// A batch of records is written with one write to an O_DSYNC file (write + fdatasync in one); callers
// release responses only after append() resolves. Records: u32 length, u32 CRC-32 (IEEE, zlib.crc32), txn bytes.
// A crash can leave a torn last record; recovery stops at the first record that is short or
// fails its crc and truncates the file there (those txns were never acknowledged).
// The file is preallocated with zeros ahead of the writer (ZooKeeper's preAllocSize padding), so a
// group commit overwrites blocks that are already allocated and durable: its O_DSYNC write then
// needs no file-system journal commit, and does not queue behind one (ext4 data=ordered makes such
// a commit flush every other dirty file first — a snapshot being written was the coordinator's
// 0.5 s create tail). A zero length ends the log (no txn encodes to zero bytes).
import { mkdir, open, readdir, readFile, rename, truncate, unlink, type FileHandle } from "node:fs/promises";
import { constants } from "node:fs";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { decodeTxn, type Txn } from "./txn";

const LOG_MAGIC = Buffer.from("TZKL0001", "latin1");
const SNAP_SUFFIX_LEN = 16;
/** Zeros kept allocated ahead of the last record; topped up when less than half is left. */
const PAD_SIZE = 4 * 1024 * 1024;

export function hex16(zxid: number): string {
  return zxid.toString(16).padStart(SNAP_SUFFIX_LEN, "0");
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export class TxnLog {
  /** Bytes of records (magic included): where the next append goes. */
  private size = LOG_MAGIC.length;
  /** The file's length, zero padding included. */
  private padded = LOG_MAGIC.length;
  /** A padding write in flight: appends that fit below `padded` need not wait for it. */
  private padding: Promise<void> | null = null;
  private zeros: Buffer | null = null;

  private constructor(
    private fh: FileHandle,
    readonly dir: string,
    private fileName: string,
  ) {}

  /** Starts a new log file whose first txn will be `firstZxid`. */
  static async open(dir: string, firstZxid: number): Promise<TxnLog> {
    await mkdir(dir, { recursive: true });
    const name = `log.${hex16(firstZxid)}`;
    // O_DSYNC: every write is durable (data, and the size it needs) when it returns; see append().
    // O_TRUNC: a file of this name can hold no txn recovery kept (they would start at firstZxid,
    // and recovery resumes after the last one it kept), only a magic or a torn tail.
    const fh = await open(join(dir, name), constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_DSYNC, 0o644);
    await fh.write(LOG_MAGIC, 0, LOG_MAGIC.length, 0);
    const log = new TxnLog(fh, dir, name);
    await log.pad();
    await fh.sync();
    await fsyncDir(dir);
    return log;
  }

  file(): string {
    return this.fileName;
  }

  /**
   * Appends encoded txns and returns once they are on disk. The file is opened O_DSYNC, so the
   * one write() of the batch is also its fdatasync: one syscall and one thread-pool round trip
   * per group commit instead of two (each round trip is a wake-up of the event loop, which on a
   * busy machine costs more than the copy into one contiguous buffer).
   */
  async append(txns: Buffer[]): Promise<void> {
    let size = 0;
    for (const t of txns) size += 8 + t.length;
    const out = Buffer.allocUnsafe(size);
    let pos = 0;
    for (const t of txns) {
      out.writeUInt32BE(t.length, pos);
      out.writeUInt32BE(crc32(t), pos + 4);
      t.copy(out, pos + 8);
      pos += 8 + t.length;
    }
    while (this.size + out.length > this.padded) {
      // Only a batch larger than what is left of the padding (or a pad still running) waits.
      if (this.padding) await this.padding;
      else await this.pad(out.length);
    }
    const at = this.size;
    // A regular file takes it all at once unless the disk is full; loop so that case fails loudly.
    for (let off = 0; off < out.length; ) {
      const { bytesWritten } = await this.fh.write(out, off, out.length - off, at + off);
      if (bytesWritten <= 0) throw new Error(`txn log ${this.fileName}: write made no progress`);
      off += bytesWritten;
    }
    this.size = at + out.length;
    if (this.padded - this.size < PAD_SIZE / 2 && !this.padding) {
      // Top up in the background; the next batches still fit in what is left.
      this.padding = this.pad().finally(() => (this.padding = null));
      this.padding.catch(() => {}); // a failed pad surfaces in the append that awaits it (or the next pad)
    }
  }

  /** Extends the zero padding to PAD_SIZE (at least `need` bytes) past the last record, durably (O_DSYNC). */
  private async pad(need = 0): Promise<void> {
    const target = this.size + Math.max(PAD_SIZE, need + PAD_SIZE / 2);
    if (!this.zeros) this.zeros = Buffer.alloc(1024 * 1024);
    for (let at = this.padded; at < target; ) {
      const n = Math.min(this.zeros.length, target - at);
      const { bytesWritten } = await this.fh.write(this.zeros, 0, n, at);
      if (bytesWritten <= 0) throw new Error(`txn log ${this.fileName}: padding write made no progress`);
      at += bytesWritten;
      this.padded = Math.max(this.padded, at);
    }
  }

  /** Cuts the padding off (a closed log file is exactly its records); recovery would stop at it anyway. */
  private async trim(): Promise<void> {
    if (this.padding) await this.padding.catch(() => {});
    // Not synced: if the cut is lost in a crash, recovery stops at the zeros all the same.
    await this.fh.truncate(this.size);
  }

  /** Closes this file and continues in a new one (after a snapshot, so old files can be purged). */
  async roll(firstZxid: number): Promise<void> {
    const next = await TxnLog.open(this.dir, firstZxid);
    await this.trim();
    await this.fh.close();
    // Everything about the file changes hands: its handle, name, and where records and padding end.
    this.fh = next.fh;
    this.fileName = next.fileName;
    this.size = next.size;
    this.padded = next.padded;
    this.padding = null; // trim() waited for the old file's
  }

  async close(): Promise<void> {
    try {
      await this.trim();
    } finally {
      await this.fh.close();
    }
  }
}

export interface RecoveredState {
  snapshot: Buffer | null;
  snapshotZxid: number;
  txns: Txn[];
}

function zxidOfName(name: string, prefix: string): number | null {
  if (!name.startsWith(prefix)) return null;
  const hex = name.slice(prefix.length);
  if (!/^[0-9a-f]{16}$/.test(hex)) return null;
  return parseInt(hex, 16);
}

/** Reads the newest intact snapshot and every logged txn after it, repairing a torn log tail. */
export async function recoverState(dir: string): Promise<RecoveredState> {
  await mkdir(dir, { recursive: true });
  const names = await readdir(dir);
  const snaps = names
    .map((n) => ({ n, z: zxidOfName(n, "snapshot.") }))
    .filter((x): x is { n: string; z: number } => x.z !== null)
    .sort((a, b) => b.z - a.z);
  let snapshot: Buffer | null = null;
  let snapshotZxid = 0;
  for (const s of snaps) {
    const buf = await readFile(join(dir, s.n));
    if (buf.length < 4) continue;
    const body = buf.subarray(0, buf.length - 4);
    if (crc32(body) !== buf.readUInt32BE(buf.length - 4)) continue; // damaged: fall back to an older one
    snapshot = body;
    snapshotZxid = s.z;
    break;
  }
  const logs = names
    .map((n) => ({ n, z: zxidOfName(n, "log.") }))
    .filter((x): x is { n: string; z: number } => x.z !== null)
    .sort((a, b) => a.z - b.z);
  const txns: Txn[] = [];
  let last = snapshotZxid;
  for (const l of logs) {
    const path = join(dir, l.n);
    const buf = await readFile(path);
    if (buf.length < LOG_MAGIC.length || !buf.subarray(0, LOG_MAGIC.length).equals(LOG_MAGIC)) {
      await truncate(path, 0);
      continue;
    }
    let pos = LOG_MAGIC.length;
    let good = pos;
    while (pos + 8 <= buf.length) {
      const len = buf.readUInt32BE(pos);
      if (len === 0) break; // the zero padding after the last record
      const crc = buf.readUInt32BE(pos + 4);
      if (pos + 8 + len > buf.length) break;
      const body = buf.subarray(pos + 8, pos + 8 + len);
      if (crc32(body) !== crc) break;
      const txn = decodeTxn(body);
      pos += 8 + len;
      good = pos;
      // Zxids only grow; anything at or below what we have is covered by the snapshot.
      if (txn.zxid > last) {
        txns.push(txn);
        last = txn.zxid;
      }
    }
    if (good < buf.length) await truncate(path, good);
  }
  return { snapshot, snapshotZxid, txns };
}

/** Writes a snapshot durably: tmp file, fsync, rename, fsync dir. The body may come in chunks (TreeImage slices). */
export async function writeSnapshot(dir: string, zxid: number, body: Buffer | readonly Buffer[]): Promise<string> {
  const name = `snapshot.${hex16(zxid)}`;
  const tmp = join(dir, `${name}.tmp`);
  const chunks = Buffer.isBuffer(body) ? [body] : [...body];
  const fh = await open(tmp, "w");
  try {
    const tail = Buffer.allocUnsafe(4);
    tail.writeUInt32BE(chunks.reduce((crc, c) => crc32(c, crc), 0), 0);
    // writev takes at most IOV_MAX (1024) buffers at a time.
    for (let i = 0; i < chunks.length; i += 512) await fh.writev(chunks.slice(i, i + 512));
    await fh.write(tail);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, join(dir, name));
  await fsyncDir(dir);
  return name;
}

/**
 * Keeps the newest `keep` snapshots and the logs needed to replay from the oldest of them.
 * A log file is removable when the next log file starts at or before that snapshot's zxid + 1.
 */
export async function purgeOld(dir: string, keep: number, activeLog: string): Promise<void> {
  const names = await readdir(dir);
  const snaps = names
    .map((n) => ({ n, z: zxidOfName(n, "snapshot.") }))
    .filter((x): x is { n: string; z: number } => x.z !== null)
    .sort((a, b) => b.z - a.z);
  if (snaps.length < keep) return;
  for (const s of snaps.slice(keep)) await unlink(join(dir, s.n)).catch(() => undefined);
  const floor = snaps[keep - 1].z;
  const logs = names
    .map((n) => ({ n, z: zxidOfName(n, "log.") }))
    .filter((x): x is { n: string; z: number } => x.z !== null)
    .sort((a, b) => a.z - b.z);
  for (let i = 0; i + 1 < logs.length; i++) {
    if (logs[i].n === activeLog) continue;
    if (logs[i + 1].z <= floor + 1) await unlink(join(dir, logs[i].n)).catch(() => undefined);
  }
  for (const n of names) if (n.endsWith(".tmp")) await unlink(join(dir, n)).catch(() => undefined);
}
