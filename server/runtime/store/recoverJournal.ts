import { mkdir, open, readdir, stat, unlink, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import { readFully, scanSegmentFile } from "./scanSegmentFile";

export interface JournalRecovery {
  segments: number;
  records: number;
  /** Bytes of torn or corrupt log data cut off (zero padding past the last record is not counted). */
  truncatedBytes: number;
  endPosition: number;
}

export interface RecoveredSegment {
  base: number;
  path: string;
  /** Verified bytes in the file (the file has been cut to exactly this length). */
  length: number;
}

const SEGMENT_FILE = /^(\d{20})\.log$/;

/** Segment files are named by their base position so that a directory listing sorts in log order. */
export function segmentFileName(base: number): string {
  return `${String(base).padStart(20, "0")}.log`;
}

/**
 * Brings a journal directory to a consistent state before the journal is used: every record of
 * every segment is verified, and the log is cut at the first torn or corrupt record, or at the
 * first gap between segments (a later segment can only outlive an earlier segment's tail when
 * neither was acknowledged as durable). Everything after a cut is deleted, never skipped, because
 * positions must stay contiguous for replication.
 * Files are datasynced before the journal reports them durable: after a process crash the
 * recovered bytes may still sit only in the page cache.
 */
export async function recoverJournal(
  dir: string,
  logger?: Logger,
): Promise<{ segments: RecoveredSegment[]; recovery: JournalRecovery }> {
  await mkdir(dir, { recursive: true });
  const bases = (await readdir(dir))
    .map((name) => SEGMENT_FILE.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);

  const segments: RecoveredSegment[] = [];
  let records = 0;
  let truncatedBytes = 0;
  let cut = false;
  let dirChanged = false;

  for (const base of bases) {
    const path = join(dir, segmentFileName(base));
    const previous = segments[segments.length - 1];
    const expected = previous ? previous.base + previous.length : base;
    if (cut || base !== expected) {
      const size = (await stat(path)).size;
      logger?.warn({ path, size, expectedBase: expected, reason: cut ? "after cut" : "gap" }, "journal recovery deleting segment");
      truncatedBytes += size;
      await unlink(path);
      cut = true;
      dirChanged = true;
      continue;
    }
    const fh = await open(path, "r+");
    try {
      const size = (await fh.stat()).size;
      const scan = await scanSegmentFile(fh, base, 0, size, () => {
        records++;
      });
      if (scan.fault !== null) {
        // Segment files are zero-padded ahead of the writer (see Journal.pad), so an all-zero
        // remainder is the normal end of a segment, not damage. Anything non-zero is a torn or
        // corrupt tail: never acknowledged, because an fdatasync covering a later record would
        // have covered this one too.
        const garbage = (await nonZeroExtent(fh, scan.next, size)) - scan.next;
        if (garbage > 0) {
          logger?.warn(
            { path, position: base + scan.next, cutBytes: garbage, fault: scan.fault },
            "journal recovery cutting torn or corrupt tail",
          );
          truncatedBytes += garbage;
          cut = true;
        }
        await fh.truncate(scan.next);
      }
      await fh.datasync();
      segments.push({ base, path, length: scan.next });
    } finally {
      await fh.close();
    }
  }

  if (segments.length === 0) {
    const path = join(dir, segmentFileName(0));
    const fh = await open(path, "wx");
    await fh.close();
    segments.push({ base: 0, path, length: 0 });
    dirChanged = true;
  }
  if (dirChanged) {
    const dh = await open(dir, "r");
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  }
  const last = segments[segments.length - 1];
  const recovery: JournalRecovery = {
    segments: segments.length,
    records,
    truncatedBytes,
    endPosition: last.base + last.length,
  };
  logger?.info({ dir, ...recovery, startPosition: segments[0].base }, "journal recovered");
  return { segments, recovery };
}

/** Offset just past the last non-zero byte in [from, end) of the file, or `from` if all zero. */
async function nonZeroExtent(fh: FileHandle, from: number, end: number): Promise<number> {
  let extent = from;
  const buf = Buffer.allocUnsafe(Math.min(1 << 20, Math.max(1, end - from)));
  for (let offset = from; offset < end; ) {
    const got = await readFully(fh, buf.subarray(0, Math.min(buf.length, end - offset)), offset);
    if (got === 0) break;
    for (let i = got - 1; i >= 0; i--) {
      if (buf[i] !== 0) {
        extent = offset + i + 1;
        break;
      }
    }
    offset += got;
  }
  return extent;
}
