// Journal throughput: append + sync() per record (a receipted persistent send), 1 KiB records,
// with 1 and with 16 concurrent writers. Bounded: each scenario runs for ~2.5 s.
// Then the journal with one writer against the disk limit (bench/diskLimit.ts: a 1 KiB write +
// fdatasync loop), alternating in short rounds so both see the same disk: the ratio per round is
// how close the journal's whole path (event loop, thread pool, write and sync lanes) comes to
// what the disk allows one writer.
// Run: node --import tsx bench/journalBench.ts   (JOURNAL_BENCH_ROUNDS, default 5)
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Journal } from "../server/runtime/store/Journal";
import { measureDiskLimit } from "./diskLimit";

const RECORD_SIZE = 1024;
const DURATION_MS = 2500;

interface Result {
  writers: number;
  records: number;
  seconds: number;
  perSecond: number;
  fsyncs: number;
  recordsPerFsync: number;
}

async function scenario(writers: number, durationMs = DURATION_MS): Promise<Result> {
  const dir = await mkdtemp(join(tmpdir(), "journal-bench-"));
  try {
    const journal = await Journal.open({ dir });
    const payload = Buffer.alloc(RECORD_SIZE, 0x61);
    const fsyncsBefore = journal.stats().fsyncs;
    const started = process.hrtime.bigint();
    const deadline = Date.now() + durationMs;
    let records = 0;
    const writer = async (): Promise<void> => {
      while (Date.now() < deadline) {
        journal.append(payload);
        await journal.sync();
        records++;
      }
    };
    await Promise.all(Array.from({ length: writers }, writer));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const fsyncs = journal.stats().fsyncs - fsyncsBefore;
    await journal.close();
    return {
      writers,
      records,
      seconds: round(seconds),
      perSecond: Math.round(records / seconds),
      fsyncs,
      recordsPerFsync: round(records / Math.max(1, fsyncs)),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

async function main(): Promise<void> {
  const results: Result[] = [];
  for (const writers of [1, 16]) results.push(await scenario(writers));
  console.log(`journal append+sync, ${RECORD_SIZE}-byte records, ${DURATION_MS} ms per scenario`);
  console.table(results);
  const vsDisk: Array<{ round: number; journal1: number; diskLimit: number; ratio: number }> = [];
  for (let round = 1; round <= Number(process.env.JOURNAL_BENCH_ROUNDS ?? 5); round++) {
    const disk = measureDiskLimit(1000).writeFdatasync;
    const j = (await scenario(1, 1000)).perSecond;
    vsDisk.push({ round, journal1: j, diskLimit: disk, ratio: round2(j / disk) });
  }
  console.log("journal, 1 writer, vs the disk limit (write + fdatasync of 1 KiB), alternating rounds");
  console.table(vsDisk);
  console.log(JSON.stringify({ bench: "journal", results, vsDisk }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
