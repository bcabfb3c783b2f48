// Journal throughput: append + sync() per record (a receipted persistent send), 1 KiB records,
// with 1 and with 16 concurrent writers. Bounded: each scenario runs for ~2.5 s.
// Run: node --import tsx bench/journalBench.ts
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Journal } from "../server/runtime/store/Journal";

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

async function scenario(writers: number): Promise<Result> {
  const dir = await mkdtemp(join(tmpdir(), "journal-bench-"));
  try {
    const journal = await Journal.open({ dir });
    const payload = Buffer.alloc(RECORD_SIZE, 0x61);
    const fsyncsBefore = journal.stats().fsyncs;
    const started = process.hrtime.bigint();
    const deadline = Date.now() + DURATION_MS;
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

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

async function main(): Promise<void> {
  const results: Result[] = [];
  for (const writers of [1, 16]) results.push(await scenario(writers));
  console.log(`journal append+sync, ${RECORD_SIZE}-byte records, ${DURATION_MS} ms per scenario`);
  console.table(results);
  console.log(JSON.stringify({ bench: "journal", results }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
