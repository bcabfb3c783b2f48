// What the disk allows one writer, measured in the run that reports against it: a loop of
// 1 KiB record writes, each made durable before the next, on a preallocated file in the same
// filesystem as the brokers' data (os.tmpdir()). Three ways of being durable:
//   write + fdatasync   (two syscalls; what the target names)
//   write + fsync
//   pwrite on an O_DSYNC descriptor (one syscall)
// Synchronous fs calls are fine here: this runs alone, in its own process, as a bench step.
// Usage: node --import tsx bench/diskLimit.ts [durationMs]   → one JSON line (DiskLimitResult)
import { closeSync, constants, fdatasyncSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

export interface DiskLimitResult {
  /** Durable 1 KiB writes per second, one writer. */
  writeFdatasync: number;
  writeFsync: number;
  oDsync: number;
  /** Median single durable write (write + fdatasync), ms. */
  fdatasyncP50ms: number;
  dir: string;
}

const RECORD = 1024;
const PREALLOC = 64 * 1024 * 1024;

function loop(path: string, flags: number, durationMs: number, sync: ((fd: number) => void) | null): { rate: number; p50: number } {
  const fd = openSync(path, flags, 0o600);
  try {
    const record = Buffer.alloc(RECORD, 0x61);
    const lat: number[] = [];
    let offset = 0;
    let n = 0;
    const t0 = performance.now();
    const end = t0 + durationMs;
    for (;;) {
      const a = performance.now();
      if (a >= end) break;
      writeSync(fd, record, 0, RECORD, offset);
      if (sync) sync(fd);
      lat.push(performance.now() - a);
      offset = (offset + RECORD) % PREALLOC;
      n++;
    }
    const secs = (performance.now() - t0) / 1000;
    lat.sort((x, y) => x - y);
    return { rate: Math.round(n / secs), p50: Math.round((lat[lat.length >> 1] ?? 0) * 1000) / 1000 };
  } finally {
    closeSync(fd);
  }
}

export function measureDiskLimit(durationMs = 2000): DiskLimitResult {
  const dir = mkdtempSync(join(tmpdir(), "tandem-disklimit-"));
  try {
    const path = join(dir, "log");
    // Preallocate with real zeros, then fsync: overwrites then need no metadata commit, as in
    // the journal's padded segments (and ActiveMQ's preallocated KahaDB journal files).
    const fd = openSync(path, "w", 0o600);
    const zeros = Buffer.alloc(1024 * 1024);
    for (let at = 0; at < PREALLOC; at += zeros.length) writeSync(fd, zeros, 0, zeros.length, at);
    fsyncSync(fd);
    closeSync(fd);
    const rw = constants.O_RDWR;
    const fdatasync = loop(path, rw, durationMs, fdatasyncSync);
    const fsync = loop(path, rw, durationMs, fsyncSync);
    const dsync = loop(path, rw | constants.O_DSYNC, durationMs, null);
    return { writeFdatasync: fdatasync.rate, writeFsync: fsync.rate, oDsync: dsync.rate, fdatasyncP50ms: fdatasync.p50, dir: tmpdir() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith("diskLimit.ts")) {
  process.stdout.write(JSON.stringify(measureDiskLimit(Number(process.argv[2] ?? 2000))) + "\n");
}
