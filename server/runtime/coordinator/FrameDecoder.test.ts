import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FrameDecoder, type DecodedItem } from "./FrameDecoder";
import { JuteReader, JuteWriter } from "./jute";
import { decodeConnectRequest, decodeRequest, encodeConnectResponse, OpCode, readStat, writeStat, type Stat } from "./protocol";

function frame(body: Buffer): Buffer {
  const b = Buffer.alloc(4 + body.length);
  b.writeInt32BE(body.length, 0);
  body.copy(b, 4);
  return b;
}

function connectBody(withReadOnly: boolean): Buffer {
  const w = new JuteWriter();
  w.int(0).longNumber(0x100000005).int(30000).long(0x1234n).buffer(Buffer.alloc(16, 7));
  if (withReadOnly) w.bool(false);
  return Buffer.from(w.toBuffer());
}

function createBody(): Buffer {
  const w = new JuteWriter();
  w.int(1).int(OpCode.create).ustring("/a/b").buffer(Buffer.from("data")).vector([{ perms: 31, id: { scheme: "world", id: "anyone" } }], (x, a) => x.int(a.perms).ustring(a.id.scheme).ustring(a.id.id)).int(3);
  return Buffer.from(w.toBuffer());
}

const fixture = Buffer.concat([frame(connectBody(true)), frame(createBody()), frame(Buffer.alloc(0)), frame(Buffer.from([1, 2, 3]))]);

function frames(items: DecodedItem[]): Buffer[] {
  return items.map((i) => {
    assert.equal(i.kind, "frame");
    return (i as { body: Buffer }).body;
  });
}

describe("FrameDecoder", () => {
  test("whole fixture in one chunk", () => {
    const d = new FrameDecoder(1048575);
    const out = frames(d.push(fixture));
    assert.equal(out.length, 4);
    assert.deepEqual(out[0], connectBody(true));
    assert.deepEqual(out[1], createBody());
    assert.equal(out[2].length, 0);
    assert.equal(d.pending(), 0);
  });

  test("split at every offset gives the same frames", () => {
    const expected = frames(new FrameDecoder(1048575).push(fixture));
    for (let i = 0; i <= fixture.length; i++) {
      const d = new FrameDecoder(1048575);
      const out = [...frames(d.push(fixture.subarray(0, i))), ...frames(d.push(fixture.subarray(i)))];
      assert.deepEqual(out, expected, `split at ${i}`);
    }
  });

  test("byte by byte", () => {
    const d = new FrameDecoder(1048575);
    const out: Buffer[] = [];
    for (const b of fixture) out.push(...frames(d.push(Buffer.from([b]))));
    assert.deepEqual(out, frames(new FrameDecoder(1048575).push(fixture)));
  });

  test("length over maxBuffer is refused from the prefix alone, before the body arrives", () => {
    const d = new FrameDecoder(100);
    const head = Buffer.alloc(4);
    head.writeInt32BE(101, 0);
    const out = d.push(head);
    assert.equal(out.length, 1);
    assert.equal(out[0].kind, "error");
    assert.equal((out[0] as { reason: string }).reason, "frameTooLarge");
    assert.deepEqual(d.push(Buffer.alloc(10)), [], "nothing after an error");
  });

  test("negative length is an error", () => {
    const out = new FrameDecoder(100).push(Buffer.from([0xff, 0xff, 0xff, 0xfe]));
    assert.equal(out[0].kind, "error");
  });

  test("four-letter word only as the first 4 bytes of a connection", () => {
    for (let i = 0; i <= 4; i++) {
      const d = new FrameDecoder(100);
      const out = [...d.push(Buffer.from("ruok").subarray(0, i)), ...d.push(Buffer.from("ruok").subarray(i))];
      assert.deepEqual(out, [{ kind: "fourLetterWord", word: "ruok" }]);
    }
    const d = new FrameDecoder(1048575);
    d.push(frame(Buffer.alloc(0)));
    const out = d.push(Buffer.from("ruok"));
    assert.equal(out[0].kind, "error", "later 'ruok' is just a huge length");
  });
});

describe("jute records", () => {
  test("ConnectRequest with and without the readOnly byte", () => {
    const a = decodeConnectRequest(connectBody(true));
    assert.equal(a.hasReadOnlyField, true);
    assert.equal(a.lastZxidSeen, 0x100000005);
    assert.equal(a.timeOut, 30000);
    assert.equal(a.sessionId, 0x1234n);
    const b = decodeConnectRequest(connectBody(false));
    assert.equal(b.hasReadOnlyField, false);
    assert.equal(b.sessionId, 0x1234n);
  });

  test("ConnectResponse omits readOnly when the request did", () => {
    const withRo = encodeConnectResponse({ timeOut: 4000, sessionId: -5n, passwd: Buffer.alloc(16), withReadOnly: true });
    const without = encodeConnectResponse({ timeOut: 4000, sessionId: -5n, passwd: Buffer.alloc(16), withReadOnly: false });
    assert.equal(withRo.length, without.length + 1);
    assert.equal(withRo.readInt32BE(0), withRo.length - 4);
    const r = new JuteReader(withRo, 4);
    assert.equal(r.int(), 0);
    assert.equal(r.int(), 4000);
    assert.equal(r.long(), -5n);
  });

  test("Stat round trip, 68 bytes, 64-bit fields", () => {
    const s: Stat = { czxid: 0x300000001, mzxid: 0x300000002, ctime: 1700000000000, mtime: 1700000000001, version: 2, cversion: 3, aversion: 4, ephemeralOwner: -(2n ** 63n), dataLength: 5, numChildren: 6, pzxid: 0x3ffffffff };
    const w = new JuteWriter();
    writeStat(w, s);
    assert.equal(w.length(), 68);
    assert.deepEqual(readStat(new JuteReader(w.toBuffer())), s);
  });

  test("CreateRequest decodes; every truncation throws instead of reading garbage", () => {
    const body = createBody();
    const r = new JuteReader(body, 8);
    const req = decodeRequest(OpCode.create, r);
    assert.deepEqual(req, { op: "create", type: 1, path: "/a/b", data: Buffer.from("data"), acl: [{ perms: 31, id: { scheme: "world", id: "anyone" } }], flags: 3 });
    for (let i = 8; i < body.length; i++) {
      assert.throws(() => decodeRequest(OpCode.create, new JuteReader(body.subarray(0, i), 8)), /truncated|exceeds/);
    }
  });

  test("a vector count larger than the remaining bytes is refused", () => {
    const w = new JuteWriter();
    w.ustring("/x").int(0x7fffffff);
    assert.throws(() => decodeRequest(OpCode.setACL, new JuteReader(Buffer.from(w.toBuffer()))), /exceeds/);
  });
});
