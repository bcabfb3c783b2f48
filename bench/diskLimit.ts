// What the disk allows, measured in the run that reports against it: a loop of 1 KiB record
// writes, each made durable before the next, on a preallocated file in the same filesystem as
// the brokers' data (os.tmpdir()). Three ways of being durable, one writer:
//   write + fdatasync   (two syscalls; what the target names)
//   write + fsync
//   pwrite on an O_DSYNC descriptor (one syscall)
// And N writers at once (measureConcurrentDiskLimit): N processes, each its own preallocated
// file in the same filesystem, each a write + fdatasync loop, started together. A 3-node group
// on one machine is three journals flushing on one disk; this says whether the device flushes
// them in parallel (per-writer rate stays) or shares one flush rate among them (it divides).
// Synchronous fs calls are fine here: each loop runs alone in its own process, as a bench step.
// Usage: node --import tsx bench/diskLimit.ts [durationMs] [writers]   → one JSON line
//        (DiskLimitResult, plus `concurrent` when writers > 1)
import { spawn } from "node:child_process";
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

export interface ConcurrentDiskLimitResult {
  writers: number;
  /** write + fdatasync loops per second of each writer, measured over the same window. */
  perWriter: number[];
  /** Sum over the writers: the device's flush rate with that many flushing at once. */
  total: number;
  /** Median of the writers' median write + fdatasync, ms. */
  p50ms: number;
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

/**
 * Preallocate with real zeros, then fsync: overwrites then need no metadata commit, as in the
 * journal's padded segments (and ActiveMQ's preallocated KahaDB journal files).
 */
function preallocate(path: string): void {
  const fd = openSync(path, "w", 0o600);
  const zeros = Buffer.alloc(1024 * 1024);
  for (let at = 0; at < PREALLOC; at += zeros.length) writeSync(fd, zeros, 0, zeros.length, at);
  fsyncSync(fd);
  closeSync(fd);
}

export function measureDiskLimit(durationMs = 2000): DiskLimitResult {
  const dir = mkdtempSync(join(tmpdir(), "tandem-disklimit-"));
  try {
    const path = join(dir, "log");
    preallocate(path);
    const rw = constants.O_RDWR;
    const fdatasync = loop(path, rw, durationMs, fdatasyncSync);
    const fsync = loop(path, rw, durationMs, fsyncSync);
    const dsync = loop(path, rw | constants.O_DSYNC, durationMs, null);
    return { writeFdatasync: fdatasync.rate, writeFsync: fsync.rate, oDsync: dsync.rate, fdatasyncP50ms: fdatasync.p50, dir: tmpdir() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One writer of the concurrent measurement (its own process): waits for `startAt` (epoch ms), then loops. */
function concurrentWriter(path: string, durationMs: number, startAt: number): { rate: number; p50: number } {
  preallocate(path);
  while (Date.now() < startAt) {
    // Busy-wait the last moments: a timer would be late by up to a scheduler tick.
  }
  return loop(path, constants.O_RDWR, durationMs, fdatasyncSync);
}

/**
 * `writers` processes, each looping write + fdatasync of 1 KiB on its own preallocated file in
 * one directory of os.tmpdir(), all over the same window.
 */
export async function measureConcurrentDiskLimit(writers: number, durationMs = 2000): Promise<ConcurrentDiskLimitResult> {
  const dir = mkdtempSync(join(tmpdir(), "tandem-disklimit-"));
  try {
    // Time for every child to start (tsx) and preallocate its 64 MiB before the common start.
    const startAt = Date.now() + 3000 + writers * 500;
    const runs = await Promise.all(
      Array.from({ length: writers }, (_, i) => runWriterProcess(join(dir, `log${i}`), durationMs, startAt)),
    );
    const p50s = runs.map((r) => r.p50).sort((a, b) => a - b);
    return {
      writers,
      perWriter: runs.map((r) => r.rate),
      total: runs.reduce((a, r) => a + r.rate, 0),
      p50ms: p50s[p50s.length >> 1] ?? 0,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runWriterProcess(path: string, durationMs: number, startAt: number): Promise<{ rate: number; p50: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", import.meta.filename, "--writer", path, String(durationMs), String(startAt)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    child.once("error", reject);
    child.once("exit", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || !line.startsWith("{")) reject(new Error(`disk-limit writer exited with ${code}: ${err.trim() || out.trim()}`));
      else resolve(JSON.parse(line) as { rate: number; p50: number });
    });
  });
}

if (process.argv[1]?.endsWith("diskLimit.ts")) {
  const args = process.argv.slice(2);
  if (args[0] === "--writer") {
    process.stdout.write(JSON.stringify(concurrentWriter(args[1]!, Number(args[2]), Number(args[3]))) + "\n");
  } else {
    const durationMs = Number(args[0] ?? 2000);
    const writers = Number(args[1] ?? 1);
    const one = measureDiskLimit(durationMs);
    if (writers > 1) {
      void measureConcurrentDiskLimit(writers, durationMs).then((concurrent) => process.stdout.write(JSON.stringify({ ...one, concurrent }) + "\n"));
    } else {
      process.stdout.write(JSON.stringify(one) + "\n");
    }
  }
}
