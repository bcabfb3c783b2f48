import assert from "node:assert/strict";
import { mkdtemp, open, readdir, rm, stat, truncate as truncateFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { Journal, type JournalRecord } from "./Journal";
import { RECORD_HEADER_SIZE } from "./journalRecordCodec";

const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "journal-test-"));
  dirs.push(dir);
  return dir;
}

async function waitUntil(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Deterministic payload whose content depends on its index, so swaps and corruption show. */
function payloadFor(i: number, maxLen = 600): Buffer {
  const len = (i * 7919) % maxLen;
  const buf = Buffer.alloc(4 + len);
  buf.writeUInt32LE(i, 0);
  for (let k = 0; k < len; k++) buf[4 + k] = (i + k * 31) & 0xff;
  return buf;
}

async function readAll(journal: Journal, from = journal.startPosition): Promise<JournalRecord[]> {
  const out: JournalRecord[] = [];
  await journal.read(from, (r) => {
    out.push({ position: r.position, payload: Buffer.from(r.payload), size: r.size });
  });
  return out;
}

async function appendMany(journal: Journal, count: number, first = 0): Promise<number[]> {
  const positions: number[] = [];
  for (let i = first; i < first + count; i++) positions.push(journal.append(payloadFor(i)));
  return positions;
}

describe("Journal", () => {
  test("appendFramed logs the caller's buffer with the header filled in place, interleaved with append, identical after reopen", async () => {
    const dir = await tempDir();
    const journal = await Journal.open({ dir, segmentSize: 4096 });
    const expected: Buffer[] = [];
    const framed: Buffer[] = [];
    for (let i = 0; i < 200; i++) {
      const payload = payloadFor(i);
      expected.push(payload);
      if (i % 2 === 0) {
        journal.append(payload);
      } else {
        const record = Buffer.alloc(RECORD_HEADER_SIZE + payload.length);
        payload.copy(record, RECORD_HEADER_SIZE);
        journal.appendFramed(record);
        framed.push(record);
      }
    }
    // The payload bytes of a framed record were not copied: the journal holds the very buffer.
    assert.ok(framed.every((r) => r.readUInt32LE(4) === r.length - RECORD_HEADER_SIZE));
    assert.deepEqual((await readAll(journal)).map((r) => r.payload), expected);
    await journal.close();
    const again = await Journal.open({ dir, segmentSize: 4096 });
    assert.deepEqual((await readAll(again)).map((r) => r.payload), expected);
    await again.close();
  });

  test("append/sync/read round trip across segment rolls, from memory and from disk", async () => {
    const dir = await tempDir();
    const journal = await Journal.open({ dir, segmentSize: 4096 });
    assert.equal(journal.endPosition, 0);
    const positions = await appendMany(journal, 300);

    // Before any write completed, read() must serve the queued records from memory.
    const early = await readAll(journal);
    assert.equal(early.length, 300);
    early.forEach((r, i) => {
      assert.equal(r.position, positions[i]);
      assert.deepEqual(r.payload, payloadFor(i));
    });

    await journal.sync();
    assert.equal(journal.durablePosition, journal.endPosition);
    const records = await readAll(journal);
    assert.equal(records.length, 300);
    records.forEach((r, i) => {
      assert.equal(r.position, positions[i]);
      assert.equal(r.size, RECORD_HEADER_SIZE + payloadFor(i).length);
      assert.deepEqual(r.payload, payloadFor(i));
    });

    const files = journal.segmentFiles();
    assert.ok(files.length > 5, `expected several segments, got ${files.length}`);
    for (const f of files) {
      assert.match(f.path, /\/\d{20}\.log$/);
      assert.equal(Number(f.path.slice(-24, -4)), f.base);
      assert.ok(f.size <= 4096);
    }
    // Segments are contiguous in position.
    for (let i = 1; i < files.length; i++) assert.equal(files[i].base, files[i - 1].base + files[i - 1].size);
    assert.equal(journal.stats().appends, 300);
    await journal.close();
    // After close every file holds exactly its records (the active one loses its zero padding).
    for (const f of files) assert.equal((await stat(f.path)).size, f.size);
  });

  test("readAt returns one verified payload, from memory or disk, and rejects non-boundaries", async () => {
    const dir = await tempDir();
    const journal = await Journal.open({ dir, segmentSize: 8192 });
    const positions = await appendMany(journal, 100);
    assert.deepEqual(await journal.readAt(positions[99]), payloadFor(99)); // still queued
    await journal.sync();
    for (const i of [0, 1, 17, 50, 99]) assert.deepEqual(await journal.readAt(positions[i]), payloadFor(i));
    await assert.rejects(journal.readAt(positions[10] + 3), /no valid journal record at position/);
    await assert.rejects(journal.readAt(journal.endPosition), RangeError);
    const big = Buffer.alloc(6000, 7);
    const bigPos = journal.append(big);
    await journal.sync();
    assert.deepEqual(await journal.readAt(bigPos), big); // larger than the read-ahead
    await journal.close();
  });

  test("records larger than the scan buffer round-trip; oversized records are refused", async () => {
    const dir = await tempDir();
    const journal = await Journal.open({ dir, segmentSize: 4 * 1024 * 1024 });
    const big = Buffer.alloc(1536 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 13) & 0xff;
    journal.append(Buffer.from("a"));
    const bigPos = journal.append(big);
    journal.append(Buffer.alloc(0));
    await journal.sync();
    const records = await readAll(journal);
    assert.equal(records.length, 3);
    assert.deepEqual(records[1].payload, big);
    assert.equal(records[2].payload.length, 0);
    assert.deepEqual(await journal.readAt(bigPos), big);
    assert.throws(() => journal.append(Buffer.alloc(4 * 1024 * 1024)), RangeError);
    await journal.close();
  });

  test("read stops after the record whose callback returns false and resumes from there", async () => {
    const dir = await tempDir();
    const journal = await Journal.open({ dir, segmentSize: 2048 });
    const positions = await appendMany(journal, 50);
    await journal.sync();
    let seen = 0;
    const next = await journal.read(positions[0], () => (++seen === 10 ? false : undefined));
    assert.equal(seen, 10);
    assert.equal(next, positions[10]);
    const rest = await readAll(journal, next);
    assert.equal(rest.length, 40);
    assert.deepEqual(rest[0].payload, payloadFor(10));
    await journal.close();
  });

  test("reclaim deletes only whole segments fully below the mark and moves startPosition", async () => {
    const dir = await tempDir();
    const journal = await Journal.open({ dir, segmentSize: 2048 });
    const positions = await appendMany(journal, 200);
    await journal.sync();
    const before = journal.segmentFiles();
    const mark = positions[120];
    const expectedGone = before.filter((s) => s.base + s.size <= mark);
    assert.ok(expectedGone.length > 2);
    const deleted = await journal.reclaim(mark);
    assert.equal(deleted, expectedGone.length);
    const remaining = journal.segmentFiles();
    assert.equal(journal.startPosition, remaining[0].base);
    assert.ok(journal.startPosition <= mark && mark < remaining[0].base + remaining[0].size);
    const onDisk = (await readdir(dir)).sort();
    assert.deepEqual(onDisk, remaining.map((s) => s.path.slice(dir.length + 1)));
    // The segment holding the mark stays, so record 120 and everything after it stays readable.
    const tail = await readAll(journal);
    assert.equal(tail[tail.length - 1].position, positions[199]);
    assert.ok(tail.some((r) => r.position === mark));
    await assert.rejects(journal.read(positions[0], () => undefined), RangeError);
    // Reclaiming everything still keeps the active segment.
    await journal.reclaim(Number.MAX_SAFE_INTEGER);
    assert.equal(journal.segmentFiles().length, 1);
    assert.equal(journal.stats().segments, 1);
    await journal.close();

    const reopened = await Journal.open({ dir, segmentSize: 2048 });
    assert.equal(reopened.startPosition, journal.segmentFiles()[0].base);
    assert.equal(reopened.endPosition, journal.endPosition);
    await reopened.close();
  });

  test("reclaim never deletes bytes that are not yet durable", async () => {
    const dir = await tempDir();
    const journal = await Journal.open({ dir, segmentSize: 1024 });
    await appendMany(journal, 40);
    await journal.sync();
    const durable = journal.durablePosition;
    await appendMany(journal, 40, 40);
    const deleted = await journal.reclaim(journal.endPosition);
    assert.ok(journal.startPosition <= durable);
    assert.ok(deleted >= 1);
    await journal.sync();
    await journal.close();
  });

  test("truncate drops the tail, survives reopen, and rejects non-boundaries", async () => {
    const dir = await tempDir();
    const journal = await Journal.open({ dir, segmentSize: 2048 });
    const positions = await appendMany(journal, 120);
    await journal.sync();
    const segmentsBefore = journal.segmentFiles().length;
    await assert.rejects(journal.truncate(positions[30] + 1), /no valid journal record/);
    await journal.truncate(positions[30]);
    assert.equal(journal.endPosition, positions[30]);
    assert.equal(journal.durablePosition, positions[30]);
    assert.ok(journal.segmentFiles().length < segmentsBefore);
    assert.equal((await readAll(journal)).length, 30);
    // Appending continues exactly at the cut.
    assert.equal(journal.append(payloadFor(1000)), positions[30]);
    await journal.sync();
    await journal.close();

    const reopened = await Journal.open({ dir, segmentSize: 2048 });
    assert.equal(reopened.recovery.truncatedBytes, 0);
    const records = await readAll(reopened);
    assert.equal(records.length, 31);
    assert.deepEqual(records[30].payload, payloadFor(1000));
    assert.deepEqual((await readdir(dir)).length, reopened.segmentFiles().length);
    // Truncating at a segment's first byte leaves that segment empty and active.
    const files = reopened.segmentFiles();
    const lastBase = files[files.length - 1].base;
    if (lastBase > 0) {
      await reopened.truncate(lastBase);
      assert.equal(reopened.endPosition, lastBase);
    }
    await reopened.close();
  });

  test("appendReplicated enforces the position invariant and names both positions", async () => {
    const dir = await tempDir();
    const journal = await Journal.open({ dir });
    journal.appendReplicated(0, Buffer.from("first"));
    const next = journal.endPosition;
    journal.appendReplicated(next, Buffer.from("second"));
    assert.throws(
      () => journal.appendReplicated(next, Buffer.from("dup")),
      (err: Error) => err.message.includes(String(next)) && err.message.includes(String(journal.endPosition)),
    );
    assert.throws(() => journal.appendReplicated(journal.endPosition + 16, Buffer.from("gap")), /replication invariant/);
    await journal.sync();
    assert.equal((await readAll(journal)).length, 2);
    await journal.close();
  });

  test("reopen after close yields identical records; close is idempotent", async () => {
    const dir = await tempDir();
    const journal = await Journal.open({ dir, segmentSize: 3000 });
    await appendMany(journal, 250);
    // No sync: close must flush and fsync on its own.
    await Promise.all([journal.close(), journal.close()]);
    await journal.close();
    assert.throws(() => journal.append(Buffer.from("late")), /closed/);

    const reopened = await Journal.open({ dir, segmentSize: 3000 });
    assert.equal(reopened.recovery.records, 250);
    assert.equal(reopened.recovery.truncatedBytes, 0);
    assert.equal(reopened.recovery.endPosition, journal.endPosition);
    assert.equal(reopened.durablePosition, reopened.endPosition);
    const records = await readAll(reopened);
    records.forEach((r, i) => assert.deepEqual(r.payload, payloadFor(i)));
    assert.equal(records.length, 250);
    await reopened.close();
  });

  test("an awaited chunk on a durable prefix is one O_DSYNC write; anything else still goes through fdatasync", async () => {
    const dir = await tempDir();
    const journal = await Journal.open({ dir, segmentSize: 4096 });
    // Awaited, log durable before it: one durable write, no fdatasync.
    const a = journal.append(payloadFor(1));
    await journal.sync();
    let st = journal.stats();
    assert.equal(st.dsyncWrites, 1);
    assert.equal(st.fsyncs - st.dsyncWrites, 0, "no fsync/fdatasync call for a chunk written O_DSYNC");
    assert.ok(journal.durablePosition > a);
    // Not awaited when written: a plain write; the later sync() needs the fsync lane.
    journal.append(payloadFor(2));
    await journal.written();
    await journal.sync();
    st = journal.stats();
    assert.equal(st.dsyncWrites, 1);
    assert.ok(st.fsyncs - st.dsyncWrites >= 1);
    // Strict one-at-a-time writer across segment rolls: each record durable when sync resolves,
    // and every record intact after reopening.
    const positions: number[] = [];
    for (let i = 3; i < 40; i++) {
      const p = journal.append(payloadFor(i, 900));
      await journal.sync();
      assert.ok(journal.durablePosition > p);
      positions.push(p);
    }
    assert.ok(journal.stats().segments > 2);
    assert.ok(journal.stats().dsyncWrites > 10, `dsyncWrites=${journal.stats().dsyncWrites}`);
    await journal.close();
    const reopened = await Journal.open({ dir, segmentSize: 4096 });
    const records = await readAll(reopened);
    assert.equal(records.length, 39);
    assert.deepEqual(records.slice(2).map((r) => r.position), positions);
    for (let i = 3; i < 40; i++) assert.deepEqual(records[i - 1]!.payload, payloadFor(i, 900));
    await reopened.close();
  });

  test("follower mode (blockingDurableWrites): a durable chunk is on disk within the writer's own turn, rolls and reopen intact", async () => {
    const dir = await tempDir();
    const journal = await Journal.open({ dir, segmentSize: 8192 });
    journal.blockingDurableWrites = true;
    const positions: number[] = [];
    let inTurnFrames = 0;
    let rolledAt = 0; // a fresh segment is padded after its first write
    for (let frame = 0; frame < 30; frame++) {
      const segments = journal.stats().segments;
      // A Records frame of 1..3 records at the master's positions, then the slave's sync().
      for (let k = 0; k <= frame % 3; k++) positions.push(journal.append(payloadFor(positions.length, 900)));
      const end = journal.endPosition;
      let syncError: Error | null = null;
      const synced = journal.sync().catch((err: Error) => {
        syncError = err;
      });
      // The writer's setImmediate was queued by append(), so it runs before this one in the same
      // check phase: a blocking write has made the chunk durable by then, while a thread-pool
      // write could not have reported back yet (completions arrive in the poll phase). A frame
      // that rolls to a new segment, and the next one, are the exception: creating the file and
      // padding it ahead of the writer are asynchronous.
      const inTurn = await new Promise<number>((resolve) => setImmediate(() => resolve(journal.durablePosition)));
      if (journal.stats().segments !== segments) rolledAt = frame;
      else if (rolledAt < frame - 1) {
        assert.equal(inTurn, end, `frame ${frame}: durable ${inTurn} of ${end} in the writer's turn`);
        inTurnFrames++;
      }
      await synced;
      assert.equal(syncError, null);
    }
    assert.ok(journal.stats().segments > 2);
    assert.ok(inTurnFrames >= 15, `only ${inTurnFrames} frames without a roll`);
    assert.ok(journal.stats().dsyncWrites >= inTurnFrames);
    journal.blockingDurableWrites = false;
    await journal.close();
    const reopened = await Journal.open({ dir, segmentSize: 8192 });
    const records = await readAll(reopened);
    assert.deepEqual(records.map((r) => r.position), positions);
    records.forEach((r, i) => assert.deepEqual(r.payload, payloadFor(i, 900)));
    await reopened.close();
  });

  test("group commit: 200 concurrent append+sync callers share far fewer fsyncs", async () => {
    const dir = await tempDir();
    const journal = await Journal.open({ dir });
    const fsyncsBefore = journal.stats().fsyncs;
    const callers = 200;
    const positions = await Promise.all(
      Array.from({ length: callers }, async (_, i) => {
        const position = journal.append(payloadFor(i));
        await journal.sync();
        // Durability is per caller: its own record must be covered when its sync resolves.
        assert.ok(journal.durablePosition > position);
        return position;
      }),
    );
    const fsyncs = journal.stats().fsyncs - fsyncsBefore;
    assert.ok(fsyncs >= 1 && fsyncs < callers, `fsyncs=${fsyncs} for ${callers} callers`);
    assert.ok(fsyncs <= 10, `group commit should batch: fsyncs=${fsyncs}`);
    assert.equal(journal.durablePosition, journal.endPosition);
    await journal.close();
    const reopened = await Journal.open({ dir });
    const records = await readAll(reopened);
    assert.deepEqual(records.map((r) => r.position), positions);
    await reopened.close();
  });

  test("reads interleaved with appends, rolls and syncs always see a verified prefix", async () => {
    const dir = await tempDir();
    const journal = await Journal.open({ dir, segmentSize: 1500 });
    const positions: number[] = [];
    let appended = 0;
    for (let round = 0; round < 40; round++) {
      for (let k = 0; k < 7; k++) positions.push(journal.append(payloadFor(appended++)));
      const syncing = round % 3 === 0 ? journal.sync() : journal.written();
      syncing.catch(() => undefined); // awaited below; handled now so a rejection meanwhile is not unhandled
      // Each read starts while the writer is busy, so it mixes file and memory segments.
      const from = positions[Math.floor(positions.length / 2)];
      const fromIndex = Math.floor(positions.length / 2);
      const seen: number[] = [];
      await journal.read(from, (r) => {
        seen.push(r.position);
        assert.deepEqual(r.payload, payloadFor(fromIndex + seen.length - 1));
      });
      assert.deepEqual(seen, positions.slice(fromIndex));
      const pick = (round * 37) % positions.length;
      assert.deepEqual(await journal.readAt(positions[pick]), payloadFor(pick));
      await syncing;
    }
    await journal.close();
  });

  test("written() resolves once the bytes are handed to the OS", async () => {
    const dir = await tempDir();
    const journal = await Journal.open({ dir, segmentSize: 1024 });
    await appendMany(journal, 30);
    assert.ok(journal.writtenPosition < journal.endPosition);
    await journal.written();
    assert.equal(journal.writtenPosition, journal.endPosition);
    const files = journal.segmentFiles();
    const last = files[files.length - 1];
    // The active file is zero-padded ahead of the writer, so it is at least this long.
    assert.ok((await stat(last.path)).size >= last.size);
    await journal.close();
  });

  test("write-behind: records nobody waits for stay queued (and readable) until the timer, a sync() or WRITE_BEHIND_BYTES", async () => {
    const dir = await tempDir();
    const journal = await Journal.open({ dir });
    journal.writeBehindMs = 60_000; // longer than the test: only a waiter or the byte cap writes
    const positions = await appendMany(journal, 20);
    for (let turn = 0; turn < 5; turn++) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(journal.writtenPosition, 0, "a write went out although nobody waited and the timer had not fired");
    assert.deepEqual((await readAll(journal)).map((r) => r.position), positions, "queued records are readable");
    assert.deepEqual(await journal.readAt(positions[7]!), payloadFor(7));
    await journal.sync();
    assert.equal(journal.durablePosition, journal.endPosition);
    // 300 KiB queued: past the 256 KiB cap the writer goes at the end of the turn, waiter or not.
    for (let i = 0; i < 300; i++) journal.append(Buffer.alloc(1024, i & 0xff));
    for (let turn = 0; turn < 5; turn++) await new Promise((r) => setImmediate(r));
    await waitUntil(() => journal.writtenPosition === journal.endPosition, "the capped write-behind to go out");
    journal.append(payloadFor(1));
    const written = journal.written();
    await written;
    assert.equal(journal.writtenPosition, journal.endPosition, "written() does not wait for the timer");
    // close() writes and syncs what is queued, and cancels the timer (the test would hang for 60 s otherwise).
    journal.append(payloadFor(2));
    const end = journal.endPosition;
    await journal.close();
    const reopened = await Journal.open({ dir });
    assert.equal(reopened.endPosition, end);
    await reopened.close();
  });

  test("a corrupt record in an early segment cuts the log there and deletes later segments", async () => {
    const dir = await tempDir();
    const journal = await Journal.open({ dir, segmentSize: 2048 });
    const positions = await appendMany(journal, 100);
    await journal.close();
    const files = journal.segmentFiles();
    assert.ok(files.length >= 4);
    const victim = files[1];
    const victimIndex = positions.findIndex((p) => p > victim.base);
    const corruptAt = positions[victimIndex];
    const fh = await open(victim.path, "r+");
    await fh.write(Buffer.from([0xee]), 0, 1, corruptAt - victim.base + RECORD_HEADER_SIZE);
    await fh.close();

    const reopened = await Journal.open({ dir, segmentSize: 2048 });
    const lost = files.slice(1).reduce((n, f) => n + f.size, 0) - (corruptAt - victim.base);
    assert.equal(reopened.recovery.truncatedBytes, lost);
    assert.equal(reopened.endPosition, corruptAt);
    assert.equal(reopened.recovery.segments, 2);
    assert.equal(reopened.recovery.records, victimIndex);
    assert.equal((await readdir(dir)).length, 2);
    const records = await readAll(reopened);
    records.forEach((r, i) => assert.deepEqual(r.payload, payloadFor(i)));
    await reopened.close();
  });

  test("zero padding left in an earlier segment (crash before it was trimmed) keeps later segments", async () => {
    const dir = await tempDir();
    const journal = await Journal.open({ dir, segmentSize: 2048 });
    await appendMany(journal, 60);
    await journal.close();
    const files = journal.segmentFiles();
    const fh = await open(files[0].path, "r+");
    await fh.write(Buffer.alloc(2048 - files[0].size), 0, 2048 - files[0].size, files[0].size);
    await fh.close();
    const reopened = await Journal.open({ dir, segmentSize: 2048 });
    assert.equal(reopened.recovery.truncatedBytes, 0);
    assert.equal(reopened.recovery.records, 60);
    assert.equal(reopened.recovery.segments, files.length);
    assert.equal((await stat(files[0].path)).size, files[0].size);
    const records = await readAll(reopened);
    records.forEach((r, i) => assert.deepEqual(r.payload, payloadFor(i)));
    await reopened.close();
  });

  test("a gap between segments (earlier tail lost) ends the log at the gap", async () => {
    const dir = await tempDir();
    const journal = await Journal.open({ dir, segmentSize: 2048 });
    const positions = await appendMany(journal, 60);
    await journal.close();
    const files = journal.segmentFiles();
    // Cut the first segment at a record boundary: it verifies, but segment 2 no longer follows it.
    const cutAt = positions.filter((p) => p < files[0].size).at(-1)!;
    await truncateFile(files[0].path, cutAt);
    const reopened = await Journal.open({ dir, segmentSize: 2048 });
    assert.equal(reopened.endPosition, cutAt);
    assert.equal(reopened.recovery.segments, 1);
    assert.equal((await readdir(dir)).length, 1);
    await reopened.close();
  });
});
