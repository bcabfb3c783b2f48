// The log and snapshot formats on disk: CRC-32 is zlib's (IEEE 802.3, the one the hand-written
// table implementation computed before Node 20.15 shipped zlib.crc32), so files written by
// earlier versions still verify. The fixtures below were written by that earlier implementation.
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { crc32 } from "node:zlib";
import { recoverState, TxnLog, writeSnapshot } from "./TxnLog";
import { encodeTxn, type Txn } from "./txn";

/** log.0000000100000001: createSession, create /a, create /a/e (ephemeral, null data), setData /a — two appends. */
const OLD_LOG =
  "VFpLTDAwMDEAAAAgK9d/eAAAAAEAAAABAAABi8/laAAAAAAAAAABI/////YAAA+gAAAATiRygNcAAAABAAAAAgAAAYvP5WgBAAAAAAAAASMAAAABAAAAAi9hAAAABWhlbGxvAAAAAQAAAB8AAAAFd29ybGQAAAAGYW55b25lAAAAAAAAAAAAAABLALb/bwAAAAEAAAADAAABi8/laAIAAAAAAAABIwAAAAEAAAAEL2EvZf////8AAAABAAAAHwAAAAV3b3JsZAAAAAZhbnlvbmUAAAAAAAABIwAAAC9UVW3UAAAAAQAAAAQAAAGLz+VoAwAAAAAAAAEjAAAABQAAAAIvYQAAAAV3b3JsZAAAAAE=";
/** snapshot.0000000100000002: the tree after the first two txns, CRC-32 trailer. */
const OLD_SNAPSHOT =
  "VFpTTgAAAAEAAAACAAAAAQAAAAAAAAEjAAAPoAAAAAUAAAABLwAAAAAAAAABAAAAHwAAAAV3b3JsZAAAAAZhbnlvbmUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAAAAAAAAAQAAAAIAAAACL2EAAAAFaGVsbG8AAAABAAAAHwAAAAV3b3JsZAAAAAZhbnlvbmUAAAABAAAAAgAAAAEAAAACAAABi8/laAEAAAGLz+VoAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAAIAAAAKL3pvb2tlZXBlcgAAAAAAAAABAAAAHwAAAAV3b3JsZAAAAAZhbnlvbmUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAARL3pvb2tlZXBlci9jb25maWcAAAAAAAAAAQAAAB8AAAAFd29ybGQAAAAGYW55b25lAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEC96b29rZWVwZXIvcXVvdGEAAAAAAAAAAQAAAB8AAAAFd29ybGQAAAAGYW55b25lAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwJktvQ==";
const E = 0x100000000;

describe("TxnLog: on-disk format", () => {
  test("CRC-32 is the IEEE one (check value of \"123456789\")", () => {
    assert.equal(crc32(Buffer.from("123456789")), 0xcbf43926);
  });

  test("a log and a snapshot written by the earlier hand-written CRC-32 still verify, untruncated", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tandem-txnlog-old-"));
    try {
      const log = join(dir, "log.0000000100000001");
      const snap = join(dir, "snapshot.0000000100000002");
      await writeFile(log, Buffer.from(OLD_LOG, "base64"));
      await writeFile(snap, Buffer.from(OLD_SNAPSHOT, "base64"));
      const sizes = [(await stat(log)).size, (await stat(snap)).size];
      const r = await recoverState(dir);
      assert.notEqual(r.snapshot, null, "the snapshot's CRC verified");
      assert.equal(r.snapshotZxid, E + 2);
      assert.deepEqual(r.txns.map((t) => t.zxid), [E + 3, E + 4], "every record after the snapshot verified");
      assert.deepEqual(r.txns.map((t) => t.op.type), ["create", "setData"]);
      assert.deepEqual([(await stat(log)).size, (await stat(snap)).size], sizes, "nothing was truncated as damaged");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("what this version writes is byte-identical to the earlier format", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tandem-txnlog-new-"));
    try {
      const acl = [{ perms: 31, id: { scheme: "world", id: "anyone" } }];
      const txns: Txn[] = [
        { zxid: E + 1, time: 1700000000000, sessionId: 0x123n, op: { type: "createSession", timeout: 4000 } },
        { zxid: E + 2, time: 1700000000001, sessionId: 0x123n, op: { type: "create", path: "/a", data: Buffer.from("hello"), acl, ephemeralOwner: 0n } },
        { zxid: E + 3, time: 1700000000002, sessionId: 0x123n, op: { type: "create", path: "/a/e", data: null, acl, ephemeralOwner: 0x123n } },
        { zxid: E + 4, time: 1700000000003, sessionId: 0x123n, op: { type: "setData", path: "/a", data: Buffer.from("world"), version: 1 } },
      ];
      const log = await TxnLog.open(dir, E + 1);
      await log.append(txns.slice(0, 2).map(encodeTxn));
      await log.append(txns.slice(2).map(encodeTxn));
      await log.close();
      assert.deepEqual(await readFile(join(dir, "log.0000000100000001")), Buffer.from(OLD_LOG, "base64"));
      // The snapshot trailer: same body, same CRC.
      const old = Buffer.from(OLD_SNAPSHOT, "base64");
      await writeSnapshot(dir, E + 2, old.subarray(0, old.length - 4));
      assert.deepEqual(await readFile(join(dir, "snapshot.0000000100000002")), old);
      assert.deepEqual((await readdir(dir)).sort(), ["log.0000000100000001", "snapshot.0000000100000002"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("an open log is preallocated with zeros; recovery after a crash keeps every record and stops at the padding", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tandem-txnlog-pad-"));
    const log = await TxnLog.open(dir, E + 1);
    try {
      const acl = [{ perms: 31, id: { scheme: "world", id: "anyone" } }];
      const txns: Txn[] = Array.from({ length: 50 }, (_, i) => ({
        zxid: E + 1 + i,
        time: 1700000000000 + i,
        sessionId: 0x123n,
        op: { type: "create", path: `/n${i}`, data: Buffer.alloc(100, i), acl, ephemeralOwner: 0n },
      }));
      for (let i = 0; i < txns.length; i += 10) await log.append(txns.slice(i, i + 10).map(encodeTxn));
      const file = join(dir, "log.0000000100000001");
      const records = 8 + txns.reduce((n, t) => n + 8 + encodeTxn(t).length, 0);
      // The process "crashed" here: the file still carries its padding.
      assert.ok((await stat(file)).size >= records + 1024 * 1024, "zeros allocated ahead of the writer");
      const r = await recoverState(dir);
      assert.deepEqual(r.txns.map((t) => t.zxid), txns.map((t) => t.zxid));
      assert.equal((await stat(file)).size, records, "recovery cut the padding off, nothing else");
    } finally {
      await log.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("after a roll the new file starts right after its magic: records on both sides of the roll recover", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tandem-txnlog-roll-"));
    const log = await TxnLog.open(dir, E + 1);
    try {
      const acl = [{ perms: 31, id: { scheme: "world", id: "anyone" } }];
      const txn = (i: number): Txn => ({ zxid: E + 1 + i, time: 1700000000000 + i, sessionId: 0x123n, op: { type: "create", path: `/r${i}`, data: Buffer.alloc(200, i), acl, ephemeralOwner: 0n } });
      for (let i = 0; i < 20; i += 5) await log.append([0, 1, 2, 3, 4].map((k) => encodeTxn(txn(i + k))));
      await log.roll(E + 21);
      for (let i = 20; i < 40; i += 5) await log.append([0, 1, 2, 3, 4].map((k) => encodeTxn(txn(i + k))));
      // kill -9 now: both files as they are, the second one still padded.
      const r = await recoverState(dir);
      assert.deepEqual(r.txns.map((t) => t.zxid), Array.from({ length: 40 }, (_, i) => E + 1 + i));
    } finally {
      await log.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a flipped bit fails the CRC: recovery keeps the records before it and truncates there", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tandem-txnlog-bad-"));
    try {
      const bytes = Buffer.from(OLD_LOG, "base64");
      bytes[bytes.length - 3] ^= 0x10; // inside the last record (setData /a)
      await writeFile(join(dir, "log.0000000100000001"), bytes);
      const r = await recoverState(dir);
      assert.deepEqual(r.txns.map((t) => t.zxid), [E + 1, E + 2, E + 3]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
