import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { Journal } from "./Journal";
import { RECORD_HEADER_SIZE } from "./journalRecordCodec";

const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const SEGMENT_SIZE = 1024;
const COUNT = 12;

function payloadFor(i: number): Buffer {
  return Buffer.from(`record-${i}-`.padEnd(20 + i, String.fromCharCode(97 + (i % 26))));
}

interface Fixture {
  dir: string;
  segmentPath: string;
  original: Buffer;
  lastOffset: number;
  lastSize: number;
  lastPosition: number;
  /** Records before the last one. */
  keptRecords: number;
}

/** A journal whose last segment ends with record COUNT-1 (and, if `alone`, holds only it). */
async function fixture(alone: boolean): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), "journal-torn-"));
  dirs.push(dir);
  const journal = await Journal.open({ dir, segmentSize: SEGMENT_SIZE });
  for (let i = 0; i < COUNT - 1; i++) journal.append(payloadFor(i));
  if (alone) journal.append(Buffer.alloc(SEGMENT_SIZE - RECORD_HEADER_SIZE - 10)); // fills a segment
  const lastPosition = journal.append(payloadFor(COUNT - 1));
  await journal.close();
  const files = journal.segmentFiles();
  const last = files[files.length - 1];
  if (alone) assert.equal(last.base, lastPosition, "fixture: last record should start its own segment");
  return {
    dir,
    segmentPath: last.path,
    original: await readFile(last.path),
    lastOffset: lastPosition - last.base,
    lastSize: RECORD_HEADER_SIZE + payloadFor(COUNT - 1).length,
    lastPosition,
    keptRecords: COUNT - 1 + (alone ? 1 : 0),
  };
}

/**
 * What recovery reports as cut: the damaged bytes up to the last non-zero one. A trailing run of
 * zeros is indistinguishable from the zero padding segment files carry, so it is not counted.
 */
function damagedBytes(tail: Buffer): number {
  let n = tail.length;
  while (n > 0 && tail[n - 1] === 0) n--;
  return n;
}

async function expectCut(f: Fixture, expectedTruncated: number, label: string): Promise<void> {
  const journal = await Journal.open({ dir: f.dir, segmentSize: SEGMENT_SIZE });
  try {
    assert.equal(journal.recovery.truncatedBytes, expectedTruncated, `${label}: truncatedBytes`);
    assert.equal(journal.endPosition, f.lastPosition, `${label}: endPosition`);
    const payloads: Buffer[] = [];
    await journal.read(journal.startPosition, (r) => {
      payloads.push(Buffer.from(r.payload));
    });
    assert.equal(payloads.length, f.keptRecords, `${label}: records read`);
    assert.equal(journal.recovery.records, f.keptRecords, `${label}: recovery.records`);
    for (let i = 0; i < COUNT - 1; i++) assert.deepEqual(payloads[i], payloadFor(i), `${label}: record ${i}`);
    // The cut is physical: the file now ends where the torn record began.
    assert.equal((await readFile(f.segmentPath)).length, f.lastOffset, `${label}: file length`);
  } finally {
    await journal.close();
  }
}

for (const alone of [false, true]) {
  const where = alone ? "alone in its segment" : "after others in its segment";
  describe(`torn last record (${where})`, () => {
    test("cut off at every byte offset → exactly that record is dropped", async () => {
      const f = await fixture(alone);
      for (let k = 0; k < f.lastSize; k++) {
        await writeFile(f.segmentPath, f.original.subarray(0, f.lastOffset + k));
        await expectCut(f, damagedBytes(f.original.subarray(f.lastOffset, f.lastOffset + k)), `cut at +${k}`);
      }
    });

    test("any single corrupted byte → exactly that record is dropped", async () => {
      const f = await fixture(alone);
      for (let k = 0; k < f.lastSize; k++) {
        const damaged = Buffer.from(f.original);
        damaged[f.lastOffset + k] ^= 0x5a;
        await writeFile(f.segmentPath, damaged);
        await expectCut(f, damagedBytes(damaged.subarray(f.lastOffset)), `flip at +${k}`);
      }
    });

    test("zero-filled tail (unwritten blocks after a crash) → those bytes are dropped", async () => {
      const f = await fixture(alone);
      // The last record itself zeroed from every offset on, as a filesystem that extended the file
      // but never wrote the block would leave it.
      for (let k = 0; k < f.lastSize; k++) {
        const damaged = Buffer.from(f.original);
        damaged.fill(0, f.lastOffset + k);
        await writeFile(f.segmentPath, damaged);
        await expectCut(f, damagedBytes(damaged.subarray(f.lastOffset)), `zeroed from +${k}`);
      }
      // Zero padding after an intact last record is the normal end of a segment: nothing lost.
      await writeFile(f.segmentPath, Buffer.concat([f.original, Buffer.alloc(40)]));
      const journal = await Journal.open({ dir: f.dir, segmentSize: SEGMENT_SIZE });
      assert.equal(journal.recovery.truncatedBytes, 0);
      assert.equal(journal.endPosition, f.lastPosition + f.lastSize);
      assert.equal(journal.recovery.records, COUNT + (alone ? 1 : 0));
      assert.deepEqual(await journal.readAt(f.lastPosition), payloadFor(COUNT - 1));
      await journal.close();
    });
  });
}
